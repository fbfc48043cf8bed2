package telegramtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Inline mode: a user types "@bot words" in any chat (SendInlineQuery),
// the bot answers (answerInlineQuery, read back with InlineAnswer), the
// user picks a result, which posts its message into the chat "via @bot"
// (ChooseInlineResult); the bot knows such a message only by its
// inline_message_id, which buttons pressed under it carry instead of the
// message (PressInlineButton), and edits it by that id.

// InlineQueryTimeout is how long Telegram waits for the answer to an
// inline query; later answers are refused.
const InlineQueryTimeout = 10 * time.Second

// MaxInlineResults is the most results one answer may carry.
const MaxInlineResults = 50

// InlineResult is one result of an inline answer as the bot sent it.
type InlineResult struct {
	Type         string
	ID           string
	Title        string
	Description  string
	ThumbnailURL string
	// MessageText and ParseMode are the message posted when the result is
	// chosen; PlainText is what the reader then sees.
	MessageText string
	ParseMode   string
	PlainText   string
	// Preview is the message's link_preview_options.
	Preview LinkPreview
	// ReplyMarkup is the keyboard under the posted message; Keyboard is
	// it parsed.
	ReplyMarkup json.RawMessage
	Keyboard    [][]Button
}

// InlineResultsButton is the button shown above the results (the Bot API's
// InlineQueryResultsButton, or the older switch_pm_text and
// switch_pm_parameter).
type InlineResultsButton struct {
	Text           string
	StartParameter string
}

// InlineAnswer is how the bot answered an inline query.
type InlineAnswer struct {
	Results    []InlineResult
	CacheTime  int // seconds; Telegram's default 300 when not given
	IsPersonal bool
	NextOffset string
	Button     *InlineResultsButton
	// Time is when the answer arrived.
	Time time.Time
}

type inlineQueryState struct {
	from     User
	query    string
	at       time.Time
	answered bool
	answer   InlineAnswer
}

type wireInlineQuery struct {
	ID       string `json:"id"`
	From     User   `json:"from"`
	Query    string `json:"query"`
	Offset   string `json:"offset"`
	ChatType string `json:"chat_type,omitempty"`
}

// SendInlineQuery queues the inline query of a user typing "@bot query"
// in a chat of chatType ("sender", "private", "group", "supergroup",
// "channel"; "" when unknown). Update.InlineQueryID names it.
func (s *Server) SendInlineQuery(from User, query, chatType string) Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[from.ID] = from
	s.lastInline++
	id := strconv.FormatInt(int64(s.lastInline)*104729+7000000000000000000, 10)
	s.inlineQueries[id] = &inlineQueryState{from: from, query: query, at: s.now()}
	u := s.enqueueLocked("inline_query", 0, 0, "", wireInlineQuery{ID: id, From: from, Query: query, ChatType: chatType})
	u.InlineQueryID = id
	return u
}

// InlineAnswer is the bot's answer to the inline query with this id.
func (s *Server) InlineAnswer(id string) (InlineAnswer, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q, ok := s.inlineQueries[id]
	if !ok || !q.answered {
		return InlineAnswer{}, false
	}
	return q.answer, true
}

// InlineAnswers counts the inline queries the bot answered.
func (s *Server) InlineAnswers() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, q := range s.inlineQueries {
		if q.answered {
			n++
		}
	}
	return n
}

// ChooseInlineResult posts the result resultID of the answer to the
// inline query queryID into chat, as the user who typed it: the message
// appears there "via @bot" and is returned, with the inline_message_id
// the bot knows it by.
func (s *Server) ChooseInlineResult(chat Chat, queryID, resultID string) (Message, error) {
	s.mu.Lock()
	q, ok := s.inlineQueries[queryID]
	if !ok || !q.answered {
		s.mu.Unlock()
		return Message{}, fmt.Errorf("telegramtest: choose inline result: query %q has no answer", queryID)
	}
	var r *InlineResult
	for i := range q.answer.Results {
		if q.answer.Results[i].ID == resultID {
			r = &q.answer.Results[i]
		}
	}
	if r == nil {
		s.mu.Unlock()
		return Message{}, fmt.Errorf("telegramtest: choose inline result: no result %q", resultID)
	}
	cs := s.userActsLocked(chat, q.from)
	cs.lastMsgID++
	s.lastInlineMsg++
	m := &Message{
		ID: cs.lastMsgID, ChatID: cs.chat.ID, InlineMessageID: "inline-" + strconv.Itoa(s.lastInlineMsg) + "-" + resultID,
		Text: r.MessageText, PlainText: r.PlainText, ParseMode: r.ParseMode,
		ReplyMarkup: r.ReplyMarkup, Keyboard: r.Keyboard, Preview: r.Preview,
		DisableWebPagePreview: r.Preview.URL == "", Date: s.now(),
	}
	s.inlineMsgs[m.InlineMessageID] = m
	s.signalLocked()
	out := *m
	s.mu.Unlock()
	s.emit(Event{Kind: EventSent, Message: out})
	return out, nil
}

// InlineMessage is a message posted through inline mode, as it stands now.
func (s *Server) InlineMessage(inlineMessageID string) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m, ok := s.inlineMsgs[inlineMessageID]; ok {
		return *m, true
	}
	return Message{}, false
}

// PressInlineButton queues the callback_query of a user pressing a button
// with this data under a message posted through inline mode: it carries
// inline_message_id and no message. The data need not be on the keyboard
// (clients can forge it); the message must exist.
func (s *Server) PressInlineButton(from User, inlineMessageID, data string) (Update, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.inlineMsgs[inlineMessageID]
	if !ok {
		return Update{}, fmt.Errorf("telegramtest: press inline button: no inline message %q", inlineMessageID)
	}
	s.users[from.ID] = from
	s.lastCallback++
	id := strconv.FormatInt(int64(s.lastCallback)*7919+4000000000000000000, 10)
	s.callbacks[id] = &callbackState{}
	u := s.enqueueLocked("callback_query", m.ChatID, m.ID, id, wireCallback{
		ID: id, From: from, InlineMessageID: inlineMessageID, ChatInstance: "inline-" + strconv.FormatInt(m.ChatID, 10), Data: data,
	})
	u.InlineMessageID = inlineMessageID
	return u, nil
}

func validStartParameter(p string) bool {
	if p == "" || len(p) > 64 {
		return false
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// answerInlineQuery checks an answer as Telegram does: the query must be
// known, unanswered and younger than InlineQueryTimeout; at most 50
// results, each of a known type with a unique id of 1–64 bytes, an
// article with a title and a valid message; the button's start parameter
// of 1–64 characters of A–Z a–z 0–9 _ -.
func (s *Server) answerInlineQuery(_ *http.Request, p params) (any, *APIError) {
	var raws []map[string]json.RawMessage
	if err := json.Unmarshal([]byte(p["results"]), &raws); err != nil {
		return nil, errp(BadRequest("can't parse inline query results JSON object"))
	}
	if len(raws) > MaxInlineResults {
		return nil, errp(BadRequest("RESULTS_TOO_MUCH"))
	}
	ans := InlineAnswer{CacheTime: 300, IsPersonal: p.bool("is_personal"), NextOffset: p["next_offset"], Results: []InlineResult{}}
	if v, ok := p["cache_time"]; ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, errp(BadRequest("CACHE_TIME_INVALID"))
		}
		ans.CacheTime = n
	}
	seen := map[string]bool{}
	for _, raw := range raws {
		r, aerr := inlineResult(raw)
		if aerr != nil {
			return nil, aerr
		}
		if seen[r.ID] {
			return nil, errp(BadRequest("RESULT_ID_DUPLICATE"))
		}
		seen[r.ID] = true
		ans.Results = append(ans.Results, r)
	}
	if raw := p["button"]; raw != "" {
		var b struct {
			Text           string          `json:"text"`
			StartParameter string          `json:"start_parameter"`
			WebApp         json.RawMessage `json:"web_app"`
		}
		if err := json.Unmarshal([]byte(raw), &b); err != nil || strings.TrimSpace(b.Text) == "" {
			return nil, errp(BadRequest("BUTTON_TEXT_INVALID"))
		}
		if b.WebApp == nil && !validStartParameter(b.StartParameter) {
			return nil, errp(BadRequest("START_PARAM_INVALID"))
		}
		ans.Button = &InlineResultsButton{Text: b.Text, StartParameter: b.StartParameter}
	} else if p["switch_pm_text"] != "" {
		if !validStartParameter(p["switch_pm_parameter"]) {
			return nil, errp(BadRequest("START_PARAM_INVALID"))
		}
		ans.Button = &InlineResultsButton{Text: p["switch_pm_text"], StartParameter: p["switch_pm_parameter"]}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q, ok := s.inlineQueries[p["inline_query_id"]]
	now := s.now()
	if !ok || q.answered || now.Sub(q.at) > InlineQueryTimeout {
		return nil, errp(BadRequest("query is too old and response timeout expired or query ID is invalid"))
	}
	ans.Time = now
	q.answered, q.answer = true, ans
	return true, nil
}

// inlineResult reads one result of an answer.
func inlineResult(raw map[string]json.RawMessage) (InlineResult, *APIError) {
	str := func(key string) string {
		var v string
		_ = json.Unmarshal(raw[key], &v) // absent or not a string reads as ""
		return v
	}
	r := InlineResult{Type: str("type"), ID: str("id"), Title: str("title"), Description: str("description"),
		ThumbnailURL: str("thumbnail_url")}
	if r.Type != "article" {
		return r, errp(BadRequest("RESULT_TYPE_INVALID"))
	}
	if r.ID == "" || len(r.ID) > 64 {
		return r, errp(BadRequest("RESULT_ID_INVALID"))
	}
	if strings.TrimSpace(r.Title) == "" {
		return r, errp(BadRequest("RESULT_TITLE_EMPTY"))
	}
	var content struct {
		MessageText string          `json:"message_text"`
		ParseMode   string          `json:"parse_mode"`
		Preview     json.RawMessage `json:"link_preview_options"`
	}
	if err := json.Unmarshal(raw["input_message_content"], &content); err != nil {
		return r, errp(BadRequest("can't parse input_message_content"))
	}
	plain, aerr := textOf(content.MessageText, content.ParseMode)
	if aerr != nil {
		return r, aerr
	}
	r.MessageText, r.ParseMode, r.PlainText = content.MessageText, content.ParseMode, plain
	if content.Preview != nil {
		r.Preview = linkPreview(params{"link_preview_options": string(content.Preview)})
	}
	if mk := raw["reply_markup"]; mk != nil {
		m, aerr := parseMarkup(string(mk))
		if aerr != nil {
			return r, aerr
		}
		if m.inline == nil {
			return r, errp(BadRequest("inline keyboard expected"))
		}
		r.ReplyMarkup, r.Keyboard = m.raw, m.inline
	}
	return r, nil
}
