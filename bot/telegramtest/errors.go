package telegramtest

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// APIError is an error answer in the Bot API envelope:
// {"ok":false,"error_code":Code,"description":Description,"parameters":{...}}.
type APIError struct {
	Code            int
	Description     string
	RetryAfter      int
	MigrateToChatID int64
}

// Error formats the code and the description.
func (e APIError) Error() string {
	return fmt.Sprintf("telegramtest: %d %s", e.Code, e.Description)
}

// TooManyRequests is Telegram's flood-control answer.
func TooManyRequests(retryAfter int) APIError {
	return APIError{
		Code:        http.StatusTooManyRequests,
		Description: fmt.Sprintf("Too Many Requests: retry after %d", retryAfter),
		RetryAfter:  retryAfter,
	}
}

// Forbidden is the answer for a chat whose user blocked the bot.
func Forbidden() APIError {
	return APIError{Code: http.StatusForbidden, Description: "Forbidden: bot was blocked by the user"}
}

// Kicked is the answer for a group or supergroup the bot was removed from.
func Kicked() APIError {
	return APIError{Code: http.StatusForbidden, Description: "Forbidden: bot was kicked from the group chat"}
}

// Migrated is the answer for a group that became a supergroup.
func Migrated(newChatID int64) APIError {
	return APIError{
		Code:            http.StatusBadRequest,
		Description:     "Bad Request: group chat was upgraded to a supergroup chat",
		MigrateToChatID: newChatID,
	}
}

// ServerError is a 500 answer.
func ServerError() APIError {
	return APIError{Code: http.StatusInternalServerError, Description: "Internal Server Error"}
}

// BadGateway is the 502 Telegram answers while it restarts.
func BadGateway() APIError {
	return APIError{Code: http.StatusBadGateway, Description: "Bad Gateway"}
}

// BadRequest is a 400 answer with "Bad Request: " prefixed to desc.
func BadRequest(desc string) APIError {
	return APIError{Code: http.StatusBadRequest, Description: "Bad Request: " + desc}
}

func errUnauthorized() APIError {
	return APIError{Code: http.StatusUnauthorized, Description: "Unauthorized"}
}

func errMethodNotFound() APIError {
	return APIError{Code: http.StatusNotFound, Description: "Not Found: method not found"}
}

// Rule injects an answer into matching calls.
type Rule struct {
	// Method matches the Bot API method, case-insensitively; "" matches any.
	Method string
	// ChatID matches the chat_id parameter; 0 matches any call.
	ChatID int64
	// Times is how many matching calls the rule affects; 0 means until removed.
	Times int
	// Err is the answer; a zero Code answers normally (use with Delay for latency).
	Err APIError
	// Delay is waited before answering.
	Delay time.Duration
}

type ruleState struct {
	Rule
	left int
}

func (r *ruleState) matches(method string, chatID int64) bool {
	if r.Method != "" && !strings.EqualFold(r.Method, method) {
		return false
	}
	return r.ChatID == 0 || r.ChatID == chatID
}

// rules holds the injection rules, in the order they were added.
type rules struct {
	mu   sync.Mutex
	list []*ruleState
}

func (rs *rules) add(r Rule) func() {
	st := &ruleState{Rule: r, left: r.Times}
	rs.mu.Lock()
	rs.list = append(rs.list, st)
	rs.mu.Unlock()
	return func() { rs.remove(st) }
}

func (rs *rules) remove(st *ruleState) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for i, r := range rs.list {
		if r == st {
			rs.list = append(rs.list[:i], rs.list[i+1:]...)
			return
		}
	}
}

func (rs *rules) clear() {
	rs.mu.Lock()
	rs.list = nil
	rs.mu.Unlock()
}

// match consumes the first matching rule and returns a copy of it.
func (rs *rules) match(method string, chatID int64) (Rule, bool) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for i, r := range rs.list {
		if !r.matches(method, chatID) {
			continue
		}
		if r.Times > 0 {
			r.left--
			if r.left <= 0 {
				rs.list = append(rs.list[:i], rs.list[i+1:]...)
			}
		}
		return r.Rule, true
	}
	return Rule{}, false
}
