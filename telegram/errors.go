package telegram

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/ajel-news/ajel/news"
)

// Error is Telegram's refusal of a call ({"ok":false,…}), or an answer
// that was not the Bot API's (then Description says what came instead).
// Read it with errors.As; its methods name the refusals Ajel acts on.
type Error struct {
	Method      string // the Bot API method called
	Code        int    // error_code, or the HTTP status of a foreign answer
	Description string // Telegram's description, free of the token
	// RetryAfter is parameters.retry_after of a 429 (0 when absent).
	RetryAfter time.Duration
	// MigrateTo is parameters.migrate_to_chat_id: the group became this
	// supergroup.
	MigrateTo int64
}

// Error is Telegram's description, as the library reports it.
func (e *Error) Error() string { return e.Description }

// RateLimited is a 429: too many messages; wait RetryAfter.
func (e *Error) RateLimited() bool { return e.Code == http.StatusTooManyRequests }

// Wait is how long a 429 asks to wait: its retry_after, and a second when
// it named none (rather than hammer Telegram).
func (e *Error) Wait() time.Duration { return max(e.RetryAfter, time.Second) }

// Forbidden is a 403: the user blocked the bot, or it left the group or
// channel.
func (e *Error) Forbidden() bool { return e.Code == http.StatusForbidden }

// TokenRefused is a 401 or 404 from the Bot API: the token is wrong or
// revoked; retrying cannot help.
func (e *Error) TokenRefused() bool {
	return e.Code == http.StatusUnauthorized || e.Code == http.StatusNotFound
}

// Conflict is a 409 to getUpdates: another process polls with the token,
// or a webhook is set (WebhookConflict).
func (e *Error) Conflict() bool { return e.Code == http.StatusConflict }

// WebhookConflict is getUpdates' answer while a webhook is set.
func (e *Error) WebhookConflict() bool {
	return e.Conflict() && strings.Contains(strings.ToLower(e.Description), "webhook")
}

// Migrated is a 400 with migrate_to_chat_id: the group became the
// supergroup MigrateTo.
func (e *Error) Migrated() bool { return e.MigrateTo != 0 }

// BadRequest is a 400: retrying the same call cannot help.
func (e *Error) BadRequest() bool { return e.Code == http.StatusBadRequest }

// ThreadGone is the 400 for a forum topic that was deleted.
func (e *Error) ThreadGone() bool {
	return e.BadRequest() && strings.Contains(strings.ToLower(e.Description), "message thread not found")
}

// ChatGone recognizes the 400s that mean, like a 403, that the chat will
// never take a message from the bot again: it does not exist (any more),
// or the bot lost the right to post there (a channel whose admins took it).
func (e *Error) ChatGone() bool {
	if !e.BadRequest() {
		return false
	}
	d := strings.ToLower(e.Description)
	for _, s := range []string{"chat not found", "need administrator rights", "not enough rights to send",
		"chat_write_forbidden", "have no rights to send", "bot is not a member"} {
		if strings.Contains(d, s) {
			return true
		}
	}
	return false
}

// NotModified is the answer to an edit that changes nothing.
func (e *Error) NotModified() bool {
	return e.BadRequest() && strings.Contains(e.Description, "message is not modified")
}

// asError is the *Error in err's chain, or nil.
func asError(err error) *Error {
	var te *Error
	if errors.As(err, &te) {
		return te
	}
	return nil
}

// SendError turns a refusal of Send or Edit into the *news.SendError the
// delivery worker decides on (nil stays nil).
func SendError(err error) error {
	if err == nil {
		return nil
	}
	te := asError(err)
	if te == nil {
		return &news.SendError{Kind: news.SendFailed, Description: err.Error()}
	}
	se := &news.SendError{Kind: news.SendFailed, Code: te.Code, Description: te.Description}
	switch {
	case te.RateLimited():
		se.Kind, se.RetryAfter = news.SendRateLimited, te.Wait()
	case te.Forbidden():
		se.Kind = news.SendForbidden
	case te.Migrated():
		se.Kind, se.MigrateTo = news.SendMigrated, te.MigrateTo
	case te.ThreadGone():
		se.Kind = news.SendThreadGone
	case te.ChatGone():
		se.Kind = news.SendForbidden
	case te.BadRequest():
		se.Kind = news.SendBadRequest
	}
	return se
}
