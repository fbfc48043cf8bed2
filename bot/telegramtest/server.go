// Package telegramtest is an in-process fake of the Telegram Bot API for
// tests and for `ajel demo`.
//
// It serves /bot<token>/<method> the way api.telegram.org does (form,
// multipart or JSON parameters; the {"ok":...} envelope; Telegram's error
// codes and wording), keeps the chats and the messages the bot left in them,
// lets a test act as users (SendText, PressButton, …) whose updates the bot
// receives by long polling, records every call, and injects failures, latency
// and Telegram's flood limits on demand. It uses only the standard library.
package telegramtest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultBotUsername is the bot's username unless WithBotUsername says otherwise.
const DefaultBotUsername = "ajel_test_bot"

// Option configures a Server.
type Option func(*Server)

// WithBotUsername sets the username getMe answers.
func WithBotUsername(username string) Option {
	return func(s *Server) { s.bot.Username = username }
}

// WithBotID sets the bot's user id (by default the number before ':' in
// the token, or 1000000001).
func WithBotID(id int64) Option {
	return func(s *Server) { s.bot.ID = id }
}

// WithClock replaces time.Now for message dates, call times and the rate
// limiter (long-poll timeouts and latency still use real time).
func WithClock(now func() time.Time) Option {
	return func(s *Server) { s.now = now }
}

// WithRateLimits makes the server answer 429 to send methods beyond these
// limits (see DefaultRateLimits).
func WithRateLimits(l RateLimits) Option {
	return func(s *Server) { s.limits = &l }
}

// WithLatency delays every answer by d (the request's context still ends
// the wait), as a round trip to Telegram from a server does (50–300 ms).
func WithLatency(d time.Duration) Option {
	return func(s *Server) { s.latency = d }
}

// WithJitter adds to each answer's delay a random extra of up to d, so
// answers come back in a different order than the calls went out, as
// over a real network.
func WithJitter(d time.Duration) Option {
	return func(s *Server) { s.jitter = d }
}

// WithStrictChats makes calls to chats the server has not seen (through
// AddChat or a user action) answer 400 "chat not found". By default unknown
// chat ids are created on first use: positive ids as private chats, ids below
// -1000000000000 as supergroups, other negative ids as groups.
func WithStrictChats() Option {
	return func(s *Server) { s.strictChats = true }
}

// WithLogger logs every call at debug level (method, chat, answer; never the token).
func WithLogger(l *slog.Logger) Option {
	return func(s *Server) { s.logger = l }
}

// WithAddr sets the address Start listens on (default "127.0.0.1:0").
func WithAddr(addr string) Option {
	return func(s *Server) { s.addr = addr }
}

// Server is a fake Bot API server. All methods are safe for concurrent use.
type Server struct {
	token       string
	bot         User
	now         func() time.Time
	limits      *RateLimits
	latency     time.Duration
	jitter      time.Duration
	strictChats bool
	logger      *slog.Logger
	addr        string

	rules rules

	mu           sync.Mutex
	chats        map[int64]*chatState
	usernames    map[string]int64
	users        map[int64]User
	queue        []queued
	lastUpdateID int
	updCh        chan struct{} // closed when an update is queued
	changeCh     chan struct{} // closed on any change, for WaitFor
	pollKick     chan struct{} // closed to end the running long poll with 409
	polling      int           // getUpdates calls waiting for an update
	calls        []Call
	callCount    map[string]int
	callbacks    map[string]*callbackState
	lastCallback int
	sentTimes    []time.Time
	stats        Stats
	inFlight     int // calls being answered, long polls aside
	webhook      WebhookInfo
	commands     map[string][]BotCommand
	global       *bucket
	paid         *bucket
	subs         []subscriber
	lastSub      int
	srv          *http.Server
	url          string

	emitMu    sync.Mutex // serializes subscriber callbacks
	done      chan struct{}
	closeOnce sync.Once
}

type subscriber struct {
	id int
	fn func(Event)
}

type chatState struct {
	chat       Chat
	threads    map[int]bool // forum topic threads that exist
	lastMsgID  int
	msgs       []*Message  // the bot's messages in order; nil once deleted
	index      map[int]int // message id -> position in msgs
	total      int
	blocked    bool
	migratedTo int64
	members    map[int64]string
	limiter    *bucket
}

type callbackState struct {
	answered bool
	answer   CallbackAnswer
}

type queued struct {
	id  int
	raw []byte
}

// New returns a server for this token. It is not listening yet: call Start,
// or mount Handler in a server of your own.
func New(token string, opts ...Option) *Server {
	s := &Server{
		token:     token,
		now:       time.Now,
		logger:    slog.New(slog.DiscardHandler),
		addr:      "127.0.0.1:0",
		chats:     map[int64]*chatState{},
		usernames: map[string]int64{},
		users:     map[int64]User{},
		updCh:     make(chan struct{}),
		changeCh:  make(chan struct{}),
		callCount: map[string]int{},
		callbacks: map[string]*callbackState{},
		commands:  map[string][]BotCommand{},
		done:      make(chan struct{}),
	}
	s.bot = User{ID: botIDFromToken(token), IsBot: true, FirstName: "Ajel Test", Username: DefaultBotUsername}
	for _, o := range opts {
		o(s)
	}
	if s.limits != nil && s.limits.Global > 0 {
		s.global = newBucket(s.limits.Global, s.limits.GlobalBurst, s.now())
	}
	if s.limits != nil {
		paid := s.limits.Paid
		if paid <= 0 {
			paid = 1000
		}
		s.paid = newBucket(paid, int(paid), s.now())
	}
	return s
}

// TB is the part of testing.TB that NewTest uses.
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
	Cleanup(func())
}

// NewTest returns a started server that closes when the test ends.
func NewTest(tb TB, token string, opts ...Option) *Server {
	tb.Helper()
	s := New(token, opts...)
	if err := s.Start(); err != nil {
		tb.Fatalf("telegramtest: %v", err)
	}
	tb.Cleanup(s.Close)
	return s
}

func botIDFromToken(token string) int64 {
	if head, _, ok := strings.Cut(token, ":"); ok {
		if id, err := strconv.ParseInt(head, 10, 64); err == nil && id > 0 {
			return id
		}
	}
	return 1000000001
}

// Start listens on 127.0.0.1 at a random port (or WithAddr) and serves.
func (s *Server) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv != nil {
		return errors.New("telegramtest: start: already started")
	}
	select {
	case <-s.done:
		return errors.New("telegramtest: start: server closed")
	default:
	}
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		return fmt.Errorf("telegramtest: start: %w", err)
	}
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	s.url = "http://" + ln.Addr().String()
	go func() { _ = s.srv.Serve(ln) }() // Serve returns ErrServerClosed after Close
	return nil
}

// Close stops the listener, ends running long polls and drops connections.
// It is safe to call more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		s.mu.Lock()
		srv := s.srv
		s.mu.Unlock()
		if srv != nil {
			_ = srv.Close() // only reports listener close errors, nothing to do about them
		}
	})
}

// Handler returns the server's http.Handler (the server itself), for
// mounting without Start.
func (s *Server) Handler() http.Handler { return s }

// URL is the base URL, like "http://127.0.0.1:41234"; "" before Start.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.url
}

// Endpoint is the tgbotapi endpoint format, "http://127.0.0.1:port/bot%s/%s";
// "" before Start.
func (s *Server) Endpoint() string {
	u := s.URL()
	if u == "" {
		return ""
	}
	return u + "/bot%s/%s"
}

// Token is the token the server accepts.
func (s *Server) Token() string { return s.token }

// Bot is the bot's own user, as getMe answers it.
func (s *Server) Bot() User { return s.bot }

// ---- rules and failure injection ----

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

// ---- chats ----

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

// ---- reading what the bot did ----

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

func (s *Server) emit(ev Event) {
	s.mu.Lock()
	subs := s.subs
	s.mu.Unlock()
	if len(subs) == 0 {
		return
	}
	s.emitMu.Lock()
	defer s.emitMu.Unlock()
	for _, sub := range subs {
		sub.fn(ev)
	}
}

// signalLocked wakes WaitFor callers.
func (s *Server) signalLocked() {
	close(s.changeCh)
	s.changeCh = make(chan struct{})
}
