package telegramtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxMessageLength is Telegram's limit on a message's text, in characters
// after entity parsing.
const MaxMessageLength = 4096

// maxBody bounds request bodies (Telegram's own upload limit is 50 MB).
const maxBody = 50 << 20

const errNotModified = "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"

type params map[string]string

func (p params) int(key string) int {
	n, _ := strconv.Atoi(p[key]) // absent or malformed numbers are 0, as Telegram treats them
	return n
}

func (p params) int64(key string) int64 {
	n, _ := strconv.ParseInt(p[key], 10, 64)
	return n
}

func (p params) bool(key string) bool {
	b, _ := strconv.ParseBool(p[key])
	return b
}

type handlerFunc func(s *Server, r *http.Request, p params) (any, *APIError)

type method struct {
	name string
	fn   handlerFunc
}

// methods maps lower-cased method names (Telegram ignores case) to handlers.
var methods = func() map[string]method {
	list := []method{
		{"getMe", (*Server).getMe},
		{"getUpdates", (*Server).getUpdates},
		{"sendMessage", (*Server).sendMessage},
		{"editMessageText", (*Server).editMessageText},
		{"editMessageReplyMarkup", (*Server).editMessageReplyMarkup},
		{"deleteMessage", (*Server).deleteMessage},
		{"answerCallbackQuery", (*Server).answerCallbackQuery},
		{"answerInlineQuery", (*Server).answerInlineQuery},
		{"setMyCommands", (*Server).setMyCommands},
		{"getMyCommands", (*Server).getMyCommands},
		{"deleteMyCommands", (*Server).deleteMyCommands},
		{"getChat", (*Server).getChat},
		{"getChatMember", (*Server).getChatMember},
		{"getChatAdministrators", (*Server).getChatAdministrators},
		{"sendChatAction", (*Server).sendChatAction},
		{"leaveChat", (*Server).okTrue},
		{"setWebhook", (*Server).setWebhook},
		{"deleteWebhook", (*Server).deleteWebhook},
		{"getWebhookInfo", (*Server).getWebhookInfo},
		{"getFile", (*Server).getFile},
		{"sendDocument", (*Server).sendDocument},
		{"logOut", (*Server).okTrue},
		{"close", (*Server).okTrue},
	}
	m := make(map[string]method, len(list))
	for _, h := range list {
		m[strings.ToLower(h.name)] = h
	}
	return m
}()

// ServeHTTP serves /bot<token>/<method>, and the files users sent at
// /file/bot<token>/<file_path>.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	received := s.now()
	if rest, ok := strings.CutPrefix(r.URL.Path, "/file/bot"); ok {
		s.serveFile(w, r, rest)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, name, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 {
		writeError(w, APIError{Code: http.StatusNotFound, Description: "Not Found"})
		return
	}
	key := strings.ToLower(name)
	h, known := methods[key]
	if known {
		name = h.name
	}
	p, perr := readParams(r)
	call := Call{Method: name, Params: p, ChatID: p.int64("chat_id"), Time: received}
	if key != "getupdates" {
		s.mu.Lock()
		s.inFlight++
		s.stats.MostInFlight = max(s.stats.MostInFlight, s.inFlight)
		s.mu.Unlock()
		defer func() {
			s.mu.Lock()
			s.inFlight--
			s.mu.Unlock()
		}()
	}

	result, aerr := s.serve(r, token, call, h, known, perr)
	if half := s.roundTrip() / 2; half > 0 {
		sleep(r.Context(), s.done, half)
	}
	if aerr != nil {
		writeError(w, *aerr)
		call.Code, call.Description = aerr.Code, aerr.Description
	} else {
		writeOK(w, result)
		call.Code = http.StatusOK
	}
	s.record(call, key, aerr)
}

func (s *Server) serve(r *http.Request, token string, call Call, h method, known bool, perr error) (any, *APIError) {
	if token != s.token {
		e := errUnauthorized()
		return nil, &e
	}
	// Half the round trip on the way there, half on the way back: the
	// flood limits see the call when it would reach Telegram.
	if half := s.roundTrip() / 2; half > 0 && !sleep(r.Context(), s.done, half) {
		e := ServerError()
		return nil, &e
	}
	if rule, ok := s.rules.match(call.Method, call.ChatID); ok {
		if rule.Delay > 0 && !sleep(r.Context(), s.done, rule.Delay) {
			e := ServerError()
			return nil, &e
		}
		if rule.Err.Code != 0 {
			s.mu.Lock()
			s.stats.Injected++
			s.mu.Unlock()
			e := rule.Err
			return nil, &e
		}
	}
	if perr != nil {
		e := BadRequest(perr.Error())
		return nil, &e
	}
	if !known {
		e := errMethodNotFound()
		return nil, &e
	}
	return h.fn(s, r, call.Params)
}

// roundTrip is one call's delay: WithLatency, plus up to WithJitter.
func (s *Server) roundTrip() time.Duration {
	d := s.latency
	if s.jitter > 0 {
		d += rand.N(s.jitter)
	}
	return d
}

func (s *Server) record(c Call, key string, aerr *APIError) {
	s.mu.Lock()
	s.calls = append(s.calls, c)
	s.callCount[key]++
	s.stats.Calls++
	if aerr != nil {
		s.stats.Errors++
		if aerr.Code == http.StatusTooManyRequests {
			s.stats.TooManyRequests++
		}
	}
	s.signalLocked()
	s.mu.Unlock()
	if s.logger.Enabled(context.Background(), slog.LevelDebug) {
		s.logger.Debug("telegramtest: call", "method", c.Method, "chat_id", c.ChatID,
			"code", c.Code, "description", c.Description)
	}
}

// sleep waits d; false when the request or the server ended first.
func sleep(ctx context.Context, done <-chan struct{}, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-done:
		return false
	}
}

// readParams gathers the parameters from the query and from a urlencoded,
// multipart or JSON body. JSON values that are not strings keep their JSON
// text, as they would be in a form.
func readParams(r *http.Request) (params, error) {
	p := params{}
	for k, v := range r.URL.Query() {
		if len(v) > 0 {
			p[k] = v[0]
		}
	}
	if r.Body == nil || r.Method == http.MethodGet {
		return p, nil
	}
	r.Body = http.MaxBytesReader(nil, r.Body, maxBody)
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "application/json":
		var m map[string]json.RawMessage
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil && !errors.Is(err, io.EOF) {
			return p, fmt.Errorf("can't parse JSON request body: %v", err)
		}
		for k, raw := range m {
			if len(raw) == 0 || string(raw) == "null" {
				continue
			}
			if raw[0] == '"' {
				var str string
				if err := json.Unmarshal(raw, &str); err != nil {
					return p, fmt.Errorf("can't parse JSON request body: %v", err)
				}
				p[k] = str
				continue
			}
			p[k] = string(raw)
		}
	case "multipart/form-data":
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			return p, fmt.Errorf("can't parse multipart request body: %v", err)
		}
		for k, v := range r.MultipartForm.Value {
			if len(v) > 0 {
				p[k] = v[0]
			}
		}
		for k, fs := range r.MultipartForm.File {
			if len(fs) > 0 {
				p[k] = "attach://" + fs[0].Filename
			}
		}
	default:
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return p, fmt.Errorf("can't read request body: %v", err)
		}
		v, err := url.ParseQuery(string(body))
		if err != nil {
			return p, fmt.Errorf("can't parse request body: %v", err)
		}
		for k, vs := range v {
			if len(vs) > 0 {
				p[k] = vs[0]
			}
		}
	}
	return p, nil
}

func writeOK(w http.ResponseWriter, result any) {
	var body []byte
	if raw, ok := result.(json.RawMessage); ok {
		body = raw
	} else {
		var err error
		body, err = json.Marshal(result)
		if err != nil {
			writeError(w, ServerError())
			return
		}
	}
	out := make([]byte, 0, len(body)+24)
	out = append(out, `{"ok":true,"result":`...)
	out = append(out, body...)
	out = append(out, '}')
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(out)))
	_, _ = w.Write(out) // a client that went away needs no answer
}

type responseParameters struct {
	MigrateToChatID int64 `json:"migrate_to_chat_id,omitempty"`
	RetryAfter      int   `json:"retry_after,omitempty"`
}

type errorEnvelope struct {
	OK          bool                `json:"ok"`
	ErrorCode   int                 `json:"error_code"`
	Description string              `json:"description"`
	Parameters  *responseParameters `json:"parameters,omitempty"`
}

func writeError(w http.ResponseWriter, e APIError) {
	env := errorEnvelope{ErrorCode: e.Code, Description: e.Description}
	if e.RetryAfter != 0 || e.MigrateToChatID != 0 {
		env.Parameters = &responseParameters{MigrateToChatID: e.MigrateToChatID, RetryAfter: e.RetryAfter}
	}
	body, _ := json.Marshal(env) // plain struct of strings and numbers
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	code := e.Code
	if code < 100 || code > 599 {
		code = http.StatusBadRequest
	}
	w.WriteHeader(code)
	_, _ = w.Write(body) // a client that went away needs no answer
}

func errp(e APIError) *APIError { return &e }

// ---- methods ----

func (s *Server) okTrue(*http.Request, params) (any, *APIError) { return true, nil }

func (s *Server) getMe(*http.Request, params) (any, *APIError) {
	return struct {
		User
		CanJoinGroups           bool `json:"can_join_groups"`
		CanReadAllGroupMessages bool `json:"can_read_all_group_messages"`
		SupportsInlineQueries   bool `json:"supports_inline_queries"`
	}{User: s.bot, CanJoinGroups: true, SupportsInlineQueries: !s.noInline}, nil
}

func (s *Server) getUpdates(r *http.Request, p params) (any, *APIError) {
	offset, limit, timeout := p.int("offset"), p.int("limit"), p.int("timeout")
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	s.mu.Lock()
	if s.webhook.URL != "" {
		s.mu.Unlock()
		return nil, errp(APIError{Code: http.StatusConflict,
			Description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"})
	}
	// Telegram lets one getUpdates run at a time: a new one ends the old with 409.
	if s.pollKick != nil {
		close(s.pollKick)
	}
	kick := make(chan struct{})
	s.pollKick = kick
	s.confirmLocked(offset)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		if s.pollKick == kick {
			s.pollKick = nil
		}
		s.mu.Unlock()
	}()

	var expired <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(time.Duration(timeout) * time.Second)
		defer t.Stop()
		expired = t.C
	}
	for {
		s.mu.Lock()
		n := min(limit, len(s.queue))
		if n > 0 || expired == nil {
			batch := make([]byte, 0, 256*n+2)
			batch = append(batch, '[')
			for i, q := range s.queue[:n] {
				if i > 0 {
					batch = append(batch, ',')
				}
				batch = append(batch, q.raw...)
			}
			batch = append(batch, ']')
			s.mu.Unlock()
			return json.RawMessage(batch), nil
		}
		wake := s.updCh
		s.polling++
		s.signalLocked()
		s.mu.Unlock()
		woken := s.waitPoll(r.Context(), wake, expired, kick)
		s.mu.Lock()
		s.polling--
		s.mu.Unlock()
		switch woken {
		case pollWake:
		case pollKicked:
			return nil, errp(APIError{Code: http.StatusConflict,
				Description: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"})
		default:
			return json.RawMessage("[]"), nil
		}
	}
}

type pollResult int

const (
	pollWake pollResult = iota
	pollExpired
	pollKicked
	pollEnded
)

func (s *Server) waitPoll(ctx context.Context, wake <-chan struct{}, expired <-chan time.Time, kick <-chan struct{}) pollResult {
	select {
	case <-wake:
		return pollWake
	case <-expired:
		return pollExpired
	case <-kick:
		return pollKicked
	case <-ctx.Done():
		return pollEnded
	case <-s.done:
		return pollEnded
	}
}

// confirmLocked forgets the updates the offset confirms: those below a
// positive offset, or all but the last -offset for a negative one. An
// offset beyond every id issued (one kept from before RenumberUpdates)
// confirms nothing: Telegram, too, then returns the new sequence's updates
// however high the offset.
func (s *Server) confirmLocked(offset int) {
	drop := 0
	switch {
	case offset > s.lastUpdateID+1:
	case offset > 0:
		for drop < len(s.queue) && s.queue[drop].id < offset {
			drop++
		}
	case offset < 0:
		drop = max(0, len(s.queue)+offset)
	}
	if drop == 0 {
		return
	}
	// Copy rather than reslice so a long run does not pin every old update.
	s.queue = append([]queued(nil), s.queue[drop:]...)
	s.signalLocked()
}

// textOf validates a message text and returns what the reader sees.
func textOf(text, parseMode string) (string, *APIError) {
	if !utf8.ValidString(text) {
		return "", errp(BadRequest("text must be encoded in UTF-8"))
	}
	if strings.TrimSpace(text) == "" {
		return "", errp(BadRequest("message text is empty"))
	}
	plain := text
	switch strings.ToLower(parseMode) {
	case "", "markdown", "markdownv2":
	case "html":
		var err error
		if plain, err = ParseHTML(text); err != nil {
			return "", errp(BadRequest(err.Error()))
		}
		if strings.TrimSpace(plain) == "" {
			return "", errp(BadRequest("message text is empty"))
		}
	default:
		return "", errp(BadRequest("unsupported parse_mode"))
	}
	if utf8.RuneCountInString(plain) > MaxMessageLength {
		return "", errp(BadRequest("message is too long"))
	}
	return plain, nil
}

// markup is a parsed reply_markup.
type markup struct {
	raw    json.RawMessage
	inline [][]Button
	reply  [][]Button
}

var buttonActions = []string{
	"callback_data", "url", "switch_inline_query", "switch_inline_query_current_chat",
	"switch_inline_query_chosen_chat", "login_url", "callback_game", "pay", "web_app", "copy_text",
}

func parseMarkup(raw string) (markup, *APIError) {
	if raw == "" {
		return markup{}, nil
	}
	var m struct {
		InlineKeyboard [][]map[string]json.RawMessage `json:"inline_keyboard"`
		Keyboard       [][]json.RawMessage            `json:"keyboard"`
	}
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return markup{}, errp(BadRequest("can't parse reply keyboard markup JSON object"))
	}
	out := markup{raw: json.RawMessage(raw)}
	for _, row := range m.InlineKeyboard {
		var bs []Button
		for _, fields := range row {
			var b Button
			if err := json.Unmarshal(fields["text"], &b.Text); err != nil || b.Text == "" {
				return markup{}, errp(BadRequest("can't parse inline keyboard button: Text must be non-empty"))
			}
			hasAction := false
			for _, a := range buttonActions {
				if _, ok := fields[a]; ok {
					hasAction = true
				}
			}
			if !hasAction {
				return markup{}, errp(BadRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"))
			}
			if cd, ok := fields["callback_data"]; ok {
				if err := json.Unmarshal(cd, &b.CallbackData); err != nil || b.CallbackData == "" || len(b.CallbackData) > 64 {
					return markup{}, errp(BadRequest("BUTTON_DATA_INVALID"))
				}
			}
			if u, ok := fields["url"]; ok {
				if err := json.Unmarshal(u, &b.URL); err != nil || b.URL == "" {
					return markup{}, errp(BadRequest("BUTTON_URL_INVALID"))
				}
			}
			if q, ok := fields["switch_inline_query"]; ok {
				b.SwitchInlineQuery = new(string)
				if err := json.Unmarshal(q, b.SwitchInlineQuery); err != nil || len([]rune(*b.SwitchInlineQuery)) > 256 {
					return markup{}, errp(BadRequest("BUTTON_TYPE_INVALID"))
				}
			}
			bs = append(bs, b)
		}
		out.inline = append(out.inline, bs)
	}
	for _, row := range m.Keyboard {
		var bs []Button
		for _, rb := range row {
			var b Button
			// A reply keyboard button is a string or an object with "text".
			if err := json.Unmarshal(rb, &b.Text); err != nil {
				if err := json.Unmarshal(rb, &b); err != nil {
					return markup{}, errp(BadRequest("can't parse keyboard button"))
				}
			}
			bs = append(bs, b)
		}
		out.reply = append(out.reply, bs)
	}
	return out, nil
}

// canonical re-encodes JSON with sorted keys, to compare markups.
func canonical(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return string(raw)
	}
	b, _ := json.Marshal(v) // re-marshalling decoded JSON cannot fail
	return string(b)
}

func previewDisabled(p params) bool {
	if p.bool("disable_web_page_preview") {
		return true
	}
	if p["link_preview_options"] == "" {
		return false
	}
	var o struct {
		IsDisabled bool `json:"is_disabled"`
	}
	_ = json.Unmarshal([]byte(p["link_preview_options"]), &o) // absent or malformed means enabled
	return o.IsDisabled
}

// linkPreview reads link_preview_options; the zero LinkPreview when the
// options are absent, malformed or disable the preview.
func linkPreview(p params) LinkPreview {
	var o struct {
		IsDisabled       bool   `json:"is_disabled"`
		URL              string `json:"url"`
		PreferLargeMedia bool   `json:"prefer_large_media"`
		ShowAboveText    bool   `json:"show_above_text"`
	}
	if p["link_preview_options"] == "" || json.Unmarshal([]byte(p["link_preview_options"]), &o) != nil || o.IsDisabled {
		return LinkPreview{}
	}
	return LinkPreview{URL: o.URL, PreferLargeMedia: o.PreferLargeMedia, ShowAboveText: o.ShowAboveText}
}

func replyTo(p params) int {
	if id := p.int("reply_to_message_id"); id != 0 {
		return id
	}
	if p["reply_parameters"] == "" {
		return 0
	}
	var o struct {
		MessageID int `json:"message_id"`
	}
	_ = json.Unmarshal([]byte(p["reply_parameters"]), &o) // absent or malformed means no reply
	return o.MessageID
}

// chatLocked resolves chat_id to a chat, creating unknown ones unless strict.
func (s *Server) chatLocked(p params) (*chatState, *APIError) {
	raw := p["chat_id"]
	if raw == "" {
		return nil, errp(BadRequest("chat_id is empty"))
	}
	if name, ok := strings.CutPrefix(raw, "@"); ok {
		if id, ok := s.usernames[strings.ToLower(name)]; ok {
			return s.chats[id], nil
		}
		return nil, errp(BadRequest("chat not found"))
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id == 0 {
		return nil, errp(BadRequest("chat not found"))
	}
	if cs, ok := s.chats[id]; ok {
		return cs, nil
	}
	if s.strictChats {
		return nil, errp(BadRequest("chat not found"))
	}
	return s.upsertChatLocked(inferChat(id)), nil
}

// writable answers 403 for blocked chats and 400 for migrated groups.
func (cs *chatState) writable() *APIError {
	if cs.migratedTo != 0 {
		return errp(Migrated(cs.migratedTo))
	}
	if !cs.blocked {
		return nil
	}
	switch cs.chat.Type {
	case ChatTypePrivate:
		return errp(Forbidden())
	case ChatTypeSupergroup:
		return errp(APIError{Code: http.StatusForbidden, Description: "Forbidden: bot was kicked from the supergroup chat"})
	case ChatTypeChannel:
		return errp(APIError{Code: http.StatusForbidden, Description: "Forbidden: bot is not a member of the channel chat"})
	default:
		return errp(Kicked())
	}
}

// limitLocked applies the flood limits to one send into cs; a paid
// broadcast skips the global limit for the paid one.
func (s *Server) limitLocked(cs *chatState, now time.Time, paid bool) *APIError {
	if s.limits == nil {
		return nil
	}
	if cs.limiter == nil {
		rate, burst := s.limits.Group, s.limits.GroupBurst
		if cs.chat.Type == ChatTypePrivate {
			rate, burst = s.limits.Private, s.limits.PrivateBurst
		}
		if rate > 0 {
			cs.limiter = newBucket(rate, burst, now)
		}
	}
	global := s.global
	if paid {
		global = s.paid
	}
	var wait time.Duration
	if global != nil {
		wait = global.wait(now)
	}
	if cs.limiter != nil {
		wait = max(wait, cs.limiter.wait(now))
	}
	if wait > 0 {
		s.stats.RateLimited++
		return errp(TooManyRequests(retryAfter(wait)))
	}
	if global != nil {
		global.take()
	}
	if cs.limiter != nil {
		cs.limiter.take()
	}
	return nil
}

// wireBotMessage is the Message object Telegram returns for a bot message:
// the text as the reader sees it, and the keyboard only if inline.
func (s *Server) wireBotMessage(cs *chatState, m *Message) wireMessage {
	bot := s.bot
	wm := wireMessage{MessageID: m.ID, From: &bot, Date: m.Date.Unix(), Chat: cs.chat, Text: m.PlainText,
		MessageThreadID: m.ThreadID, IsTopicMessage: m.ThreadID != 0}
	if !m.EditDate.IsZero() {
		wm.EditDate = m.EditDate.Unix()
	}
	if m.Keyboard != nil {
		wm.ReplyMarkup = m.ReplyMarkup
	}
	return wm
}

func (s *Server) sendMessage(_ *http.Request, p params) (any, *APIError) {
	plain, aerr := textOf(p["text"], p["parse_mode"])
	if aerr != nil {
		return nil, aerr
	}
	mk, aerr := parseMarkup(p["reply_markup"])
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	cs, aerr := s.chatLocked(p)
	if aerr == nil {
		aerr = cs.writable()
	}
	thread := p.int("message_thread_id")
	if aerr == nil && thread != 0 && !cs.threads[thread] {
		aerr = errp(BadRequest("message thread not found"))
	}
	now := s.now()
	paid := p.bool("allow_paid_broadcast")
	if aerr == nil {
		aerr = s.limitLocked(cs, now, paid)
	}
	if aerr != nil {
		s.mu.Unlock()
		return nil, aerr
	}
	cs.lastMsgID++
	m := &Message{
		ID: cs.lastMsgID, ChatID: cs.chat.ID, Text: p["text"], PlainText: plain, ParseMode: p["parse_mode"],
		ReplyMarkup: mk.raw, Keyboard: mk.inline, ReplyKeyboard: mk.reply,
		DisableNotification: p.bool("disable_notification"), DisableWebPagePreview: previewDisabled(p),
		Preview:          linkPreview(p),
		ReplyToMessageID: replyTo(p), Date: now, ThreadID: thread, Paid: paid,
	}
	if paid {
		s.stats.Paid++
	}
	return s.keepSentLocked(cs, m, now), nil
}

// keepSentLocked records m, just sent, as the bot's newest message in cs,
// then unlocks s and tells the subscribers; it returns the Message object
// the call answers.
func (s *Server) keepSentLocked(cs *chatState, m *Message, now time.Time) wireMessage {
	cs.index[m.ID] = len(cs.msgs)
	cs.msgs = append(cs.msgs, m)
	cs.total++
	s.stats.Sent++
	s.sentTimes = append(s.sentTimes, now)
	wm := s.wireBotMessage(cs, m)
	ev := Event{Kind: EventSent, Message: *m}
	s.mu.Unlock()
	s.emit(ev)
	return wm
}

// editTarget finds the bot message an edit call names: by chat_id and
// message_id, or a message posted through inline mode by its
// inline_message_id (its chat is then nil).
func (s *Server) editTargetLocked(p params) (*chatState, *Message, *APIError) {
	if id := p["inline_message_id"]; id != "" {
		m, ok := s.inlineMsgs[id]
		if !ok || p["chat_id"] != "" || p["message_id"] != "" {
			return nil, nil, errp(BadRequest("MESSAGE_ID_INVALID"))
		}
		return nil, m, nil
	}
	cs, aerr := s.chatLocked(p)
	if aerr != nil {
		return nil, nil, aerr
	}
	if aerr := cs.writable(); aerr != nil {
		return nil, nil, aerr
	}
	id := p.int("message_id")
	if id == 0 {
		return nil, nil, errp(BadRequest("message identifier is not specified"))
	}
	i, ok := cs.index[id]
	if !ok {
		return nil, nil, errp(BadRequest("message to edit not found"))
	}
	return cs, cs.msgs[i], nil
}

func (s *Server) editMessageText(_ *http.Request, p params) (any, *APIError) {
	plain, aerr := textOf(p["text"], p["parse_mode"])
	if aerr != nil {
		return nil, aerr
	}
	mk, aerr := parseMarkup(p["reply_markup"])
	if aerr != nil {
		return nil, aerr
	}
	if mk.raw != nil && mk.inline == nil {
		return nil, errp(BadRequest("inline keyboard expected"))
	}
	s.mu.Lock()
	cs, m, aerr := s.editTargetLocked(p)
	if aerr != nil {
		s.mu.Unlock()
		return nil, aerr
	}
	// Telegram drops the inline keyboard when an edit does not repeat it.
	if m.Text == p["text"] && strings.EqualFold(m.ParseMode, p["parse_mode"]) && sameKeyboard(m, mk) {
		s.mu.Unlock()
		return nil, errp(BadRequest(errNotModified))
	}
	now := s.now()
	edited := *m
	edited.Text, edited.PlainText, edited.ParseMode = p["text"], plain, p["parse_mode"]
	edited.ReplyMarkup, edited.Keyboard = mk.raw, mk.inline
	edited.DisableWebPagePreview = previewDisabled(p)
	edited.Preview = linkPreview(p)
	edited.EditDate = now
	edited.Edits++
	*m = edited
	s.stats.Edited++
	var result any = true // an inline message's edit answers True
	if cs != nil {
		result = s.wireBotMessage(cs, m)
	}
	s.mu.Unlock()
	s.emit(Event{Kind: EventEdited, Message: edited})
	return result, nil
}

func sameKeyboard(m *Message, mk markup) bool {
	if m.Keyboard == nil || mk.inline == nil {
		return m.Keyboard == nil && mk.inline == nil
	}
	return canonical(m.ReplyMarkup) == canonical(mk.raw)
}

func (s *Server) editMessageReplyMarkup(_ *http.Request, p params) (any, *APIError) {
	mk, aerr := parseMarkup(p["reply_markup"])
	if aerr != nil {
		return nil, aerr
	}
	if mk.raw != nil && mk.inline == nil {
		return nil, errp(BadRequest("inline keyboard expected"))
	}
	s.mu.Lock()
	cs, m, aerr := s.editTargetLocked(p)
	if aerr != nil {
		s.mu.Unlock()
		return nil, aerr
	}
	if sameKeyboard(m, mk) {
		s.mu.Unlock()
		return nil, errp(BadRequest(errNotModified))
	}
	edited := *m
	edited.ReplyMarkup, edited.Keyboard = mk.raw, mk.inline
	edited.EditDate = s.now()
	edited.Edits++
	*m = edited
	s.stats.Edited++
	var result any = true // an inline message's edit answers True
	if cs != nil {
		result = s.wireBotMessage(cs, m)
	}
	s.mu.Unlock()
	s.emit(Event{Kind: EventEdited, Message: edited})
	return result, nil
}

func (s *Server) deleteMessage(_ *http.Request, p params) (any, *APIError) {
	s.mu.Lock()
	cs, aerr := s.chatLocked(p)
	if aerr != nil {
		s.mu.Unlock()
		return nil, aerr
	}
	if aerr := cs.writable(); aerr != nil {
		s.mu.Unlock()
		return nil, aerr
	}
	id := p.int("message_id")
	i, ok := cs.index[id]
	if !ok {
		s.mu.Unlock()
		return nil, errp(BadRequest("message to delete not found"))
	}
	m := *cs.msgs[i]
	cs.msgs[i] = nil
	delete(cs.index, id)
	s.stats.Deleted++
	s.mu.Unlock()
	s.emit(Event{Kind: EventDeleted, Message: m})
	return true, nil
}

func (s *Server) answerCallbackQuery(_ *http.Request, p params) (any, *APIError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cb, ok := s.callbacks[p["callback_query_id"]]
	if !ok || cb.answered {
		return nil, errp(BadRequest("query is too old and response timeout expired or query ID is invalid"))
	}
	if utf8.RuneCountInString(p["text"]) > 200 {
		return nil, errp(BadRequest("MESSAGE_TOO_LONG"))
	}
	cb.answered = true
	cb.answer = CallbackAnswer{Text: p["text"], ShowAlert: p.bool("show_alert"), URL: p["url"]}
	return true, nil
}

func commandsKey(scope, lang string) string {
	scope = canonical(json.RawMessage(scope))
	if scope == `{"type":"default"}` {
		scope = ""
	}
	return scope + "|" + lang
}

func (s *Server) setMyCommands(_ *http.Request, p params) (any, *APIError) {
	var cmds []BotCommand
	if err := json.Unmarshal([]byte(p["commands"]), &cmds); err != nil {
		return nil, errp(BadRequest("can't parse commands JSON object"))
	}
	if len(cmds) > 100 {
		return nil, errp(BadRequest("BOT_COMMANDS_TOO_MUCH"))
	}
	for _, c := range cmds {
		if !validCommand(c.Command) {
			return nil, errp(BadRequest("BOT_COMMAND_INVALID"))
		}
		if n := utf8.RuneCountInString(strings.TrimSpace(c.Description)); n == 0 || n > 256 {
			return nil, errp(BadRequest("BOT_COMMAND_DESCRIPTION_INVALID"))
		}
	}
	s.mu.Lock()
	s.commands[commandsKey(p["scope"], p["language_code"])] = cmds
	s.mu.Unlock()
	return true, nil
}

func validCommand(c string) bool {
	if c == "" || len(c) > 32 {
		return false
	}
	for i := 0; i < len(c); i++ {
		if b := c[i]; !(b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '_') {
			return false
		}
	}
	return true
}

func (s *Server) getMyCommands(_ *http.Request, p params) (any, *APIError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cmds := s.commands[commandsKey(p["scope"], p["language_code"])]
	if cmds == nil {
		cmds = []BotCommand{}
	}
	return cmds, nil
}

func (s *Server) deleteMyCommands(_ *http.Request, p params) (any, *APIError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.commands, commandsKey(p["scope"], p["language_code"]))
	return true, nil
}

func (s *Server) getChat(_ *http.Request, p params) (any, *APIError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs, aerr := s.chatLocked(p)
	if aerr != nil {
		return nil, aerr
	}
	return cs.chat, nil
}

func (s *Server) sendChatAction(_ *http.Request, p params) (any, *APIError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs, aerr := s.chatLocked(p)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := cs.writable(); aerr != nil {
		return nil, aerr
	}
	return true, nil
}

// wireMember is the Bot API ChatMember object.
type wireMember struct {
	User               User   `json:"user"`
	Status             string `json:"status"`
	IsAnonymous        bool   `json:"is_anonymous"`
	CanBeEdited        bool   `json:"can_be_edited,omitempty"`
	CanManageChat      bool   `json:"can_manage_chat,omitempty"`
	CanDeleteMessages  bool   `json:"can_delete_messages,omitempty"`
	CanRestrictMembers bool   `json:"can_restrict_members,omitempty"`
	CanChangeInfo      bool   `json:"can_change_info,omitempty"`
	CanInviteUsers     bool   `json:"can_invite_users,omitempty"`
	CanPinMessages     bool   `json:"can_pin_messages,omitempty"`
	CanPostMessages    bool   `json:"can_post_messages,omitempty"`
}

func (s *Server) memberLocked(userID int64, status string) wireMember {
	u, ok := s.users[userID]
	if !ok {
		u = User{ID: userID, FirstName: fmt.Sprintf("User%d", userID)}
	}
	if userID == s.bot.ID {
		u = s.bot
	}
	m := wireMember{User: u, Status: status}
	if status == StatusAdministrator || status == StatusCreator {
		m.CanManageChat, m.CanDeleteMessages, m.CanRestrictMembers = true, true, true
		m.CanChangeInfo, m.CanInviteUsers, m.CanPinMessages = true, true, true
		m.CanPostMessages = true // meaningful in channels; Telegram sets it for their admins
	}
	return m
}

func (s *Server) getChatMember(_ *http.Request, p params) (any, *APIError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs, aerr := s.chatLocked(p)
	if aerr != nil {
		return nil, aerr
	}
	uid := p.int64("user_id")
	if uid <= 0 {
		return nil, errp(BadRequest("invalid user_id specified"))
	}
	status, ok := cs.members[uid]
	if !ok {
		if cs.chat.Type == ChatTypePrivate && uid != cs.chat.ID && uid != s.bot.ID {
			return nil, errp(BadRequest("user not found"))
		}
		status = StatusMember
	}
	return s.memberLocked(uid, status), nil
}

func (s *Server) getChatAdministrators(_ *http.Request, p params) (any, *APIError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs, aerr := s.chatLocked(p)
	if aerr != nil {
		return nil, aerr
	}
	if cs.chat.Type == ChatTypePrivate {
		return nil, errp(BadRequest("there are no administrators in the private chat"))
	}
	var ids []int64
	for id, st := range cs.members {
		if st == StatusCreator || st == StatusAdministrator {
			ids = append(ids, id)
		}
	}
	// Creator first, then by id, so answers are stable.
	slices.SortFunc(ids, func(a, b int64) int {
		ca, cb := cs.members[a] == StatusCreator, cs.members[b] == StatusCreator
		switch {
		case ca && !cb:
			return -1
		case cb && !ca:
			return 1
		}
		return int(min(max(a-b, -1), 1))
	})
	out := make([]wireMember, 0, len(ids))
	for _, id := range ids {
		out = append(out, s.memberLocked(id, cs.members[id]))
	}
	return out, nil
}

func (s *Server) setWebhook(_ *http.Request, p params) (any, *APIError) {
	var allowed []string
	_ = json.Unmarshal([]byte(p["allowed_updates"]), &allowed) // absent or malformed means all
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhook = WebhookInfo{URL: p["url"], MaxConnections: p.int("max_connections"),
		AllowedUpdates: allowed, SecretToken: p["secret_token"]}
	if p.bool("drop_pending_updates") {
		s.queue = nil
	}
	s.signalLocked()
	return true, nil
}

func (s *Server) deleteWebhook(_ *http.Request, p params) (any, *APIError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhook = WebhookInfo{}
	if p.bool("drop_pending_updates") {
		s.queue = nil
	}
	s.signalLocked()
	return true, nil
}

func (s *Server) getWebhookInfo(*http.Request, params) (any, *APIError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return struct {
		URL                  string   `json:"url"`
		HasCustomCertificate bool     `json:"has_custom_certificate"`
		PendingUpdateCount   int      `json:"pending_update_count"`
		MaxConnections       int      `json:"max_connections,omitempty"`
		AllowedUpdates       []string `json:"allowed_updates,omitempty"`
	}{URL: s.webhook.URL, PendingUpdateCount: len(s.queue),
		MaxConnections: s.webhook.MaxConnections, AllowedUpdates: s.webhook.AllowedUpdates}, nil
}
