package telegram

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/ajel-news/ajel/internal/textcut"
	"github.com/ajel-news/ajel/news"
)

// The library's types bot works with, named here so that only this
// package imports the library.
type (
	// User is a Telegram user (or bot).
	User = tgbotapi.User
	// Chat is a Telegram chat.
	Chat = tgbotapi.Chat
	// ChatMember is a user's standing in a chat.
	ChatMember = tgbotapi.ChatMember
	// Keyboard is an inline keyboard under a message.
	Keyboard = tgbotapi.InlineKeyboardMarkup
	// Button is one button of a Keyboard.
	Button = tgbotapi.InlineKeyboardButton
)

// DataButton is a button that sends data (at most 64 bytes) back as a
// callback query when pressed.
func DataButton(label, data string) Button { return tgbotapi.NewInlineKeyboardButtonData(label, data) }

// URLButton is a button that opens a link.
func URLButton(label, link string) Button { return tgbotapi.NewInlineKeyboardButtonURL(label, link) }

// Row is a row of buttons.
func Row(buttons ...Button) []Button { return buttons }

// SwitchButton is a button that opens the chat picker with "@bot query"
// typed in the chosen chat's input field (switch_inline_query): sharing
// through inline mode.
func SwitchButton(label, query string) Button {
	return tgbotapi.NewInlineKeyboardButtonSwitch(label, query)
}

// NewKeyboard is a keyboard of rows.
func NewKeyboard(rows ...[]Button) Keyboard { return tgbotapi.NewInlineKeyboardMarkup(rows...) }

// Update is one update Telegram sent, of the kinds Ajel acts on
// (AllowedUpdates), decoded once: the forum thread of its message is read
// in the same pass.
type Update struct {
	UpdateID      int            `json:"update_id"`
	Message       *Message       `json:"message,omitempty"`
	CallbackQuery *CallbackQuery `json:"callback_query,omitempty"`
	// InlineQuery is a reader typing "@bot words" in any chat. It is not
	// kept in the inbox: it is answered at once or not at all (see
	// InlineQueue).
	InlineQuery *InlineQuery `json:"inline_query,omitempty"`
}

// Message is the library's Message with the forum fields it predates.
type Message struct {
	tgbotapi.Message
	// ThreadID is message_thread_id: the forum topic thread, or the
	// reply thread of an ordinary supergroup (see Thread).
	ThreadID int `json:"message_thread_id,omitempty"`
	// IsTopicMessage says the message was sent to a forum topic.
	IsTopicMessage bool `json:"is_topic_message,omitempty"`
}

// Thread is the forum topic thread the message belongs to; 0 when none (a
// reply thread of an ordinary supergroup is no topic).
func (m *Message) Thread() int {
	if m == nil || !m.IsTopicMessage {
		return 0
	}
	return m.ThreadID
}

// CallbackQuery is a button pressed under one of the bot's messages.
type CallbackQuery struct {
	ID   string `json:"id"`
	From *User  `json:"from"`
	// Message is the message the button was under; nil for a message
	// sent in inline mode (InlineMessageID is set instead).
	Message         *Message `json:"message,omitempty"`
	InlineMessageID string   `json:"inline_message_id,omitempty"`
	ChatInstance    string   `json:"chat_instance"`
	Data            string   `json:"data,omitempty"`
}

// AllowedUpdates are the update kinds the bot acts on, in both modes. A
// kind Ajel learns to handle is one more field of Update, one more name
// here and one more case in usable. Telegram sends inline queries only to
// a bot whose operator enabled inline mode (@BotFather, /setinline).
func AllowedUpdates() []string {
	return []string{"message", "callback_query", "inline_query"}
}

// inbound reads what the inbox keeps of one raw update: its id, the chat
// it is handled in, and its JSON. An error says why Ajel cannot use it
// (unreadable, or see usable); UpdateID is then still set when the update
// has one, so its offset can be confirmed. An inline query is returned
// apart (iq): it is answered at once, never kept.
func inbound(raw json.RawMessage) (news.InboundUpdate, *InlineQuery, error) {
	in := news.InboundUpdate{Raw: append([]byte(nil), raw...)}
	var u Update
	if err := json.Unmarshal(raw, &u); err != nil {
		// A field of an unexpected type or bad JSON further on: the id
		// alone may still be readable, to confirm the update.
		var id struct {
			UpdateID int `json:"update_id"`
		}
		_ = json.Unmarshal(raw, &id)
		in.UpdateID = max(id.UpdateID, 0)
		return in, nil, fmt.Errorf("not readable: %w", err)
	}
	in.UpdateID = max(u.UpdateID, 0)
	if u.UpdateID <= 0 {
		return in, nil, errors.New("no update_id")
	}
	chatID, err := usable(&u, raw)
	in.ChatID = chatID
	if err == nil && u.InlineQuery != nil {
		return in, u.InlineQuery, nil
	}
	return in, nil, err
}

// usable says which chat an update is handled in (its handler's queue),
// or why Ajel cannot use it. Ajel acts on messages in a chat, on buttons
// pressed under its own messages — those under a message posted through
// inline mode carry inline_message_id instead of the message, and are
// handled in the queue of who pressed them — and on inline queries
// (answered apart, see inbound); anything else is skipped.
func usable(u *Update, raw json.RawMessage) (chatID int64, err error) {
	switch {
	case u.Message != nil && u.Message.Chat != nil:
		return u.Message.Chat.ID, nil
	case u.CallbackQuery != nil && u.CallbackQuery.Message != nil && u.CallbackQuery.Message.Chat != nil:
		return u.CallbackQuery.Message.Chat.ID, nil
	case u.CallbackQuery != nil && u.CallbackQuery.InlineMessageID != "" && u.CallbackQuery.From != nil && u.CallbackQuery.From.ID != 0:
		return u.CallbackQuery.From.ID, nil
	case u.CallbackQuery != nil:
		return 0, errors.New("callback_query without the message it was pressed under, nor an inline message and who pressed it")
	case u.InlineQuery != nil && u.InlineQuery.ID != "" && u.InlineQuery.From != nil:
		return u.InlineQuery.From.ID, nil
	case u.InlineQuery != nil:
		return 0, errors.New("inline_query without its id or sender")
	case u.Message != nil:
		return 0, errors.New("message without a chat")
	}
	return 0, fmt.Errorf("%s: a kind of update Ajel does not handle", updateKind(raw))
}

// updateKind names an update's kind: the field beside update_id.
func updateKind(raw json.RawMessage) string {
	var fields map[string]json.RawMessage
	if json.Unmarshal(raw, &fields) == nil {
		for k := range fields {
			if k != "update_id" {
				return textcut.Line(k, 40)
			}
		}
	}
	return "an update of no kind"
}

// ChatOf describes a Telegram chat for storage.
func ChatOf(c *Chat) news.Chat {
	nc := news.Chat{ID: c.ID, Type: news.ChatType(c.Type), Title: c.Title, Username: c.UserName}
	if nc.Title == "" {
		nc.Title = strings.TrimSpace(c.FirstName + " " + c.LastName)
	}
	return nc
}
