package bot

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/ajel-news/ajel/news"
)

// Send pushes a story to a chat, or a forum topic thread of one: HTML, the
// story's picture as a large preview above the text when p.Image is set
// (no preview otherwise), silent when p.Silent, with allow_paid_broadcast
// when p.Paid. It returns Telegram's message id. It makes one attempt: the
// delivery worker paces pushes and decides about retries. A refusal is a
// *news.SendError saying what the worker should do; the token never
// appears in it.
func (b *Bot) Send(ctx context.Context, to news.Target, p news.Push) (int, error) {
	msg, err := b.sendRaw(ctx, message{to: to, text: RenderPush(p), silent: p.Silent, paid: p.Paid, image: p.Image,
		keyboard: b.pushKeyboard(p)})
	if err != nil {
		return 0, sendError(err)
	}
	return msg.MessageID, nil
}

// EditPush replaces the text of a push already sent (when more sources
// carried the story), keeping its picture. An unchanged text is not an
// error.
func (b *Bot) EditPush(ctx context.Context, chatID int64, messageID int, p news.Push) error {
	params := tgbotapi.Params{
		"chat_id":              strconv.FormatInt(chatID, 10),
		"message_id":           strconv.Itoa(messageID),
		"text":                 RenderPush(p),
		"parse_mode":           tgbotapi.ModeHTML,
		"link_preview_options": previewOptions(p.Image),
	}
	if kb := b.pushKeyboard(p); kb != nil {
		if err := params.AddInterface("reply_markup", *kb); err != nil {
			return sendError(err)
		}
	}
	_, err := b.apiFor(ctx).MakeRequest("editMessageText", params)
	if err != nil {
		err = b.redact(err)
	}
	if err != nil && !isNotModified(err) {
		return sendError(err)
	}
	return nil
}

// pushKeyboard is the follow button under a push, when follows are on.
func (b *Bot) pushKeyboard(p news.Push) *tgbotapi.InlineKeyboardMarkup {
	if b.follows == nil {
		return nil
	}
	return followKeyboard(p.FollowStory, p.Following)
}

// sendError maps an (already redacted) Bot API error to *news.SendError.
func sendError(err error) error {
	var te *tgbotapi.Error
	if !errors.As(err, &te) {
		return &news.SendError{Kind: news.SendFailed, Description: err.Error()}
	}
	se := &news.SendError{Kind: news.SendFailed, Code: te.Code, Description: te.Message}
	switch {
	case te.Code == http.StatusTooManyRequests:
		se.Kind = news.SendRateLimited
		// Telegram always says how long; if it did not, wait a second
		// rather than hammer it.
		se.RetryAfter = max(time.Duration(te.RetryAfter)*time.Second, time.Second)
	case te.Code == http.StatusForbidden:
		se.Kind = news.SendForbidden
	case te.MigrateToChatID != 0:
		se.Kind, se.MigrateTo = news.SendMigrated, te.MigrateToChatID
	case te.Code == http.StatusBadRequest && isThreadGone(te.Message):
		se.Kind = news.SendThreadGone
	case te.Code == http.StatusBadRequest && isChatGone(te.Message):
		se.Kind = news.SendForbidden
	case te.Code == http.StatusBadRequest:
		se.Kind = news.SendBadRequest
	}
	return se
}

// isThreadGone is Telegram's answer for a forum topic that was deleted.
func isThreadGone(desc string) bool {
	return strings.Contains(strings.ToLower(desc), "message thread not found")
}

// isChatGone recognizes the 400s that mean, like a 403, that the chat will
// never take a message from the bot again: it does not exist (any more), or
// the bot lost the right to post there (a channel whose admins took it).
func isChatGone(desc string) bool {
	d := strings.ToLower(desc)
	for _, s := range []string{"chat not found", "need administrator rights", "not enough rights to send",
		"chat_write_forbidden", "have no rights to send", "bot is not a member"} {
		if strings.Contains(d, s) {
			return true
		}
	}
	return false
}

// isNotModified is Telegram's answer to an edit that changes nothing.
func isNotModified(err error) bool {
	var te *tgbotapi.Error
	return errors.As(err, &te) && te.Code == http.StatusBadRequest && strings.Contains(te.Message, "message is not modified")
}

func isNotFound(err error) bool      { return errors.Is(err, news.ErrNotFound) }
func isAlreadyExists(err error) bool { return errors.Is(err, news.ErrAlreadyExists) }
func isTooMany(err error) bool       { return errors.Is(err, news.ErrTooManySubscriptions) }
