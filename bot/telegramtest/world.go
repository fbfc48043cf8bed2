package telegramtest

import (
	"fmt"
	"strings"
)

// The world the bot talks to: chats, their members and their state
// (blocked, migrated), set up by a test. Simulated users acting in it are
// in users.go, forum topic threads in forum.go.

// AddChat registers a chat or updates its type, title and names.
func (s *Server) AddChat(c Chat) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.upsertChatLocked(c)
}

// Chat returns a chat the server knows.
func (s *Server) Chat(id int64) (Chat, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs, ok := s.chats[id]
	if !ok {
		return Chat{}, false
	}
	return cs.chat, true
}

// SetMemberStatus sets what getChatMember answers for this user in this chat
// (StatusCreator, StatusAdministrator, StatusMember, …). Users the server has
// no status for are members.
func (s *Server) SetMemberStatus(chatID, userID int64, status string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs := s.chatForSetupLocked(chatID)
	cs.members[userID] = status
}

// SetAdmin makes the user an administrator of the chat.
func (s *Server) SetAdmin(chatID, userID int64) {
	s.SetMemberStatus(chatID, userID, StatusAdministrator)
}

// SetCreator makes the user the creator of the chat.
func (s *Server) SetCreator(chatID, userID int64) {
	s.SetMemberStatus(chatID, userID, StatusCreator)
}

// AddUser records a user's names, used when getChatMember describes them.
func (s *Server) AddUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[u.ID] = u
}

// Block makes sends into the chat answer 403, as when the user blocked the
// bot (or, for groups, removed it).
func (s *Server) Block(chatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chatForSetupLocked(chatID).blocked = true
	s.signalLocked()
}

// Unblock undoes Block.
func (s *Server) Unblock(chatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chatForSetupLocked(chatID).blocked = false
	s.signalLocked()
}

// MigrateChat turns a group into the supergroup newID, as Telegram does:
// sends into the old id answer 400 with migrate_to_chat_id, the new chat
// keeps the title and members, and the bot receives the two service
// messages (migrate_to_chat_id in the old chat, migrate_from_chat_id in the
// new one).
func (s *Server) MigrateChat(oldID, newID int64) {
	s.mu.Lock()
	old := s.chatForSetupLocked(oldID)
	old.migratedTo = newID
	nc := s.upsertChatLocked(Chat{ID: newID, Type: ChatTypeSupergroup, Title: old.chat.Title})
	for id, st := range old.members {
		nc.members[id] = st
	}
	date := s.now().Unix()
	old.lastMsgID++
	s.enqueueLocked("message", oldID, old.lastMsgID, "", wireMessage{
		MessageID: old.lastMsgID, Date: date, Chat: old.chat, MigrateToChatID: newID,
	})
	nc.lastMsgID++
	s.enqueueLocked("message", newID, nc.lastMsgID, "", wireMessage{
		MessageID: nc.lastMsgID, Date: date, Chat: nc.chat, MigrateFromChatID: oldID,
	})
	s.mu.Unlock()
}

func (s *Server) upsertChatLocked(c Chat) *chatState {
	cs, ok := s.chats[c.ID]
	if !ok {
		cs = &chatState{index: map[int]int{}, members: map[int64]string{}}
		s.chats[c.ID] = cs
	}
	if cs.chat.Username != "" {
		delete(s.usernames, strings.ToLower(cs.chat.Username))
	}
	cs.chat = c
	if c.Username != "" {
		s.usernames[strings.ToLower(c.Username)] = c.ID
	}
	return cs
}

// chatForSetupLocked returns the chat, creating it whatever WithStrictChats says.
func (s *Server) chatForSetupLocked(id int64) *chatState {
	if cs, ok := s.chats[id]; ok {
		return cs
	}
	return s.upsertChatLocked(inferChat(id))
}

func inferChat(id int64) Chat {
	switch {
	case id > 0:
		return PrivateChat(id)
	case id < -1000000000000:
		return Supergroup(id, fmt.Sprintf("Supergroup %d", id))
	default:
		return Group(id, fmt.Sprintf("Group %d", id))
	}
}
