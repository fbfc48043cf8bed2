package demo

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/ajel-news/ajel/bot/telegramtest"
)

//go:embed static
var staticFiles embed.FS

// Limits of the chat page's JSON API.
const (
	// MaxRequestBody is the largest body /demo/api/send and /demo/api/press accept.
	MaxRequestBody = 4 << 10
	// MaxTextLen is the longest message the page sends, in characters, as in Telegram.
	MaxTextLen = telegramtest.MaxMessageLength
	// DefaultPollTimeout is how long GET /demo/api/messages waits for news.
	// It stays under the app server's write timeout (request timeout + 20s).
	DefaultPollTimeout = 20 * time.Second

	maxCallbackData = 64  // bytes, Telegram's limit
	maxEntries      = 500 // the transcript keeps the newest ones
	pressAnswerWait = 2 * time.Second
	// inlineWait bounds the wait for the answer to an inline query, and
	// maxInlineQuery its words (Telegram's bound).
	inlineWait     = 5 * time.Second
	maxInlineQuery = 256
	// breakingMarker is in the first line of every pushed story.
	breakingMarker = "أخبار عاجلة"
)

// Entry is one message of the demo chat as the page shows it.
type Entry struct {
	// Seq is the transcript revision that last changed this entry; the page
	// asks for everything after the last Seq it saw.
	Seq int64 `json:"seq"`
	// ID is the Telegram message id in the demo chat.
	ID int `json:"id"`
	// From is "user" or "bot".
	From string `json:"from"`
	// HTML is the message as safe HTML: the user's text escaped, the bot's
	// Telegram HTML passed through SanitizeTelegramHTML.
	HTML string `json:"html"`
	// Text is the text as the reader sees it (tags removed).
	Text string `json:"text"`
	// Keyboard is the inline keyboard under a bot message.
	Keyboard [][]Key `json:"keyboard,omitempty"`
	// Silent is true when the bot sent it without notification.
	Silent bool `json:"silent"`
	// Time is when the message was sent.
	Time time.Time `json:"time"`
	// Edited is true once the bot changed the text (not just the keyboard).
	Edited bool `json:"edited,omitempty"`
	// Deleted is true when the bot deleted the message; the other fields
	// are then empty.
	Deleted bool `json:"deleted,omitempty"`
	// Push is true for a pushed story (its first line says "أخبار عاجلة").
	Push bool `json:"push,omitempty"`
	// Breaking is true for a push marked 🔴.
	Breaking bool `json:"breaking,omitempty"`
	// Head is a push's first line, as plain text.
	Head string `json:"head,omitempty"`
	// BodyHTML is a push without its first line, as safe HTML.
	BodyHTML string `json:"body_html,omitempty"`
	// Preview is the picture of the message's link preview (an http(s)
	// address), shown above the text when PreviewAbove, as Telegram does.
	Preview      string `json:"preview,omitempty"`
	PreviewAbove bool   `json:"preview_above,omitempty"`
	// Via is the bot's username on a message the reader posted through
	// inline mode (From is then "user"), and Inline its
	// inline_message_id, which its buttons are pressed by.
	Via    string `json:"via,omitempty"`
	Inline string `json:"inline,omitempty"`
}

// Key is one inline keyboard button.
type Key struct {
	Text string `json:"text"`
	// Data is the callback data; "" for a link button.
	Data string `json:"data,omitempty"`
	// URL is a link button's http(s) address.
	URL string `json:"url,omitempty"`
	// Share is a share button's query (switch_inline_query): the page
	// types "@bot query" and opens its inline list.
	Share *string `json:"share,omitempty"`
}

// ChatPage serves a Telegram-like chat page for one demo chat and the JSON
// API behind it, talking to the fake Bot API server. Mount it at "/": it
// answers "/", "/static/…" and "/demo/api/…" and 404 to anything else.
type ChatPage struct {
	// PollTimeout is how long a long poll waits for news (default
	// DefaultPollTimeout). Set it before serving.
	PollTimeout time.Duration

	tg     *telegramtest.Server
	chat   telegramtest.Chat
	user   telegramtest.User
	log    *slog.Logger
	mux    *http.ServeMux
	csrf   *http.CrossOriginProtection
	cancel func()

	mu        sync.Mutex
	entries   []*Entry
	byID      map[int]*Entry
	seq       int64
	changed   chan struct{} // closed and replaced on every change
	done      chan struct{} // closed by Close
	closed    bool
	listeners map[int]func(Entry)
	lastLis   int
	waiting   int // long polls waiting for news
}

// NewChatPage records the conversation between user and the bot in chat
// from now on: the bot's messages as the fake server reports them, and the
// user's as they are sent through the page or Say. Call Close when done.
func NewChatPage(tg *telegramtest.Server, chat telegramtest.Chat, user telegramtest.User, logger *slog.Logger) *ChatPage {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	p := &ChatPage{
		PollTimeout: DefaultPollTimeout,
		tg:          tg,
		chat:        chat,
		user:        user,
		log:         logger,
		csrf:        http.NewCrossOriginProtection(),
		byID:        map[int]*Entry{},
		changed:     make(chan struct{}),
		done:        make(chan struct{}),
		listeners:   map[int]func(Entry){},
	}
	static, err := fs.Sub(staticFiles, "static")
	if err != nil {
		panic("demo: embedded static files missing: " + err.Error()) // a build error, caught by every test
	}
	p.mux = http.NewServeMux()
	p.mux.HandleFunc("GET /{$}", p.index)
	p.mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	p.mux.HandleFunc("/demo/api/messages", only(http.MethodGet, p.messages))
	p.mux.HandleFunc("/demo/api/send", only(http.MethodPost, p.send))
	p.mux.HandleFunc("/demo/api/press", only(http.MethodPost, p.press))
	p.mux.HandleFunc("/demo/api/inline", only(http.MethodPost, p.inline))
	p.mux.HandleFunc("/demo/api/choose", only(http.MethodPost, p.choose))
	p.mux.HandleFunc("/demo/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such API")
	})
	p.cancel = tg.OnEvent(p.onEvent)
	return p
}

// Close stops recording and ends the running long polls at once (so a
// server shutdown need not wait for them). The page keeps answering.
func (p *ChatPage) Close() {
	p.cancel()
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.closed {
		p.closed = true
		close(p.done)
	}
}

// OnMessage calls fn with every new, edited or deleted entry of the
// transcript, the user's and the bot's, after it is recorded. fn runs in
// the goroutine that made the change, possibly several at once; it must be
// quick. The returned func unsubscribes.
func (p *ChatPage) OnMessage(fn func(Entry)) (cancel func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lastLis++
	id := p.lastLis
	p.listeners[id] = fn
	return func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		delete(p.listeners, id)
	}
}

// Say sends text into the chat as the demo user, exactly as if it had been
// typed on the page, and returns the recorded entry.
func (p *ChatPage) Say(text string) Entry {
	p.mu.Lock()
	// Sending while holding mu keeps the user's message ahead of the bot's
	// answer in the transcript: the answer's event waits for mu.
	upd := p.tg.SendText(p.chat, p.user, text)
	e := &Entry{
		ID: upd.MessageID, From: "user", HTML: html.EscapeString(text), Text: text,
		Time: time.Now(),
	}
	out, fns := p.recordLocked(e)
	p.mu.Unlock()
	notify(fns, out)
	return out
}

// Waiting reports how many of the page's long polls are waiting for a new
// message (tests wait for one before they change the transcript).
func (p *ChatPage) Waiting() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.waiting
}

// Entries returns the transcript as it stands, oldest first, without
// deleted messages.
func (p *ChatPage) Entries() []Entry {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]Entry, 0, len(p.entries))
	for _, e := range p.entries {
		if !e.Deleted {
			out = append(out, *e)
		}
	}
	return out
}

func (p *ChatPage) onEvent(ev telegramtest.Event) {
	m := ev.Message
	if m.ChatID != p.chat.ID {
		return
	}
	p.mu.Lock()
	var e *Entry
	switch ev.Kind {
	case telegramtest.EventSent, telegramtest.EventEdited:
		e = botEntry(m)
		if m.InlineMessageID != "" {
			// The reader posted it through inline mode, "via @bot".
			e.From, e.Via, e.Inline = "user", p.tg.Bot().Username, m.InlineMessageID
		}
		// Telegram marks a message edited when its text changes, not
		// when only its keyboard does (a ✅ toggling).
		e.Edited = false
		if old, ok := p.byID[m.ID]; ok && ev.Kind == telegramtest.EventEdited {
			e.Edited = old.Edited || old.HTML != e.HTML
		}
	case telegramtest.EventDeleted:
		e = &Entry{ID: m.ID, From: "bot", Deleted: true, Time: m.Date}
	default:
		p.mu.Unlock()
		return
	}
	out, fns := p.recordLocked(e)
	p.mu.Unlock()
	notify(fns, out)
}

// recordLocked adds e or replaces the entry with its id, gives it the next
// seq and wakes the long polls. It returns a copy and the listeners to call
// once mu is released.
func (p *ChatPage) recordLocked(e *Entry) (Entry, []func(Entry)) {
	p.seq++
	e.Seq = p.seq
	if old, ok := p.byID[e.ID]; ok {
		*old = *e
		e = old
	} else {
		p.entries = append(p.entries, e)
		p.byID[e.ID] = e
		if over := len(p.entries) - maxEntries; over > 0 {
			for _, gone := range p.entries[:over] {
				delete(p.byID, gone.ID)
			}
			p.entries = append(p.entries[:0:0], p.entries[over:]...)
		}
	}
	close(p.changed)
	p.changed = make(chan struct{})
	fns := make([]func(Entry), 0, len(p.listeners))
	for _, fn := range p.listeners {
		fns = append(fns, fn)
	}
	return *e, fns
}

func notify(fns []func(Entry), e Entry) {
	for _, fn := range fns {
		fn(e)
	}
}

// botEntry renders a bot message for the page.
func botEntry(m telegramtest.Message) *Entry {
	isHTML := strings.EqualFold(m.ParseMode, "HTML")
	render := html.EscapeString
	if isHTML {
		render = SanitizeTelegramHTML
	}
	e := &Entry{
		ID: m.ID, From: "bot", HTML: render(m.Text), Text: m.PlainText,
		Silent: m.DisableNotification, Time: m.Date,
		Preview: safeHref(m.Preview.URL), PreviewAbove: m.Preview.ShowAboveText,
	}
	if head, _, _ := strings.Cut(m.PlainText, "\n"); strings.Contains(head, breakingMarker) {
		e.Push = true
		e.Head = strings.TrimSpace(head)
		e.Breaking = strings.Contains(head, "🔴")
		_, rest, _ := strings.Cut(m.Text, "\n")
		e.BodyHTML = render(rest)
	}
	for _, row := range m.Keyboard {
		var keys []Key
		for _, b := range row {
			k := Key{Text: b.Text, Data: b.CallbackData, URL: safeHref(b.URL), Share: b.SwitchInlineQuery}
			if k.Data == "" && k.URL == "" && k.Share == nil {
				continue // nothing the page can do with it
			}
			keys = append(keys, k)
		}
		if len(keys) > 0 {
			e.Keyboard = append(e.Keyboard, keys)
		}
	}
	return e
}

// ServeHTTP serves the page, its assets and its API.
func (p *ChatPage) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	// The page loads nothing from elsewhere and runs no inline script, so
	// even a sanitizer bug could not run injected code.
	// Pictures of the stories come from the demo's feed server, on
	// loopback too.
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; "+
		"img-src 'self' data: http://127.0.0.1:*; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	p.mux.ServeHTTP(w, r)
}

func (p *ChatPage) index(w http.ResponseWriter, r *http.Request) {
	page, err := staticFiles.ReadFile("static/index.html")
	if err != nil {
		http.Error(w, "demo: page missing", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(page) // a client gone away is not our error
}

// messagesResponse is the answer of GET /demo/api/messages.
type messagesResponse struct {
	Messages []Entry `json:"messages"`
	// Last is the newest seq; ask for after=Last next.
	Last int64 `json:"last"`
	// Reset tells the page to drop what it shows: the transcript it knew
	// is gone (the demo restarted) and Messages is the whole of the new one.
	Reset bool `json:"reset,omitempty"`
	// Bot is the bot's username, which "@bot words" starts with (inline mode).
	Bot string `json:"bot"`
}

// messages answers the entries changed after the seq in ?after=, waiting
// up to PollTimeout for one when there is none yet.
func (p *ChatPage) messages(w http.ResponseWriter, r *http.Request) {
	after := int64(0)
	if v := r.URL.Query().Get("after"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			writeError(w, http.StatusBadRequest, "after must be a number ≥ 0")
			return
		}
		after = n
	}
	wait := p.PollTimeout
	if wait <= 0 {
		wait = DefaultPollTimeout
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		p.mu.Lock()
		resp := messagesResponse{Messages: []Entry{}, Last: p.seq, Bot: p.tg.Bot().Username}
		if after > p.seq {
			resp.Reset, after = true, 0
		}
		for _, e := range p.entries {
			// A first load has no use for deletions.
			if e.Seq > after && (after > 0 || !e.Deleted) {
				resp.Messages = append(resp.Messages, *e)
			}
		}
		changed, done := p.changed, p.done
		answer := len(resp.Messages) > 0 || resp.Reset
		if !answer {
			p.waiting++
		}
		p.mu.Unlock()
		if answer {
			writeJSON(w, http.StatusOK, resp)
			return
		}
		// Which of the four ended the wait, so that the count of waiting
		// polls is right before anything is answered.
		var changedFired, timedOut, stopped bool
		select {
		case <-changed:
			changedFired = true
		case <-timer.C:
			timedOut = true
		case <-done:
			stopped = true
		case <-r.Context().Done():
		}
		p.mu.Lock()
		p.waiting--
		p.mu.Unlock()
		switch {
		case changedFired:
			continue
		case timedOut:
			writeJSON(w, http.StatusOK, resp)
		case stopped:
			// The page backs off on errors, so it will not spin while
			// the server shuts down.
			writeError(w, http.StatusServiceUnavailable, "the demo has stopped")
		}
		return
	}
}

type sendRequest struct {
	Text string `json:"text"`
}

// send handles POST /demo/api/send {"text": "..."}.
func (p *ChatPage) send(w http.ResponseWriter, r *http.Request) {
	var req sendRequest
	if !p.decode(w, r, &req) {
		return
	}
	text := strings.TrimSpace(req.Text)
	switch n := utf8.RuneCountInString(text); {
	case n == 0:
		writeError(w, http.StatusBadRequest, "text is empty")
		return
	case n > MaxTextLen:
		writeError(w, http.StatusBadRequest, fmt.Sprintf("text is longer than %d characters", MaxTextLen))
		return
	}
	e := p.Say(text)
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "message": e})
}

type pressRequest struct {
	MessageID int    `json:"message_id"`
	Data      string `json:"data"`
}

// press handles POST /demo/api/press {"message_id": N, "data": "..."}: the
// button must be on that bot message as the transcript holds it.
func (p *ChatPage) press(w http.ResponseWriter, r *http.Request) {
	var req pressRequest
	if !p.decode(w, r, &req) {
		return
	}
	if req.MessageID <= 0 || req.Data == "" || len(req.Data) > maxCallbackData {
		writeError(w, http.StatusBadRequest, "message_id and data (at most 64 bytes) are required")
		return
	}
	if !p.hasButton(req.MessageID, req.Data) {
		writeError(w, http.StatusBadRequest, "no such button on that message")
		return
	}
	var upd telegramtest.Update
	var err error
	if inline := p.inlineID(req.MessageID); inline != "" {
		upd, err = p.tg.PressInlineButton(p.user, inline, req.Data)
	} else {
		upd, err = p.tg.PressButton(p.chat, p.user, req.MessageID, req.Data)
	}
	if err != nil {
		// The bot deleted the message in between.
		writeError(w, http.StatusBadRequest, "the message is gone")
		return
	}
	// Telegram shows the bot's callback answer as a toast: wait briefly for it.
	ctx, cancel := context.WithTimeout(r.Context(), pressAnswerWait)
	defer cancel()
	var ans telegramtest.CallbackAnswer
	_ = p.tg.WaitFor(ctx, func() bool { // a bot that does not answer is allowed
		var ok bool
		ans, ok = p.tg.CallbackAnswer(upd.CallbackQueryID)
		return ok
	})
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "answer": ans.Text, "alert": ans.ShowAlert})
}

func (p *ChatPage) hasButton(id int, data string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	e, ok := p.byID[id]
	if !ok || (e.From != "bot" && e.Inline == "") || e.Deleted {
		return false
	}
	for _, row := range e.Keyboard {
		for _, k := range row {
			if k.Data == data {
				return true
			}
		}
	}
	return false
}

// inlineID is the inline_message_id of an entry the reader posted through
// inline mode ("" for any other).
func (p *ChatPage) inlineID(id int) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if e, ok := p.byID[id]; ok {
		return e.Inline
	}
	return ""
}

// inlineResult is one story of the page's inline list.
type inlineResult struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Thumb       string `json:"thumb,omitempty"`
}

// inline handles POST /demo/api/inline {"text": "@bot words"}: Telegram's
// inline picker as a list. Text that does not start with the bot's
// @username is not an inline query ({"inline": false}); otherwise the
// words go to the bot as the reader's inline query, and its answer comes
// back (empty after inlineWait).
func (p *ChatPage) inline(w http.ResponseWriter, r *http.Request) {
	var req sendRequest
	if !p.decode(w, r, &req) {
		return
	}
	text := strings.TrimSpace(req.Text)
	bot := "@" + p.tg.Bot().Username
	head, query, _ := strings.Cut(text, " ")
	if !strings.EqualFold(head, bot) || utf8.RuneCountInString(query) > maxInlineQuery {
		writeJSON(w, http.StatusOK, map[string]any{"inline": false})
		return
	}
	upd := p.tg.SendInlineQuery(p.user, strings.TrimSpace(query), "sender")
	ctx, cancel := context.WithTimeout(r.Context(), inlineWait)
	defer cancel()
	var ans telegramtest.InlineAnswer
	_ = p.tg.WaitFor(ctx, func() bool { // no answer in time: an empty list
		var ok bool
		ans, ok = p.tg.InlineAnswer(upd.InlineQueryID)
		return ok
	})
	results := []inlineResult{}
	for _, res := range ans.Results {
		results = append(results, inlineResult{ID: res.ID, Title: res.Title, Description: res.Description, Thumb: safeHref(res.ThumbnailURL)})
	}
	resp := map[string]any{"inline": true, "query_id": upd.InlineQueryID, "results": results}
	if ans.Button != nil {
		resp["button"] = ans.Button.Text
	}
	writeJSON(w, http.StatusOK, resp)
}

type chooseRequest struct {
	QueryID  string `json:"query_id"`
	ResultID string `json:"result_id"`
}

// choose handles POST /demo/api/choose {"query_id": "...", "result_id":
// "..."}: the reader picks a story of the inline list, which is posted into
// the chat via the bot.
func (p *ChatPage) choose(w http.ResponseWriter, r *http.Request) {
	var req chooseRequest
	if !p.decode(w, r, &req) {
		return
	}
	if _, err := p.tg.ChooseInlineResult(p.chat, req.QueryID, req.ResultID); err != nil {
		writeError(w, http.StatusBadRequest, "no such result")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true})
}

// decode checks a POST is same-origin JSON of bounded size and decodes it
// strictly into v, answering the error itself when it is not.
func (p *ChatPage) decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := p.csrf.Check(r); err != nil {
		p.log.Warn("demo: refused a cross-origin request", "path", r.URL.Path, "origin", r.Header.Get("Origin"))
		writeError(w, http.StatusForbidden, "cross-origin requests are not allowed")
		return false
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		writeError(w, http.StatusUnsupportedMediaType, "Content-Type must be application/json")
		return false
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxRequestBody))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if err = dec.Decode(&struct{}{}); err == io.EOF {
			err = nil
		} else if mbe := (*http.MaxBytesError)(nil); !errors.As(err, &mbe) {
			err = errors.New("trailing data after the JSON object")
		}
	}
	if err != nil {
		if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
			writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("body larger than %d bytes", MaxRequestBody))
			return false
		}
		writeError(w, http.StatusBadRequest, "bad JSON: "+err.Error())
		return false
	}
	return true
}

// only answers 405 in JSON to any method but method (GET allows HEAD).
func only(method string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != method && !(method == http.MethodGet && r.Method == http.MethodHead) {
			w.Header().Set("Allow", method)
			writeError(w, http.StatusMethodNotAllowed, "use "+method)
			return
		}
		h(w, r)
	}
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v) // a client gone away is not our error
}

func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"error": msg})
}

// safeHref returns the link as an absolute http or https URL, or "" when it
// is anything else (javascript:, data:, relative, malformed).
func safeHref(href string) string {
	href = strings.TrimSpace(href)
	u, err := url.Parse(href)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}
