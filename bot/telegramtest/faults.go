package telegramtest

// Fault injection: answers a test makes the fake give instead of
// Telegram's (errors, delays), by method and chat.

import "time"

// AddRule adds an injection rule; the returned func removes it. Rules are
// tried in the order they were added and the first match wins.
func (s *Server) AddRule(r Rule) (remove func()) { return s.rules.add(r) }

// FailNext answers the next n calls of method (""=any) into chatID (0=any)
// with err.
func (s *Server) FailNext(method string, chatID int64, n int, err APIError) {
	if n <= 0 {
		return
	}
	s.rules.add(Rule{Method: method, ChatID: chatID, Times: n, Err: err})
}

// FailAlways answers every call of method into chatID with err until the
// returned func is called.
func (s *Server) FailAlways(method string, chatID int64, err APIError) (remove func()) {
	return s.rules.add(Rule{Method: method, ChatID: chatID, Err: err})
}

// Slow delays calls of method into chatID by d until the returned func is called.
func (s *Server) Slow(method string, chatID int64, d time.Duration) (remove func()) {
	return s.rules.add(Rule{Method: method, ChatID: chatID, Delay: d})
}

// ClearRules removes every rule.
func (s *Server) ClearRules() { s.rules.clear() }
