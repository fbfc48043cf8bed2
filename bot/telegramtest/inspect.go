package telegramtest

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Assertions: what the bot did, as a test reads it — its calls, the
// messages it left in each chat, the running totals — and waiting until
// something happened.

// Calls returns every call so far, oldest first. The Params maps are shared:
// do not modify them.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// CallsTo returns the calls of one method (case-insensitive), oldest first.
func (s *Server) CallsTo(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if strings.EqualFold(c.Method, method) {
			out = append(out, c)
		}
	}
	return out
}

// CallCount is how many calls of method (case-insensitive; "" = all) were made.
func (s *Server) CallCount(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if method == "" {
		return len(s.calls)
	}
	return s.callCount[strings.ToLower(method)]
}

// Sent returns the bot's messages in the chat as they stand now (after
// edits, without deleted ones), oldest first.
func (s *Server) Sent(chatID int64) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs, ok := s.chats[chatID]
	if !ok {
		return nil
	}
	out := make([]Message, 0, len(cs.index))
	for _, m := range cs.msgs {
		if m != nil {
			out = append(out, *m)
		}
	}
	return out
}

// LastSent is the bot's newest message still in the chat.
func (s *Server) LastSent(chatID int64) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cs, ok := s.chats[chatID]; ok {
		for i := len(cs.msgs) - 1; i >= 0; i-- {
			if cs.msgs[i] != nil {
				return *cs.msgs[i], true
			}
		}
	}
	return Message{}, false
}

// Message returns one of the bot's messages as it stands now.
func (s *Server) Message(chatID int64, messageID int) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m := s.messageLocked(chatID, messageID); m != nil {
		return *m, true
	}
	return Message{}, false
}

func (s *Server) messageLocked(chatID int64, messageID int) *Message {
	cs, ok := s.chats[chatID]
	if !ok {
		return nil
	}
	i, ok := cs.index[messageID]
	if !ok {
		return nil
	}
	return cs.msgs[i]
}

// SentCount is how many messages the bot ever sent into the chat, deleted
// ones included.
func (s *Server) SentCount(chatID int64) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cs, ok := s.chats[chatID]; ok {
		return cs.total
	}
	return 0
}

// MessageCount is how many messages the bot sent, all chats together.
func (s *Server) MessageCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats.Sent
}

// SentTimes returns when each message was accepted, in order.
func (s *Server) SentTimes() []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.sentTimes...)
}

// MaxSentIn is the largest number of messages accepted within any window
// of this length (e.g. time.Second to check a client stays under 30/s).
func (s *Server) MaxSentIn(window time.Duration) int {
	times := s.SentTimes()
	best, lo := 0, 0
	for hi := range times {
		for times[hi].Sub(times[lo]) >= window {
			lo++
		}
		best = max(best, hi-lo+1)
	}
	return best
}

// Stats returns the running totals.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// CallbackAnswer is how the bot answered the callback query with this id;
// false when it has not answered.
func (s *Server) CallbackAnswer(id string) (CallbackAnswer, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cb, ok := s.callbacks[id]
	if !ok || !cb.answered {
		return CallbackAnswer{}, false
	}
	return cb.answer, true
}

// Commands is the command list set for the default scope and no language.
func (s *Server) Commands() []BotCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]BotCommand(nil), s.commands[commandsKey("", "")]...)
}

// Webhook is what setWebhook recorded; URL is "" when no webhook is set.
func (s *Server) Webhook() WebhookInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhook
}

// Pending is how many updates the bot has not confirmed yet.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

// Polling reports whether a getUpdates long poll is waiting for updates.
func (s *Server) Polling() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.polling > 0
}

// WaitFor returns when cond is true, checking after every change on the
// server and every 10ms, or the context's error.
func (s *Server) WaitFor(ctx context.Context, cond func() bool) error {
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		s.mu.Lock()
		changed := s.changeCh
		s.mu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-changed:
		case <-tick.C:
		case <-ctx.Done():
			return fmt.Errorf("telegramtest: wait: %w", ctx.Err())
		}
	}
}

// WaitSent waits until the bot has sent at least n messages into the chat
// (deleted ones count) and returns Sent(chatID).
func (s *Server) WaitSent(ctx context.Context, chatID int64, n int) ([]Message, error) {
	err := s.WaitFor(ctx, func() bool { return s.SentCount(chatID) >= n })
	if err != nil {
		return s.Sent(chatID), fmt.Errorf("telegramtest: wait for %d messages in chat %d, got %d: %w",
			n, chatID, s.SentCount(chatID), err)
	}
	return s.Sent(chatID), nil
}

// OnEvent calls fn for every message the bot sends, edits or deletes, in
// the goroutine serving the call, one event at a time (a slow fn slows the
// bot down). The returned func unsubscribes.
func (s *Server) OnEvent(fn func(Event)) (cancel func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastSub++
	id := s.lastSub
	// Copy on write so that emit can read the slice without holding mu.
	s.subs = append(append([]subscriber(nil), s.subs...), subscriber{id: id, fn: fn})
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		kept := make([]subscriber, 0, len(s.subs))
		for _, sub := range s.subs {
			if sub.id != id {
				kept = append(kept, sub)
			}
		}
		s.subs = kept
	}
}

// OnMessage calls fn for every new message the bot sends (see OnEvent).
func (s *Server) OnMessage(fn func(Message)) (cancel func()) {
	return s.OnEvent(func(ev Event) {
		if ev.Kind == EventSent {
			fn(ev.Message)
		}
	})
}
