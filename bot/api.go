package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/ajel-news/ajel/internal/wait"
	"github.com/ajel-news/ajel/news"
)

// errGaveUp marks a reply that could not be sent within ReplyRetry (429s,
// network errors): there is no point telling the reader about it in
// another reply.
var errGaveUp = errors.New("bot: gave up on a reply")

// replyCall makes a Bot API call that answers a reader — a reply, a
// callback answer, a keyboard edit, a notice — through the throttle
// (replies go before pushes) and retries it after a 429 (waiting its
// retry_after, which pauses every other message too) or a network or
// server error, for at most ReplyRetry. A refusal that retrying cannot
// change (400, 403) is returned at once. Errors never hold the token.
func (b *Bot) replyCall(ctx context.Context, do func(*tgbotapi.BotAPI) (*tgbotapi.APIResponse, error)) (*tgbotapi.APIResponse, error) {
	ctx, cancel := context.WithTimeout(ctx, b.replyRetry)
	defer cancel()
	began := time.Now()
	backoff := time.Second
	for tries := 1; ; tries++ {
		if b.throttle != nil {
			if err := b.throttle.WaitReply(ctx); err != nil {
				return nil, fmt.Errorf("%w: no turn within %s: %w", errGaveUp, time.Since(began).Round(time.Second), err)
			}
		}
		resp, err := do(b.apiFor(ctx))
		if err == nil {
			return resp, nil
		}
		err = b.redact(err)
		pause, again := retryAfter(err, backoff)
		if !again {
			return resp, err
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < pause || ctx.Err() != nil {
			return resp, fmt.Errorf("%w after %d tries in %s: %w", errGaveUp, tries, time.Since(began).Round(time.Second), err)
		}
		var te *tgbotapi.Error
		if errors.As(err, &te) && te.Code == http.StatusTooManyRequests && b.throttle != nil {
			b.throttle.PauseFor(pause) // Telegram's limit is per bot
		}
		b.log.Debug("bot: reply refused for now; trying again", "in", pause, "err", err)
		if !wait.Sleep(ctx, pause) {
			return resp, fmt.Errorf("%w after %d tries in %s: %w", errGaveUp, tries, time.Since(began).Round(time.Second), err)
		}
		backoff = min(backoff*2, 16*time.Second)
	}
}

// retryAfter says whether a failed reply is worth sending again, and when:
// a 429 after its retry_after, a server or network error after backoff.
func retryAfter(err error, backoff time.Duration) (time.Duration, bool) {
	var te *tgbotapi.Error
	if !errors.As(err, &te) {
		return backoff, true // the network: the request may not have arrived
	}
	switch {
	case te.Code == http.StatusTooManyRequests:
		return max(time.Duration(te.RetryAfter)*time.Second, time.Second), true
	case te.Code >= 500:
		return backoff, true
	}
	return 0, false
}

// replyRequest is replyCall for a request the library builds.
func (b *Bot) replyRequest(ctx context.Context, c tgbotapi.Chattable) (*tgbotapi.APIResponse, error) {
	return b.replyCall(ctx, func(api *tgbotapi.BotAPI) (*tgbotapi.APIResponse, error) { return api.Request(c) })
}

// message is a sendMessage call. The library predates forum threads and
// paid broadcast, so the parameters are built here and sent with its raw
// request call.
type message struct {
	to       news.Target
	text     string // Telegram HTML
	keyboard *tgbotapi.InlineKeyboardMarkup
	silent   bool // disable_notification
	paid     bool // allow_paid_broadcast
	// image, when set, is shown as a large link preview above the text
	// (the story's picture); otherwise previews are off.
	image string
	// replyTo, when set, is the message this one answers (reply_parameters;
	// sent even if that message is gone).
	replyTo int
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

func (m message) params() (tgbotapi.Params, error) {
	p := tgbotapi.Params{
		"chat_id":              strconv.FormatInt(m.to.ChatID, 10),
		"text":                 m.text,
		"parse_mode":           tgbotapi.ModeHTML,
		"link_preview_options": previewOptions(m.image),
	}
	if m.to.ThreadID != 0 {
		p["message_thread_id"] = strconv.Itoa(m.to.ThreadID)
	}
	if m.replyTo != 0 {
		p["reply_parameters"] = fmt.Sprintf(`{"message_id":%d,"allow_sending_without_reply":true}`, m.replyTo)
	}
	p.AddBool("disable_notification", m.silent)
	p.AddBool("allow_paid_broadcast", m.paid)
	if m.keyboard != nil {
		if err := p.AddInterface("reply_markup", *m.keyboard); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// sendRaw sends m once, as a push does (the delivery worker paces and
// retries pushes itself).
func (b *Bot) sendRaw(ctx context.Context, m message) (tgbotapi.Message, error) {
	p, err := m.params()
	if err != nil {
		return tgbotapi.Message{}, fmt.Errorf("bot: sendMessage: %w", err)
	}
	resp, err := b.apiFor(ctx).MakeRequest("sendMessage", p)
	if err != nil {
		return tgbotapi.Message{}, b.redact(err)
	}
	return decodeMessage(resp)
}

// sendReply sends m as a reply: paced and retried (replyCall).
func (b *Bot) sendReply(ctx context.Context, m message) (tgbotapi.Message, error) {
	p, err := m.params()
	if err != nil {
		return tgbotapi.Message{}, fmt.Errorf("bot: sendMessage: %w", err)
	}
	resp, err := b.replyCall(ctx, func(api *tgbotapi.BotAPI) (*tgbotapi.APIResponse, error) {
		return api.MakeRequest("sendMessage", p)
	})
	if err != nil {
		return tgbotapi.Message{}, err
	}
	return decodeMessage(resp)
}

func decodeMessage(resp *tgbotapi.APIResponse) (tgbotapi.Message, error) {
	var msg tgbotapi.Message
	if err := decodeResult(resp, &msg); err != nil {
		return msg, fmt.Errorf("bot: read sent message: %w", err)
	}
	return msg, nil
}

// decodeResult reads the result of a successful call.
func decodeResult(resp *tgbotapi.APIResponse, v any) error {
	if resp == nil {
		return fmt.Errorf("bot: empty response")
	}
	return json.Unmarshal(resp.Result, v)
}
