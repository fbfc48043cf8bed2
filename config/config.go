// Package config reads Ajel's settings from the environment (and an optional
// .env file), fills in defaults and checks every value, so that a mistake
// stops the start with one line that says which variable is wrong and how to
// fix it.
//
// Rules every variable follows:
//   - surrounding spaces are trimmed;
//   - a variable that is unset or set to an empty value takes its default,
//     except HTTP_ADDR, where an explicit empty value disables the HTTP server;
//   - secrets (TELEGRAM_BOT_TOKEN, INGEST_TOKEN, WEBHOOK_SECRET) never appear
//     in an error message, in String or in LogValue.
//
// When several variables are wrong, Load reports all of them in one *Error,
// whose message is a single line: "config: A; B; C".
//
// Each variable is declared once, in the table of settings.go: its name,
// default, parser and limits, and one line of help. Load, Default,
// Redacted and the operators' documentation (README.md's table of
// variables and .env.example, written by `go generate ./config`) all read
// that table; the rules between variables follow it.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ajel-news/ajel/news"

	// Embed the IANA zone database so TIMEZONE works on machines (scratch
	// containers, Windows) that have no zoneinfo installed.
	_ "time/tzdata"
)

// Environment variable names. They are a contract with operators (their .env
// files, deployments and scripts) and with the tests outside the code: a name
// never changes. settings (settings.go) says what each one does.
const (
	EnvTelegramToken     = "TELEGRAM_BOT_TOKEN"
	EnvTelegramEndpoint  = "TELEGRAM_API_ENDPOINT"
	EnvDatabasePath      = "DATABASE_PATH"
	EnvFeeds             = "FEEDS"
	EnvPollInterval      = "POLL_INTERVAL"
	EnvHTTPAddr          = "HTTP_ADDR"
	EnvIngestToken       = "INGEST_TOKEN"
	EnvAdminIDs          = "ADMIN_IDS"
	EnvSendRate          = "SEND_RATE"
	EnvTimezone          = "TIMEZONE"
	EnvLogLevel          = "LOG_LEVEL"
	EnvTopicsFile        = "TOPICS_FILE"
	EnvAllowPrivateFeeds = "ALLOW_PRIVATE_FEEDS"
	EnvWebhookURL        = "WEBHOOK_URL"
	EnvPublicURL         = "PUBLIC_URL"
	EnvPollIntervalMax   = "POLL_INTERVAL_MAX"
	EnvWebhookSecret     = "WEBHOOK_SECRET"
	EnvSendConcurrency   = "SEND_CONCURRENCY"
	EnvChannels          = "CHANNELS"
	EnvPaidBroadcastRate = "PAID_BROADCAST_RATE"
	EnvDeliveryRetention = "DELIVERY_RETENTION"
	EnvArticleRetention  = "ARTICLE_RETENTION"
	EnvMaxItemAge        = "MAX_ITEM_AGE"
	EnvAlertAfter        = "ALERT_AFTER"
	EnvAlertDatabaseSize = "ALERT_DATABASE_SIZE"
)

// DefaultTelegramEndpoint is tgbotapi's endpoint format: the token, then the
// method; TELEGRAM_API_ENDPOINT's default.
const DefaultTelegramEndpoint = "https://api.telegram.org/bot%s/%s"

// ErrNoToken is returned by RequireToken; the binary prints it and exits 2.
var ErrNoToken = errors.New("TELEGRAM_BOT_TOKEN is not set: copy .env.example to .env and set TELEGRAM_BOT_TOKEN (from @BotFather), or try `ajel demo` to see Ajel without a token")

// Config is every setting Ajel reads from the environment, parsed and
// checked: each field's variable, default and limits are its entry in
// settings (settings.go). The zero value is not useful; use Load, LoadEnv
// or Default.
type Config struct {
	// TelegramToken is the bot token from @BotFather; empty is allowed by
	// Load (demo and preview need none), RequireToken checks it for run.
	TelegramToken string
	// TelegramEndpoint is a format with two %s: the token, then the method.
	TelegramEndpoint string
	// DatabasePath is the SQLite file.
	DatabasePath string
	// Feeds are http(s) feed URLs added on start, in order, without duplicates.
	Feeds []string
	// FeedOptions are the options a FEEDS entry names after its URL
	// ("fulltext=never"), by URL; a feed whose entry names none is absent
	// (its options stay what they are).
	FeedOptions map[string]news.FeedOptions
	// PollInterval is the shortest time between two polls of a feed (a
	// busy one).
	PollInterval time.Duration
	// PollIntervalMax is the longest (a quiet feed, or one whose hub
	// pushes by WebSub); at least PollInterval.
	PollIntervalMax time.Duration
	// PublicURL is the bot's public base URL (http(s), no query), where
	// WebSub hubs reach its callbacks; from WEBHOOK_URL's origin when
	// unset; "" when neither is set (no WebSub).
	PublicURL string
	// HTTPAddr is host:port for health, metrics and ingest; empty disables.
	HTTPAddr string
	// IngestToken is the bearer token of POST /api/v1/articles; empty turns
	// the endpoint off.
	IngestToken string
	// AdminIDs are Telegram user ids allowed to use admin commands.
	AdminIDs []int64
	// SendRate is messages a second across all chats.
	SendRate float64
	// Timezone is used for quiet hours and dates in messages; never nil
	// after Load.
	Timezone *time.Location
	// LogLevel is the minimum level logged.
	LogLevel slog.Level
	// TopicsFile, when set, replaces the embedded topic catalogue.
	TopicsFile string
	// AllowPrivateFeeds lets /addfeed reach loopback and private addresses.
	AllowPrivateFeeds bool
	// WebhookURL, when set, is the public https URL Telegram posts updates
	// to instead of long polling.
	WebhookURL string
	// WebhookSecret is the secret_token Telegram echoes in the
	// X-Telegram-Bot-Api-Secret-Token header of webhook requests; when empty
	// the bot derives one itself.
	WebhookSecret string
	// SendConcurrency is the most messages in flight at once; a crash can
	// repeat at most these.
	SendConcurrency int
	// Channels map topics to Telegram channels, in the order given; each
	// topic (or "breaking") appears once.
	Channels []Channel
	// PaidBroadcastRate is the most messages a second, free and paid
	// together, for breaking stories sent with allow_paid_broadcast; 0 is
	// off.
	PaidBroadcastRate int
	// DeliveryRetention is how long sent, failed and dropped outbox rows
	// are kept; ArticleRetention how long articles are (their stories go
	// with their last article).
	DeliveryRetention time.Duration
	ArticleRetention  time.Duration
	// MaxItemAge: an item dated further back than this is stored but never
	// pushed (so is one dated in the future beyond a few minutes).
	MaxItemAge time.Duration
	// AlertAfter is how long a feed fails (or its pages, or its WebSub
	// subscription) before admins are told in Telegram.
	AlertAfter time.Duration
	// AlertDatabaseSize is the database size in bytes over which admins
	// are told; 0 is off.
	AlertDatabaseSize int64
}

// Channel is one CHANNELS entry: a topic slug (or "breaking", every
// breaking story) and the channel that gets its stories.
type Channel struct {
	Topic string
	// Username is the channel's public @name without the "@", or "".
	Username string
	// ChatID is the channel's numeric id (-100…) when given as a number.
	ChatID int64
}

// Entry is the entry as written in CHANNELS.
func (c Channel) Entry() string {
	if c.Username != "" {
		return c.Topic + "=@" + c.Username
	}
	return c.Topic + "=" + strconv.FormatInt(c.ChatID, 10)
}

// Chat is how the Bot API names the channel: "@name" or the id.
func (c Channel) Chat() string {
	if c.Username != "" {
		return "@" + c.Username
	}
	return strconv.FormatInt(c.ChatID, 10)
}

// Problem is one invalid variable.
type Problem struct {
	// Variable is the environment variable's name, e.g. "POLL_INTERVAL".
	Variable string
	// Message is the whole sentence, starting with the variable's name,
	// e.g. `POLL_INTERVAL="soon" is not a duration: use a Go duration such as 60s or 5m`.
	Message string
}

// Error lists every invalid variable Load found. Its message is one line.
type Error struct {
	Problems []Problem
}

func (e *Error) Error() string {
	msgs := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		msgs[i] = p.Message
	}
	return "config: " + strings.Join(msgs, "; ")
}

// Default returns the configuration an empty environment yields: every
// setting at its default.
func Default() Config {
	var c Config
	for _, s := range settings(&c) {
		if s.def != "" {
			s.set(s.def, func(format string, args ...any) {
				panic("config: the default of " + s.name + " is wrong: " + s.name + fmt.Sprintf(format, args...))
			})
		}
	}
	return c
}

// Load builds a Config from lookup (os.LookupEnv, or a map in tests): every
// setting at its default, then each variable that is set read in the
// table's order, then the rules between variables. It does not require the
// token: see RequireToken. A non-nil error is an *Error listing every invalid
// variable (each variable's own problems in the table's order, then those
// of the rules), and the returned Config is then the zero value.
func Load(lookup func(string) (string, bool)) (Config, error) {
	c := Default()
	r := reading{read: map[string]bool{}}
	for _, s := range settings(&c) {
		v, ok := lookup(s.name)
		v = strings.TrimSpace(v)
		if !ok || v == "" && !s.emptyIsValue {
			continue // the default
		}
		before := len(r.problems)
		s.set(v, func(format string, args ...any) { r.fail(s.name, format, args...) })
		r.read[s.name] = len(r.problems) == before
	}
	r.rules(&c)
	if len(r.problems) > 0 {
		return Config{}, &Error{Problems: r.problems}
	}
	return c, nil
}

// reading is what Load found: the problems so far, and which variables
// were set (and whether each was valid), for the rules.
type reading struct {
	problems []Problem
	// read has each variable that was set: true when its value was valid.
	read map[string]bool
}

func (r *reading) fail(name, format string, args ...any) {
	r.problems = append(r.problems, Problem{Variable: name, Message: name + fmt.Sprintf(format, args...)})
}

// set reports whether the variable was set (valid or not) rather than
// left at its default.
func (r *reading) set(name string) bool {
	_, set := r.read[name]
	return set
}

// valid reports whether none of names was set to an invalid value: a rule
// comparing variables says nothing about one that already has a problem.
func (r *reading) valid(names ...string) bool {
	for _, n := range names {
		if ok, set := r.read[n]; set && !ok {
			return false
		}
	}
	return true
}

// DefaultWebhookPath is where the webhook is served when WEBHOOK_URL has
// no path of its own.
const DefaultWebhookPath = "/telegram/webhook"

// WebhookPath is the local path Telegram's webhook calls are served at:
// the path of the public WEBHOOK_URL, so a reverse proxy can pass requests
// through unchanged, or DefaultWebhookPath when the URL has none (the proxy
// must then map "/" to it). It is escaped, safe as an http.ServeMux
// pattern. Telegram authenticates with the secret header, not the path, so
// the path needs no secret in it.
func (c Config) WebhookPath() string {
	u, err := url.Parse(c.WebhookURL)
	if err != nil {
		return DefaultWebhookPath
	}
	p := u.EscapedPath()
	if p == "" || p == "/" {
		return DefaultWebhookPath
	}
	return p
}

// RequireToken returns ErrNoToken when TELEGRAM_BOT_TOKEN is empty; `ajel run`
// calls it, demo and preview do not.
func (c Config) RequireToken() error {
	if c.TelegramToken == "" {
		return ErrNoToken
	}
	return nil
}

// IsAdmin reports whether the Telegram user id is listed in ADMIN_IDS.
func (c Config) IsAdmin(userID int64) bool {
	for _, id := range c.AdminIDs {
		if id == userID {
			return true
		}
	}
	return false
}

// Redacted returns the configuration as one line of NAME=value pairs, with
// secrets shown only as "set" or "unset" and passwords in URLs hidden.
func (c Config) Redacted() string {
	var b strings.Builder
	for i, kv := range c.pairs() {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(kv[0])
		b.WriteByte('=')
		b.WriteString(strconv.Quote(kv[1]))
	}
	return b.String()
}

// String is Redacted, so printing a Config with %v never shows a secret.
func (c Config) String() string { return c.Redacted() }

// GoString is Redacted too, so %#v cannot print the token either.
func (c Config) GoString() string { return "config.Config{" + c.Redacted() + "}" }

// LogValue makes slog print the redacted form.
func (c Config) LogValue() slog.Value {
	pairs := c.pairs()
	attrs := make([]slog.Attr, len(pairs))
	for i, kv := range pairs {
		attrs[i] = slog.String(kv[0], kv[1])
	}
	return slog.GroupValue(attrs...)
}

func (c Config) pairs() [][2]string {
	table := settings(&c)
	pairs := make([][2]string, len(table))
	for i, s := range table {
		v := s.show()
		if s.secret {
			v = setOrUnset(v)
		}
		pairs[i] = [2]string{s.name, v}
	}
	return pairs
}

func setOrUnset(s string) string {
	if s == "" {
		return "unset"
	}
	return "set"
}
