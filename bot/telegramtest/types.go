package telegramtest

import (
	"encoding/json"
	"fmt"
	"time"
)

// Chat types as the Bot API spells them.
const (
	ChatTypePrivate    = "private"
	ChatTypeGroup      = "group"
	ChatTypeSupergroup = "supergroup"
	ChatTypeChannel    = "channel"
)

// Chat member statuses as the Bot API spells them.
const (
	StatusCreator       = "creator"
	StatusAdministrator = "administrator"
	StatusMember        = "member"
	StatusRestricted    = "restricted"
	StatusLeft          = "left"
	StatusKicked        = "kicked"
)

// Chat is a Telegram chat; its JSON form is the Bot API's Chat object.
type Chat struct {
	ID        int64  `json:"id"`
	Type      string `json:"type"`
	Title     string `json:"title,omitempty"`
	Username  string `json:"username,omitempty"`
	FirstName string `json:"first_name,omitempty"`
	LastName  string `json:"last_name,omitempty"`
	// IsForum marks a supergroup with topic threads (see AddForumTopic).
	IsForum bool `json:"is_forum,omitempty"`
}

// PrivateChat returns the private chat of the user with this id (Telegram
// uses the user's id as the chat id of a private chat).
func PrivateChat(id int64) Chat {
	return Chat{ID: id, Type: ChatTypePrivate, FirstName: fmt.Sprintf("User%d", id)}
}

// Group returns a basic group chat. Telegram group ids are negative.
func Group(id int64, title string) Chat {
	return Chat{ID: id, Type: ChatTypeGroup, Title: title}
}

// Supergroup returns a supergroup chat (ids look like -100xxxxxxxxxx).
func Supergroup(id int64, title string) Chat {
	return Chat{ID: id, Type: ChatTypeSupergroup, Title: title}
}

// Channel returns a channel chat (ids look like -100xxxxxxxxxx).
func Channel(id int64, title string) Chat {
	return Chat{ID: id, Type: ChatTypeChannel, Title: title}
}

// User is a Telegram user; its JSON form is the Bot API's User object.
type User struct {
	ID           int64  `json:"id"`
	IsBot        bool   `json:"is_bot"`
	FirstName    string `json:"first_name"`
	LastName     string `json:"last_name,omitempty"`
	Username     string `json:"username,omitempty"`
	LanguageCode string `json:"language_code,omitempty"`
}

// NewUser returns a human user with this id and first name.
func NewUser(id int64, firstName string) User {
	return User{ID: id, FirstName: firstName}
}

// Button is one keyboard button as the bot sent it (only the fields tests
// usually look at; the exact JSON stays in Message.ReplyMarkup).
type Button struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data,omitempty"`
	URL          string `json:"url,omitempty"`
	// SwitchInlineQuery is a switch_inline_query button's query (it opens
	// the chat picker with "@bot query"); nil for other buttons.
	SwitchInlineQuery *string `json:"switch_inline_query,omitempty"`
}

// Message is a message the bot sent, as it currently stands after the bot's
// edits.
type Message struct {
	ID     int
	ChatID int64
	// InlineMessageID is set on a message a user posted through inline
	// mode (ChooseInlineResult): the bot knows it by this id alone.
	InlineMessageID string
	// Text is the text as the bot sent it (the HTML source when ParseMode is HTML).
	Text string
	// PlainText is what the reader sees: tags removed and entities decoded
	// for HTML; Text unchanged for other parse modes.
	PlainText string
	// ParseMode is the parse_mode parameter as sent ("" when none).
	ParseMode string
	// ReplyMarkup is the reply_markup JSON of the last send or edit; nil when none.
	ReplyMarkup json.RawMessage
	// Keyboard is the inline keyboard parsed from ReplyMarkup; nil when none.
	Keyboard [][]Button
	// ReplyKeyboard is the reply ("custom") keyboard the message was sent with; nil when none.
	ReplyKeyboard [][]Button
	// DisableNotification is the disable_notification parameter.
	DisableNotification bool
	// DisableWebPagePreview is disable_web_page_preview or link_preview_options.is_disabled.
	DisableWebPagePreview bool
	// Preview is the link_preview_options the message was last sent or
	// edited with: the picture shown above or below its text.
	Preview LinkPreview
	// ReplyToMessageID is reply_to_message_id (or reply_parameters.message_id).
	ReplyToMessageID int
	// ThreadID is the forum topic thread the message went to (0: none).
	ThreadID int
	// Paid is set when the message went with allow_paid_broadcast.
	Paid bool
	// Date is when the message was sent.
	Date time.Time
	// EditDate is when the message was last edited; zero when never edited.
	EditDate time.Time
	// Edits counts successful edits of the text or the keyboard.
	Edits int
	// Document is the file of a sendDocument; nil for a text message (its
	// caption is then Text and PlainText).
	Document *Document
}

// Document is a file the bot sent (sendDocument) or a user sent
// (SendDocument).
type Document struct {
	FileName string
	MimeType string
	Data     []byte
}

// LinkPreview is a message's link preview as the bot asked for it (Bot
// API link_preview_options); URL is "" when none was named.
type LinkPreview struct {
	URL              string
	PreferLargeMedia bool
	ShowAboveText    bool
}

// Buttons returns the inline keyboard's buttons row by row, flattened.
func (m Message) Buttons() []Button {
	var out []Button
	for _, row := range m.Keyboard {
		out = append(out, row...)
	}
	return out
}

// Button returns the first inline keyboard button with this text.
func (m Message) Button(text string) (Button, bool) {
	for _, b := range m.Buttons() {
		if b.Text == text {
			return b, true
		}
	}
	return Button{}, false
}

// Update is what the fake user side queued for the bot to receive.
type Update struct {
	// ID is the update_id.
	ID int
	// Kind is the update field that is set: "message", "edited_message",
	// "channel_post", "callback_query", or the kind given to EnqueueRaw.
	Kind string
	// ChatID is the chat the update concerns (0 when none).
	ChatID int64
	// MessageID is the message the update carries: the user's new message,
	// the edited message, or the bot's message whose button was pressed.
	MessageID int
	// CallbackQueryID is the callback query's id for "callback_query" updates.
	CallbackQueryID string
	// InlineQueryID is the inline query's id for "inline_query" updates.
	InlineQueryID string
	// InlineMessageID is the message a button was pressed under, for a
	// callback query under a message posted through inline mode.
	InlineMessageID string
}

// Call is one request the bot made.
type Call struct {
	// Method is the Bot API method, spelled as in the documentation when known.
	Method string
	// Params holds every parameter; JSON-valued ones (reply_markup…) as JSON text.
	Params map[string]string
	// ChatID is the chat_id parameter when it is numeric, else 0.
	ChatID int64
	// Time is when the server received the call.
	Time time.Time
	// Code is the answer's error_code, or 200 for a successful answer.
	Code int
	// Description is the error description; "" on success.
	Description string
}

// EventKind says what happened to a bot message.
type EventKind int

// Event kinds.
const (
	// EventSent is a new message from the bot.
	EventSent EventKind = iota + 1
	// EventEdited is an edit of the text or keyboard of a bot message.
	EventEdited
	// EventDeleted is a deleted bot message.
	EventDeleted
)

// String names the kind.
func (k EventKind) String() string {
	switch k {
	case EventSent:
		return "sent"
	case EventEdited:
		return "edited"
	case EventDeleted:
		return "deleted"
	default:
		return fmt.Sprintf("EventKind(%d)", int(k))
	}
}

// Event is a change to the messages the bot left in a chat.
type Event struct {
	Kind    EventKind
	Message Message
}

// CallbackAnswer is how the bot answered a callback query.
type CallbackAnswer struct {
	Text      string
	ShowAlert bool
	URL       string
}

// BotCommand is one entry of setMyCommands.
type BotCommand struct {
	Command     string `json:"command"`
	Description string `json:"description"`
}

// WebhookInfo is what setWebhook recorded.
type WebhookInfo struct {
	URL            string
	MaxConnections int
	AllowedUpdates []string
	SecretToken    string
}

// Stats are running totals of what the server answered.
type Stats struct {
	// Calls counts every request, including rejected ones.
	Calls int
	// Sent counts messages successfully sent by the bot.
	Sent int
	// Edited counts successful edits.
	Edited int
	// Deleted counts successful deletions.
	Deleted int
	// Errors counts answers with ok=false.
	Errors int
	// TooManyRequests counts 429 answers, injected or from the rate limiter.
	TooManyRequests int
	// RateLimited counts 429 answers produced by the built-in rate limiter.
	RateLimited int
	// Injected counts error answers produced by rules (FailNext, AddRule).
	Injected int
	// Paid counts messages sent with allow_paid_broadcast.
	Paid int
	// MostInFlight is the most calls (long polls aside) being answered at
	// once: how many the bot kept in flight.
	MostInFlight int
}
