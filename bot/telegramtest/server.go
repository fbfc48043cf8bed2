// Package telegramtest is an in-process fake of the Telegram Bot API for
// tests and for `ajel demo`.
//
// It serves /bot<token>/<method> the way api.telegram.org does (form,
// multipart or JSON parameters; the {"ok":...} envelope; Telegram's error
// codes and wording), keeps the chats and the messages the bot left in them,
// lets a test act as users (SendText, PressButton, …) whose updates the bot
// receives by long polling, records every call, and injects failures, latency
// and Telegram's flood limits on demand. It uses only the standard library.
//
// The Server's methods fall into four concerns, a file each:
//
//   - Bot API emulation (api.go, limits.go, html.go): what the bot calls;
//     server.go starts and configures it (WithLatency, WithRateLimits…).
//   - The simulated world (world.go, users.go, forum.go): chats, members,
//     blocked and migrated chats, forum threads, and users who send text
//     and press buttons (SendText, PressButton…).
//   - Fault injection (faults.go, errors.go): FailNext, FailAlways, Slow.
//   - Assertions (inspect.go): Sent, CallsTo, Stats, WaitFor, OnMessage….
package telegramtest

import (
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

// WithoutInlineMode makes getMe say the bot does not support inline
// queries, as before its operator enables inline mode with @BotFather's
// /setinline (by default it does).
func WithoutInlineMode() Option {
	return func(s *Server) { s.noInline = true }
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
	noInline    bool
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
	// Inline mode (inline.go): queries and their answers, and the
	// messages posted through inline mode by their inline_message_id.
	inlineQueries map[string]*inlineQueryState
	lastInline    int
	inlineMsgs    map[string]*Message
	lastInlineMsg int
	sentTimes     []time.Time
	stats         Stats
	inFlight      int // calls being answered, long polls aside
	webhook       WebhookInfo
	commands      map[string][]BotCommand
	global        *bucket
	paid          *bucket
	subs          []subscriber
	lastSub       int
	srv           *http.Server
	url           string
	// files are the documents users sent, by file_id, and their paths.
	files    map[string]*storedFile
	lastFile int

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
		token:         token,
		now:           time.Now,
		logger:        slog.New(slog.DiscardHandler),
		addr:          "127.0.0.1:0",
		chats:         map[int64]*chatState{},
		usernames:     map[string]int64{},
		users:         map[int64]User{},
		updCh:         make(chan struct{}),
		changeCh:      make(chan struct{}),
		callCount:     map[string]int{},
		callbacks:     map[string]*callbackState{},
		inlineQueries: map[string]*inlineQueryState{},
		inlineMsgs:    map[string]*Message{},
		commands:      map[string][]BotCommand{},
		files:         map[string]*storedFile{},
		done:          make(chan struct{}),
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
