package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/ajel-news/ajel/news"
)

// The requests Ajel makes, built here as parameters: the library (Bot API
// 6.x) predates forum threads, link_preview_options, reply_parameters and
// paid broadcast, and its request types cannot be made under a context.

// Text is a text message to send, in Telegram HTML.
type Text struct {
	To       news.Target // the chat and, in a forum, its topic thread
	HTML     string      // every outside string escaped
	Keyboard *Keyboard
	Silent   bool // disable_notification
	Paid     bool // allow_paid_broadcast
	// Image, when set, is shown as a large link preview above the text
	// (the story's picture); otherwise previews are off.
	Image string
	// ReplyTo, when set, is the message this one answers (reply_parameters;
	// sent even if that message is gone).
	ReplyTo int
}

// previewOptions is the link_preview_options parameter: off, or the
// story's picture large and above the text.
func previewOptions(image string) string {
	if image == "" {
		return `{"is_disabled":true}`
	}
	b, _ := json.Marshal(struct {
		URL              string `json:"url"`
		PreferLargeMedia bool   `json:"prefer_large_media"`
		ShowAboveText    bool   `json:"show_above_text"`
	}{image, true, true}) // a struct of strings and bools always marshals
	return string(b)
}

// params are the parameters m shares between sendMessage and
// editMessageText.
func (m Text) params() (tgbotapi.Params, error) {
	p := tgbotapi.Params{
		"text":                 m.HTML,
		"parse_mode":           tgbotapi.ModeHTML,
		"link_preview_options": previewOptions(m.Image),
	}
	p.AddNonZero64("chat_id", m.To.ChatID) // none for an inline message
	if m.Keyboard != nil {
		if err := p.AddInterface("reply_markup", *m.Keyboard); err != nil {
			return nil, fmt.Errorf("telegram: keyboard: %w", err)
		}
	}
	return p, nil
}

// Send sends m and returns Telegram's id of the message.
func (c *Client) Send(ctx context.Context, m Text) (int, error) {
	p, err := m.params()
	if err != nil {
		return 0, err
	}
	p.AddNonZero("message_thread_id", m.To.ThreadID)
	if m.ReplyTo != 0 {
		p["reply_parameters"] = fmt.Sprintf(`{"message_id":%d,"allow_sending_without_reply":true}`, m.ReplyTo)
	}
	p.AddBool("disable_notification", m.Silent)
	p.AddBool("allow_paid_broadcast", m.Paid)
	var sent struct {
		MessageID int `json:"message_id"`
	}
	if err := c.Call(ctx, "sendMessage", p, &sent); err != nil {
		return 0, err
	}
	return sent.MessageID, nil
}

// Edit replaces the text (and keyboard: none when m.Keyboard is nil) of
// message id in m.To's chat; m's thread, silence and reply do not apply.
// An edit that changes nothing is not an error.
func (c *Client) Edit(ctx context.Context, id int, m Text) error {
	p, err := m.params()
	if err != nil {
		return err
	}
	p["message_id"] = strconv.Itoa(id)
	return notModifiedIsDone(c.Call(ctx, "editMessageText", p, nil))
}

// EditInline replaces the text (and keyboard: none when m.Keyboard is
// nil) of a message posted through inline mode, which Telegram names by
// inline_message_id alone; m.To does not apply. An edit that changes
// nothing is not an error.
func (c *Client) EditInline(ctx context.Context, inlineMessageID string, m Text) error {
	m.To = news.Target{}
	p, err := m.params()
	if err != nil {
		return err
	}
	p["inline_message_id"] = inlineMessageID
	return notModifiedIsDone(c.Call(ctx, "editMessageText", p, nil))
}

// EditKeyboard replaces the keyboard under a message. An edit that
// changes nothing is not an error.
func (c *Client) EditKeyboard(ctx context.Context, chatID int64, id int, kb Keyboard) error {
	p := tgbotapi.Params{"chat_id": strconv.FormatInt(chatID, 10), "message_id": strconv.Itoa(id)}
	if err := p.AddInterface("reply_markup", kb); err != nil {
		return fmt.Errorf("telegram: keyboard: %w", err)
	}
	return notModifiedIsDone(c.Call(ctx, "editMessageReplyMarkup", p, nil))
}

func notModifiedIsDone(err error) error {
	if te := asError(err); te != nil && te.NotModified() {
		return nil
	}
	return err
}

// Answer answers a callback query, so the button stops spinning, with a
// short plain-text note, or an alert the reader must dismiss.
func (c *Client) Answer(ctx context.Context, callbackID, text string, alert bool) error {
	p := tgbotapi.Params{"callback_query_id": callbackID}
	p.AddNonEmpty("text", text)
	p.AddBool("show_alert", alert)
	return c.Call(ctx, "answerCallbackQuery", p, nil)
}

// Chat looks a chat up by its id or @username (getChat).
func (c *Client) Chat(ctx context.Context, ref string) (Chat, error) {
	var chat Chat
	err := c.Call(ctx, "getChat", tgbotapi.Params{"chat_id": ref}, &chat)
	return chat, err
}

// Member is userID's standing in a chat (getChatMember).
func (c *Client) Member(ctx context.Context, chatID, userID int64) (ChatMember, error) {
	var m ChatMember
	err := c.Call(ctx, "getChatMember", tgbotapi.Params{
		"chat_id": strconv.FormatInt(chatID, 10), "user_id": strconv.FormatInt(userID, 10)}, &m)
	return m, err
}

// Command is one entry of the menu Telegram shows readers.
type Command struct {
	Name        string // Latin, without '/'
	Description string // plain text
}

// SetCommands registers the commands' menu (setMyCommands).
func (c *Client) SetCommands(ctx context.Context, cmds []Command) error {
	list := make([]tgbotapi.BotCommand, len(cmds))
	for i, cmd := range cmds {
		list[i] = tgbotapi.BotCommand{Command: cmd.Name, Description: cmd.Description}
	}
	p := tgbotapi.Params{}
	if err := p.AddInterface("commands", list); err != nil {
		return fmt.Errorf("telegram: setMyCommands: %w", err)
	}
	return c.Call(ctx, "setMyCommands", p, nil)
}

// updates asks for the updates from offset on, waiting up to the poll
// timeout for one (getUpdates). They are returned raw: the inbox keeps
// them as Telegram sent them.
func (c *Client) updates(ctx context.Context, offset int) ([]json.RawMessage, error) {
	p := tgbotapi.Params{"timeout": strconv.Itoa(max(int(c.conn.pollTimeout.Seconds()), 1))}
	p.AddNonZero("offset", offset)
	if err := p.AddInterface("allowed_updates", AllowedUpdates()); err != nil {
		return nil, err
	}
	var raws []json.RawMessage
	err := c.Call(ctx, "getUpdates", p, &raws)
	return raws, err
}

// SetWebhook asks Telegram to POST updates to publicURL with the secret
// (WebhookSecret(token, secret)) in SecretTokenHeader. Pending updates are kept. max_connections is 1:
// Telegram then sends one update at a time, in order, which the
// offset-based repeat detection and the order of one chat's updates rely
// on; each is answered as soon as it is kept, so this costs a database
// write per update, not a reply's round trip.
func (c *Client) SetWebhook(ctx context.Context, publicURL, secret string) error {
	p := tgbotapi.Params{
		"url":                  publicURL,
		"secret_token":         WebhookSecret(c.conn.token, secret),
		"max_connections":      "1",
		"drop_pending_updates": "false",
	}
	if err := p.AddInterface("allowed_updates", AllowedUpdates()); err != nil {
		return err
	}
	return c.Call(ctx, "setWebhook", p, nil)
}

// DeleteWebhook removes the webhook, keeping pending updates for
// getUpdates.
func (c *Client) DeleteWebhook(ctx context.Context) error {
	return c.Call(ctx, "deleteWebhook", nil, nil)
}

// File is a file Telegram keeps for the bot (getFile): Path is where
// Download reads it, Size its length in bytes (0 when Telegram did not
// say).
type File struct {
	ID   string `json:"file_id"`
	Size int64  `json:"file_size"`
	Path string `json:"file_path"`
}

// GetFile asks Telegram where a file sent to the bot (a document's
// file_id) can be downloaded.
func (c *Client) GetFile(ctx context.Context, fileID string) (File, error) {
	var f File
	err := c.Call(ctx, "getFile", tgbotapi.Params{"file_id": fileID}, &f)
	return f, err
}

// ErrFileTooLarge is a download longer than the bound it was given.
var ErrFileTooLarge = errors.New("telegram: file too large")

// Download reads a file GetFile found, at most limit bytes (a longer one
// is ErrFileTooLarge), from the file address of the endpoint
// (https://api.telegram.org/file/bot<token>/<path>). Errors never hold
// the token.
func (c *Client) Download(ctx context.Context, f File, limit int64) ([]byte, error) {
	cn := c.conn
	if cn.fileEndpoint == "" {
		return nil, fmt.Errorf("telegram: download: no file address for the endpoint %s (it has no bot%%s)", cn.redactText(cn.endpoint))
	}
	if f.Path == "" {
		return nil, errors.New("telegram: download: Telegram gave no file path")
	}
	if f.Size > limit {
		return nil, fmt.Errorf("%w: %d bytes, at most %d", ErrFileTooLarge, f.Size, limit)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf(cn.fileEndpoint, cn.token, f.Path), nil)
	if err != nil {
		return nil, cn.redact(err)
	}
	resp, err := cn.http.Do(req)
	if err != nil {
		return nil, cn.redact(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, &Error{Method: "download", Code: resp.StatusCode, Description: "HTTP " + resp.Status}
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, cn.redact(fmt.Errorf("telegram: download: %w", err))
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrFileTooLarge, limit)
	}
	return data, nil
}

// Document is a file to send (sendDocument): its name as the reader
// sees it, its bytes, and a caption in Telegram HTML.
type Document struct {
	To      news.Target
	Name    string
	Data    []byte
	Caption string
}

// SendDocument uploads a file to a chat (multipart form data) and returns
// Telegram's id of the message.
func (c *Client) SendDocument(ctx context.Context, d Document) (int, error) {
	p := tgbotapi.Params{"chat_id": strconv.FormatInt(d.To.ChatID, 10)}
	p.AddNonZero("message_thread_id", d.To.ThreadID)
	if d.Caption != "" {
		p["caption"], p["parse_mode"] = d.Caption, tgbotapi.ModeHTML
	}
	var sent struct {
		MessageID int `json:"message_id"`
	}
	if err := c.send(ctx, "sendDocument", p, &upload{field: "document", name: d.Name, data: d.Data}, &sent); err != nil {
		return 0, err
	}
	return sent.MessageID, nil
}
