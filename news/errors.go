package news

import (
	"fmt"
	"time"
)

// SendErrorKind classifies why Telegram refused a message, so the delivery
// worker can decide without knowing the Telegram library.
type SendErrorKind int

// The kinds of send failure.
const (
	// SendFailed is anything else: a network error, a 5xx, an unknown 4xx.
	SendFailed SendErrorKind = iota
	// SendRateLimited is a 429: wait RetryAfter and try again.
	SendRateLimited
	// SendForbidden means the chat can never be written to again: a 403
	// (the user blocked the bot, it left the group or the channel) or a
	// 400 that says the same (chat not found, no right to post).
	SendForbidden
	// SendMigrated is a 400 with migrate_to_chat_id: the group became a supergroup.
	SendMigrated
	// SendBadRequest is a 400 that retrying will not fix (a message
	// Telegram cannot parse).
	SendBadRequest
	// SendThreadGone is a 400 "message thread not found": the forum topic
	// the message was meant for was deleted; the chat itself is still there.
	SendThreadGone
)

// SendError is the error a Sender returns when Telegram refused a message.
type SendError struct {
	Kind        SendErrorKind
	Code        int           // Telegram's error_code (0 for network errors)
	Description string        // Telegram's description, without secrets
	RetryAfter  time.Duration // for SendRateLimited
	MigrateTo   int64         // for SendMigrated
}

func (e *SendError) Error() string {
	switch e.Kind {
	case SendRateLimited:
		return fmt.Sprintf("telegram: rate limited, retry after %s: %s", e.RetryAfter, e.Description)
	case SendMigrated:
		return fmt.Sprintf("telegram: chat migrated to %d: %s", e.MigrateTo, e.Description)
	}
	if e.Code != 0 {
		return fmt.Sprintf("telegram: %d %s", e.Code, e.Description)
	}
	return "telegram: " + e.Description
}
