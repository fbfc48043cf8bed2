package telegramtest

// Forum supergroups: topic threads that messages name with
// message_thread_id.

// AddForumTopic makes the chat a forum supergroup (is_forum) with a topic
// thread of this id, into which the bot may then send with
// message_thread_id. Sending into a thread that does not exist answers 400
// "message thread not found", as Telegram does.
func (s *Server) AddForumTopic(chatID int64, threadID int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs := s.chatForSetupLocked(chatID)
	cs.chat.Type, cs.chat.IsForum = ChatTypeSupergroup, true
	if cs.threads == nil {
		cs.threads = map[int]bool{}
	}
	cs.threads[threadID] = true
	s.signalLocked()
}

// DeleteForumTopic deletes a topic thread: sends into it answer 400
// "message thread not found" from now on.
func (s *Server) DeleteForumTopic(chatID int64, threadID int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cs, ok := s.chats[chatID]; ok {
		delete(cs.threads, threadID)
	}
	s.signalLocked()
}

// SendTextInThread queues a text message from the user inside a forum
// topic thread (message_thread_id and is_topic_message set).
func (s *Server) SendTextInThread(chat Chat, from User, threadID int, text string) Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs := s.userActsLocked(chat, from)
	cs.lastMsgID++
	return s.enqueueLocked("message", chat.ID, cs.lastMsgID, "", wireMessage{
		MessageID: cs.lastMsgID, From: &from, Date: s.now().Unix(), Chat: cs.chat,
		Text: text, Entities: commandEntities(text), MessageThreadID: threadID, IsTopicMessage: true,
	})
}

// SentInThread returns the bot's messages in one topic thread of the chat
// (0: those outside any thread), oldest first.
func (s *Server) SentInThread(chatID int64, threadID int) []Message {
	var out []Message
	for _, m := range s.Sent(chatID) {
		if m.ThreadID == threadID {
			out = append(out, m)
		}
	}
	return out
}
