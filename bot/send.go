package bot

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/ajel-news/ajel/news"
)

// Send pushes a story to a chat: HTML, no link preview, silent when
// p.Silent. It returns Telegram's message id. A refusal is a
// *news.SendError saying what the delivery worker should do; the token
// never appears in it.
func (b *Bot) Send(ctx context.Context, chatID int64, p news.Push) (int, error) {
	m := tgbotapi.NewMessage(chatID, RenderPush(p))
	m.ParseMode = tgbotapi.ModeHTML
	m.DisableWebPagePreview = true
	m.DisableNotification = p.Silent
	msg, err := b.send(ctx, m)
	if err != nil {
		return 0, sendError(err)
	}
	return msg.MessageID, nil
}

// EditPush replaces the text of a push already sent (when more sources
// carried the story). An unchanged text is not an error.
func (b *Bot) EditPush(ctx context.Context, chatID int64, messageID int, p news.Push) error {
	e := tgbotapi.NewEditMessageText(chatID, messageID, RenderPush(p))
	e.ParseMode = tgbotapi.ModeHTML
	e.DisableWebPagePreview = true
	_, err := b.request(ctx, e)
	if err != nil && !isNotModified(err) {
		return sendError(err)
	}
	return nil
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
	case te.Code == http.StatusBadRequest:
		se.Kind = news.SendBadRequest
	}
	return se
}

// isNotModified is Telegram's answer to an edit that changes nothing.
func isNotModified(err error) bool {
	var te *tgbotapi.Error
	return errors.As(err, &te) && te.Code == http.StatusBadRequest && strings.Contains(te.Message, "message is not modified")
}

func isNotFound(err error) bool      { return errors.Is(err, news.ErrNotFound) }
func isAlreadyExists(err error) bool { return errors.Is(err, news.ErrAlreadyExists) }
func isTooMany(err error) bool       { return errors.Is(err, news.ErrTooManySubscriptions) }
