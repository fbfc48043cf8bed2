package telegramtest

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// wireMessage is the Bot API Message object, with the fields this fake fills.
type wireMessage struct {
	MessageID         int             `json:"message_id"`
	From              *User           `json:"from,omitempty"`
	SenderChat        *Chat           `json:"sender_chat,omitempty"`
	Date              int64           `json:"date"`
	Chat              Chat            `json:"chat"`
	EditDate          int64           `json:"edit_date,omitempty"`
	Text              string          `json:"text,omitempty"`
	Entities          []wireEntity    `json:"entities,omitempty"`
	Caption           string          `json:"caption,omitempty"`
	Photo             []wirePhoto     `json:"photo,omitempty"`
	Sticker           *wireSticker    `json:"sticker,omitempty"`
	Document          *wireDocument   `json:"document,omitempty"`
	ReplyMarkup       json.RawMessage `json:"reply_markup,omitempty"`
	MigrateToChatID   int64           `json:"migrate_to_chat_id,omitempty"`
	MigrateFromChatID int64           `json:"migrate_from_chat_id,omitempty"`
	MessageThreadID   int             `json:"message_thread_id,omitempty"`
	IsTopicMessage    bool            `json:"is_topic_message,omitempty"`
}

type wireEntity struct {
	Type   string `json:"type"`
	Offset int    `json:"offset"`
	Length int    `json:"length"`
}

type wirePhoto struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	Width        int    `json:"width"`
	Height       int    `json:"height"`
	FileSize     int    `json:"file_size,omitempty"`
}

type wireSticker struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	Type         string `json:"type"`
	Width        int    `json:"width"`
	Height       int    `json:"height"`
	IsAnimated   bool   `json:"is_animated"`
	IsVideo      bool   `json:"is_video"`
	Emoji        string `json:"emoji,omitempty"`
}

type wireCallback struct {
	ID              string       `json:"id"`
	From            User         `json:"from"`
	Message         *wireMessage `json:"message,omitempty"`
	InlineMessageID string       `json:"inline_message_id,omitempty"`
	ChatInstance    string       `json:"chat_instance"`
	Data            string       `json:"data,omitempty"`
}

// SendText queues a text message from the user in the chat, with a
// bot_command entity when the text starts with a /command, as Telegram
// adds one.
func (s *Server) SendText(chat Chat, from User, text string) Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs := s.userActsLocked(chat, from)
	cs.lastMsgID++
	return s.enqueueLocked("message", chat.ID, cs.lastMsgID, "", wireMessage{
		MessageID: cs.lastMsgID, From: &from, Date: s.now().Unix(), Chat: cs.chat,
		Text: text, Entities: commandEntities(text),
	})
}

// SendEdited queues an edited_message: the user changed their message
// messageID to text.
func (s *Server) SendEdited(chat Chat, from User, messageID int, text string) Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs := s.userActsLocked(chat, from)
	now := s.now().Unix()
	return s.enqueueLocked("edited_message", chat.ID, messageID, "", wireMessage{
		MessageID: messageID, From: &from, Date: now - 1, EditDate: now, Chat: cs.chat,
		Text: text, Entities: commandEntities(text),
	})
}

// SendChannelPost queues a channel_post with this text in the channel.
func (s *Server) SendChannelPost(chat Chat, text string) Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs := s.upsertChatLocked(chat)
	cs.lastMsgID++
	sender := cs.chat
	return s.enqueueLocked("channel_post", chat.ID, cs.lastMsgID, "", wireMessage{
		MessageID: cs.lastMsgID, SenderChat: &sender, Date: s.now().Unix(), Chat: cs.chat,
		Text: text, Entities: commandEntities(text),
	})
}

// SendPhoto queues a photo message (no text; the caption may be "").
func (s *Server) SendPhoto(chat Chat, from User, caption string) Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs := s.userActsLocked(chat, from)
	cs.lastMsgID++
	id := fmt.Sprintf("photo-%d-%d", chat.ID, cs.lastMsgID)
	return s.enqueueLocked("message", chat.ID, cs.lastMsgID, "", wireMessage{
		MessageID: cs.lastMsgID, From: &from, Date: s.now().Unix(), Chat: cs.chat, Caption: caption,
		Photo: []wirePhoto{
			{FileID: id + "-s", FileUniqueID: id + "-s", Width: 90, Height: 90, FileSize: 1200},
			{FileID: id, FileUniqueID: id, Width: 800, Height: 800, FileSize: 64000},
		},
	})
}

// SendSticker queues a sticker message.
func (s *Server) SendSticker(chat Chat, from User, emoji string) Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs := s.userActsLocked(chat, from)
	cs.lastMsgID++
	id := fmt.Sprintf("sticker-%d-%d", chat.ID, cs.lastMsgID)
	return s.enqueueLocked("message", chat.ID, cs.lastMsgID, "", wireMessage{
		MessageID: cs.lastMsgID, From: &from, Date: s.now().Unix(), Chat: cs.chat,
		Sticker: &wireSticker{FileID: id, FileUniqueID: id, Type: "regular", Width: 512, Height: 512, Emoji: emoji},
	})
}

// PressButton queues the callback_query of a user pressing a button with
// this callback data under the bot's message messageID in the chat. The
// data need not be on the keyboard (clients can forge it); the message must
// exist.
func (s *Server) PressButton(chat Chat, from User, messageID int, data string) (Update, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.messageLocked(chat.ID, messageID)
	if m == nil {
		return Update{}, fmt.Errorf("telegramtest: press button: no bot message %d in chat %d", messageID, chat.ID)
	}
	cs := s.userActsLocked(chat, from)
	s.lastCallback++
	id := strconv.FormatInt(int64(s.lastCallback)*7919+4000000000000000000, 10)
	s.callbacks[id] = &callbackState{}
	wm := s.wireBotMessage(cs, m)
	return s.enqueueLocked("callback_query", chat.ID, messageID, id, wireCallback{
		ID: id, From: from, Message: &wm, ChatInstance: strconv.FormatInt(chat.ID, 10), Data: data,
	}), nil
}

// Press presses the inline button labelled buttonText under the bot's
// message messageID, sending its callback data.
func (s *Server) Press(chat Chat, from User, messageID int, buttonText string) (Update, error) {
	m, ok := s.Message(chat.ID, messageID)
	if !ok {
		return Update{}, fmt.Errorf("telegramtest: press: no bot message %d in chat %d", messageID, chat.ID)
	}
	b, ok := m.Button(buttonText)
	if !ok || b.CallbackData == "" {
		return Update{}, fmt.Errorf("telegramtest: press: message %d in chat %d has no callback button %q",
			messageID, chat.ID, buttonText)
	}
	return s.PressButton(chat, from, messageID, b.CallbackData)
}

// RenumberUpdates makes next the id of the next update, as Telegram does
// after a week without updates (it then picks a random id, often far below
// the last one).
func (s *Server) RenumberUpdates(next int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastUpdateID = next - 1
}

// EnqueueRaw queues an update of any kind: payload is marshalled as the
// value of the update's kind field (e.g. "my_chat_member").
func (s *Server) EnqueueRaw(kind string, payload any) (Update, error) {
	if _, err := json.Marshal(payload); err != nil {
		return Update{}, fmt.Errorf("telegramtest: enqueue %s: %w", kind, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.enqueueLocked(kind, 0, 0, "", payload), nil
}

// userActsLocked registers the chat and the user, who becomes a member.
func (s *Server) userActsLocked(chat Chat, from User) *chatState {
	var cs *chatState
	if chat.Type == "" {
		// A bare Chat{ID: n}: keep what the server knows, or infer the type.
		cs = s.chatForSetupLocked(chat.ID)
	} else if cs = s.chats[chat.ID]; cs == nil || cs.chat != chat {
		cs = s.upsertChatLocked(chat)
	}
	s.users[from.ID] = from
	if _, ok := cs.members[from.ID]; !ok {
		cs.members[from.ID] = StatusMember
	}
	return cs
}

func (s *Server) enqueueLocked(kind string, chatID int64, messageID int, callbackID string, payload any) Update {
	s.lastUpdateID++
	id := s.lastUpdateID
	body, err := json.Marshal(payload)
	if err != nil {
		// Only EnqueueRaw takes foreign payloads and it checks them first.
		panic(fmt.Sprintf("telegramtest: marshal %s: %v", kind, err))
	}
	kindJSON, _ := json.Marshal(kind) // a string always marshals
	raw := make([]byte, 0, len(body)+len(kindJSON)+32)
	raw = append(raw, `{"update_id":`...)
	raw = strconv.AppendInt(raw, int64(id), 10)
	raw = append(raw, ',')
	raw = append(raw, kindJSON...)
	raw = append(raw, ':')
	raw = append(raw, body...)
	raw = append(raw, '}')
	s.queue = append(s.queue, queued{id: id, raw: raw})
	close(s.updCh)
	s.updCh = make(chan struct{})
	s.signalLocked()
	return Update{ID: id, Kind: kind, ChatID: chatID, MessageID: messageID, CallbackQueryID: callbackID}
}

// commandEntities returns the bot_command entity of a leading /command
// (with an optional @botname), as Telegram computes it.
func commandEntities(text string) []wireEntity {
	if len(text) < 2 || text[0] != '/' {
		return nil
	}
	i := 1
	for i < len(text) && isCommandByte(text[i]) {
		i++
	}
	if i == 1 {
		return nil
	}
	if i < len(text) && text[i] == '@' {
		j := i + 1
		for j < len(text) && isCommandByte(text[j]) {
			j++
		}
		if j > i+1 {
			i = j
		}
	}
	// The command is ASCII, so its UTF-16 length is its byte length.
	return []wireEntity{{Type: "bot_command", Offset: 0, Length: i}}
}

func isCommandByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}
