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
package config

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ajel-news/ajel/news"

	// Embed the IANA zone database so TIMEZONE works on machines (scratch
	// containers, Windows) that have no zoneinfo installed.
	_ "time/tzdata"
)

// Environment variable names: the contract in DESIGN.md's environment table,
// plus WEBHOOK_SECRET.
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
)

// Defaults and limits.
const (
	// DefaultTelegramEndpoint is tgbotapi's endpoint format: token, then method.
	DefaultTelegramEndpoint = "https://api.telegram.org/bot%s/%s"
	DefaultDatabasePath     = "ajel.db"
	DefaultPollInterval     = 60 * time.Second
	// DefaultPollIntervalMax is the longest a quiet feed waits between
	// polls (and how often one that pushes by WebSub is polled anyway).
	DefaultPollIntervalMax = 15 * time.Minute
	// MinPollInterval keeps a typo ("1ms") from hammering every source.
	MinPollInterval = time.Second
	// MaxPollInterval keeps a typo ("60h" for "60s") from silencing every
	// source for days.
	MaxPollInterval = 24 * time.Hour
	// DefaultDeliveryRetention is how long sent, failed and dropped outbox
	// rows are kept: a week (edits and follow-ups need two days).
	DefaultDeliveryRetention = 7 * 24 * time.Hour
	// DefaultArticleRetention is how long articles are kept: /search and
	// /latest look that far back.
	DefaultArticleRetention = 30 * 24 * time.Hour
	// DefaultMaxItemAge: an item older than this by its own date is stored
	// but never pushed.
	DefaultMaxItemAge = 24 * time.Hour
	// MinRetention is the shortest DELIVERY_RETENTION, ARTICLE_RETENTION or
	// MAX_ITEM_AGE (tests use it).
	MinRetention    = time.Hour
	DefaultHTTPAddr = "127.0.0.1:8080"
	DefaultSendRate = 25.0
	// MaxSendRate is Telegram's limit: about 30 messages a second per bot
	// across all chats; above it Telegram answers 429.
	MaxSendRate = 30.0
	// DefaultSendConcurrency keeps SEND_RATE with round trips up to about
	// half a second (25/s × 0.5 s ≈ 13 in flight).
	DefaultSendConcurrency = 16
	// MaxSendConcurrency bounds what a crash can repeat.
	MaxSendConcurrency = 100
	// MaxPaidBroadcastRate is Telegram's ceiling for allow_paid_broadcast.
	MaxPaidBroadcastRate = 1000
)

// ErrNoToken is returned by RequireToken; the binary prints it and exits 2.
var ErrNoToken = errors.New("TELEGRAM_BOT_TOKEN is not set: copy .env.example to .env and set TELEGRAM_BOT_TOKEN (from @BotFather), or try `ajel demo` to see Ajel without a token")

// Config is every setting Ajel reads from the environment, parsed and
// checked. The zero value is not useful; use Load, LoadEnv or Default.
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
	// busy one); at least MinPollInterval.
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
	// SendRate is messages a second across all chats, in (0, MaxSendRate].
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
	// SendConcurrency is the most messages in flight at once, 1 to
	// MaxSendConcurrency; a crash can repeat at most these.
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
	// with their last article). Both at least MinRetention.
	DeliveryRetention time.Duration
	ArticleRetention  time.Duration
	// MaxItemAge: an item dated further back than this is stored but never
	// pushed (so is one dated in the future beyond a few minutes).
	MaxItemAge time.Duration
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

// Default returns the configuration an empty environment yields.
func Default() Config {
	return Config{
		TelegramEndpoint: DefaultTelegramEndpoint,
		DatabasePath:     DefaultDatabasePath,
		PollInterval:     DefaultPollInterval,
		PollIntervalMax:  DefaultPollIntervalMax,
		HTTPAddr:         DefaultHTTPAddr,
		SendRate:         DefaultSendRate,
		SendConcurrency:  DefaultSendConcurrency,
		Timezone:         time.UTC,

		DeliveryRetention: DefaultDeliveryRetention,
		ArticleRetention:  DefaultArticleRetention,
		MaxItemAge:        DefaultMaxItemAge,
		LogLevel:          slog.LevelInfo,
	}
}

// parser collects problems so that all of them are reported at once.
type parser struct {
	lookup   func(string) (string, bool)
	problems []Problem
}

// get returns the trimmed value and whether it is set and non-empty.
func (p *parser) get(name string) (string, bool) {
	v, ok := p.lookup(name)
	v = strings.TrimSpace(v)
	return v, ok && v != ""
}

func (p *parser) fail(name, format string, args ...any) {
	p.problems = append(p.problems, Problem{Variable: name, Message: name + fmt.Sprintf(format, args...)})
}

// Load builds a Config from lookup (os.LookupEnv, or a map in tests),
// applying defaults and checking every variable. It does not require the
// token: see RequireToken. A non-nil error is an *Error listing every invalid
// variable, and the returned Config is then the zero value.
func Load(lookup func(string) (string, bool)) (Config, error) {
	p := &parser{lookup: lookup}
	c := Default()

	if v, ok := p.get(EnvTelegramToken); ok {
		if checkToken(v) {
			c.TelegramToken = v
		} else {
			// The value is a secret: say what is wrong without printing it.
			p.fail(EnvTelegramToken, " is not a bot token: it looks like 123456789:AAH… (digits, a colon, then letters, digits, _ and -) with no spaces or other characters inside; copy it again from @BotFather")
		}
	}
	if v, ok := p.get(EnvTelegramEndpoint); ok {
		switch ok, port := checkEndpoint(v); {
		case ok:
			c.TelegramEndpoint = v
		case port != "":
			p.fail(EnvTelegramEndpoint, "=%q has port %s: a port is a number from 1 to 65535", v, port)
		default:
			p.fail(EnvTelegramEndpoint, "=%q must be an http(s) URL format with two %%s (the token, then the method), like %s", v, DefaultTelegramEndpoint)
		}
	}
	if v, ok := p.get(EnvDatabasePath); ok {
		c.DatabasePath = v
	}
	if v, ok := p.get(EnvFeeds); ok {
		c.Feeds, c.FeedOptions = p.feeds(v)
	}
	if v, ok := p.get(EnvPollInterval); ok {
		d, err := time.ParseDuration(v)
		switch {
		case err != nil:
			p.fail(EnvPollInterval, "=%q is not a duration: use a Go duration such as 60s or 5m", v)
		case d < MinPollInterval:
			p.fail(EnvPollInterval, "=%q is too short: use at least 1s, such as 60s or 5m", v)
		case d > MaxPollInterval:
			p.fail(EnvPollInterval, "=%q is too long: use at most 24h, such as 60s or 5m", v)
		default:
			c.PollInterval = d
		}
	}
	maxSet := false
	if v, ok := p.get(EnvPollIntervalMax); ok {
		d, err := time.ParseDuration(v)
		switch {
		case err != nil:
			p.fail(EnvPollIntervalMax, "=%q is not a duration: use a Go duration such as 15m or 1h", v)
		case d > MaxPollInterval:
			p.fail(EnvPollIntervalMax, "=%q is too long: use at most 24h, such as 15m or 1h", v)
		default:
			c.PollIntervalMax, maxSet = d, true
		}
	}
	if c.PollIntervalMax < c.PollInterval {
		if maxSet {
			p.fail(EnvPollIntervalMax, "=%s is shorter than %s=%s: the longest interval between polls must be at least the shortest", c.PollIntervalMax, EnvPollInterval, c.PollInterval)
		} else {
			c.PollIntervalMax = c.PollInterval // a long POLL_INTERVAL alone: polls are fixed
		}
	}
	if v, ok := p.lookup(EnvHTTPAddr); ok {
		// An explicit empty value disables the server, so it is not a default.
		v = strings.TrimSpace(v)
		if v == "" || checkHostPort(v) {
			c.HTTPAddr = v
		} else {
			p.fail(EnvHTTPAddr, "=%q is not host:port: use an address such as 127.0.0.1:8080 or :8080, or leave it empty to disable the HTTP server", v)
		}
	}
	c.IngestToken, _ = p.get(EnvIngestToken)
	if v, ok := p.get(EnvAdminIDs); ok {
		c.AdminIDs = p.adminIDs(v)
	}
	if v, ok := p.get(EnvSendRate); ok {
		r, err := strconv.ParseFloat(v, 64)
		if err != nil || !(r > 0 && r <= MaxSendRate) {
			p.fail(EnvSendRate, "=%q must be a number above 0 and at most 30 (messages a second; Telegram allows about 30)", v)
		} else {
			c.SendRate = r
		}
	}
	if v, ok := p.get(EnvSendConcurrency); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxSendConcurrency {
			p.fail(EnvSendConcurrency, "=%q must be a whole number from 1 to %d (messages in flight at once; a crash can repeat at most these)", v, MaxSendConcurrency)
		} else {
			c.SendConcurrency = n
		}
	}
	if v, ok := p.get(EnvPaidBroadcastRate); ok && !isOff(v) {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxPaidBroadcastRate {
			p.fail(EnvPaidBroadcastRate, "=%q must be off or a whole number from 1 to %d (messages a second for breaking stories; Telegram's paid broadcast allows up to 1000)", v, MaxPaidBroadcastRate)
		} else {
			c.PaidBroadcastRate = n
		}
	}
	if v, ok := p.get(EnvChannels); ok {
		c.Channels = p.channels(v)
	}
	problems := len(p.problems)
	for _, d := range []struct {
		name string
		to   *time.Duration
	}{{EnvDeliveryRetention, &c.DeliveryRetention}, {EnvArticleRetention, &c.ArticleRetention}, {EnvMaxItemAge, &c.MaxItemAge}} {
		if v, ok := p.get(d.name); ok {
			p.retention(d.name, v, d.to)
		}
	}
	if len(p.problems) == problems && c.ArticleRetention < c.MaxItemAge {
		// An item is known by its article until it is pruned, and too old
		// to push once MAX_ITEM_AGE has passed; between the two, a dated
		// item a feed still lists would be news again.
		p.fail(EnvArticleRetention, "=%s is shorter than %s=%s: articles must be kept at least as long as an item may still be pushed; raise %s or lower %s",
			c.ArticleRetention, EnvMaxItemAge, c.MaxItemAge, EnvArticleRetention, EnvMaxItemAge)
	}
	if v, ok := p.get(EnvTimezone); ok {
		loc, err := time.LoadLocation(v)
		if err != nil {
			p.fail(EnvTimezone, "=%q is not a time zone: use an IANA name such as Asia/Damascus, Africa/Cairo or UTC", v)
		} else {
			c.Timezone = loc
		}
	}
	if v, ok := p.get(EnvLogLevel); ok {
		if l, ok := parseLevel(v); ok {
			c.LogLevel = l
		} else {
			p.fail(EnvLogLevel, "=%q is not a log level: use debug, info, warn or error", v)
		}
	}
	c.TopicsFile, _ = p.get(EnvTopicsFile)
	if v, ok := p.get(EnvAllowPrivateFeeds); ok {
		if b, ok := parseBool(v); ok {
			c.AllowPrivateFeeds = b
		} else {
			p.fail(EnvAllowPrivateFeeds, "=%q is not a yes/no value: use true or false", v)
		}
	}
	if v, ok := p.get(EnvWebhookURL); ok {
		if u, err := url.Parse(v); err != nil || u.Scheme != "https" || u.Host == "" {
			// Only the origin is echoed: webhook paths often hold the token.
			p.fail(EnvWebhookURL, "=%q is not an https URL: Telegram sends webhooks only to https addresses such as https://bot.example.com/telegram", originOnly(v))
		} else {
			c.WebhookURL = v
		}
	}
	if v, ok := p.get(EnvPublicURL); ok {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			p.fail(EnvPublicURL, "=%q is not an absolute http(s) URL: use the bot's public base address, such as https://bot.example.com", redactURL(v))
		} else {
			c.PublicURL = strings.TrimSuffix(u.String(), "/")
		}
	} else if c.WebhookURL != "" {
		if u, err := url.Parse(c.WebhookURL); err == nil {
			c.PublicURL = u.Scheme + "://" + u.Host
		}
	}
	if v, ok := p.get(EnvWebhookSecret); ok {
		if checkSecret(v) {
			c.WebhookSecret = v
		} else {
			// The value is a secret: say what is wrong without printing it.
			p.fail(EnvWebhookSecret, " must be 1 to 256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule for secret_token), or empty to let Ajel derive one")
		}
	}

	if c.WebhookURL != "" {
		// Telegram's webhook calls are served on HTTP_ADDR, beside Ajel's
		// own endpoints.
		if c.HTTPAddr == "" {
			p.fail(EnvWebhookURL, " needs %s: Telegram's webhook calls are served there (put a reverse proxy with TLS in front)", EnvHTTPAddr)
		} else if path := c.WebhookPath(); path == "/" || path == "/healthz" || path == "/metrics" || strings.HasPrefix(path, "/api/") {
			p.fail(EnvWebhookURL, " path %q is taken by Ajel's own endpoints: use a path such as %s", path, DefaultWebhookPath)
		}
	}

	if _, set := p.get(EnvPublicURL); set && c.PublicURL != "" && c.HTTPAddr == "" {
		p.fail(EnvPublicURL, " needs %s: WebSub hubs call back there (behind the public URL's reverse proxy)", EnvHTTPAddr)
	}

	if len(p.problems) > 0 {
		return Config{}, &Error{Problems: p.problems}
	}
	return c, nil
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
	feeds := make([]string, len(c.Feeds))
	for i, f := range c.Feeds {
		feeds[i] = redactURL(f)
	}
	ids := make([]string, len(c.AdminIDs))
	for i, id := range c.AdminIDs {
		ids[i] = strconv.FormatInt(id, 10)
	}
	tz := "UTC"
	if c.Timezone != nil {
		tz = c.Timezone.String()
	}
	channels := make([]string, len(c.Channels))
	for i, ch := range c.Channels {
		channels[i] = ch.Entry()
	}
	paid := "off"
	if c.PaidBroadcastRate > 0 {
		paid = strconv.Itoa(c.PaidBroadcastRate)
	}
	return [][2]string{
		{EnvTelegramToken, setOrUnset(c.TelegramToken)},
		{EnvTelegramEndpoint, c.TelegramEndpoint},
		{EnvDatabasePath, c.DatabasePath},
		{EnvFeeds, strings.Join(feeds, ",")},
		{EnvPollInterval, c.PollInterval.String()},
		{EnvPollIntervalMax, c.PollIntervalMax.String()},
		{EnvPublicURL, c.PublicURL},
		{EnvHTTPAddr, c.HTTPAddr},
		{EnvIngestToken, setOrUnset(c.IngestToken)},
		{EnvAdminIDs, strings.Join(ids, ",")},
		{EnvSendRate, strconv.FormatFloat(c.SendRate, 'g', -1, 64)},
		{EnvTimezone, tz},
		{EnvLogLevel, strings.ToLower(c.LogLevel.String())},
		{EnvTopicsFile, c.TopicsFile},
		{EnvAllowPrivateFeeds, strconv.FormatBool(c.AllowPrivateFeeds)},
		// A webhook URL often carries the token in its path; show only its origin.
		{EnvWebhookURL, originOnly(c.WebhookURL)},
		{EnvWebhookSecret, setOrUnset(c.WebhookSecret)},
		{EnvSendConcurrency, strconv.Itoa(c.SendConcurrency)},
		{EnvChannels, strings.Join(channels, ",")},
		{EnvPaidBroadcastRate, paid},
		{EnvDeliveryRetention, c.DeliveryRetention.String()},
		{EnvArticleRetention, c.ArticleRetention.String()},
		{EnvMaxItemAge, c.MaxItemAge.String()},
	}
}

func setOrUnset(s string) string {
	if s == "" {
		return "unset"
	}
	return "set"
}

// splitList splits on commas, newlines and (for ids) other whitespace,
// trimming and dropping empty entries.
func splitList(s string, alsoSpaces bool) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == '\n' || r == '\r' || (alsoSpaces && (r == ' ' || r == '\t'))
	})
}

// feeds reads FEEDS: URLs separated by commas or newlines, each followed
// by options separated by spaces (news.ParseFeedEntry).
func (p *parser) feeds(v string) ([]string, map[string]news.FeedOptions) {
	var out []string
	var options map[string]news.FeedOptions
	seen := map[string]bool{}
	for _, e := range splitList(v, false) {
		f, opts, err := news.ParseFeedEntry(e)
		if f == "" && err == nil {
			continue
		}
		u, uerr := url.Parse(f)
		if f == "" || uerr != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			p.fail(EnvFeeds, " entry %q is not an http(s) URL: use full feed addresses such as https://example.com/rss.xml separated by commas", redactURL(cmp.Or(f, strings.TrimSpace(e))))
			continue
		}
		if err != nil {
			p.fail(EnvFeeds, " entry %q: %v", redactURL(f), err)
			continue
		}
		if !opts.IsZero() {
			if options == nil {
				options = map[string]news.FeedOptions{}
			}
			options[f] = opts
		}
		if seen[f] {
			continue
		}
		seen[f] = true
		out = append(out, f)
	}
	return out, options
}

// channels reads CHANNELS: topic=@name or topic=-100id pairs. Whether a
// topic is in the catalogue, and whether the chat really is a channel the
// bot may post in, is checked at start, where both are known.
func (p *parser) channels(v string) []Channel {
	var out []Channel
	seen := map[string]string{}
	for _, e := range splitList(v, false) {
		e = strings.TrimSpace(e)
		if e == "" {
			continue
		}
		topic, chat, ok := strings.Cut(e, "=")
		topic, chat = strings.ToLower(strings.TrimSpace(topic)), strings.TrimSpace(chat)
		if !ok || topic == "" || chat == "" {
			p.fail(EnvChannels, " entry %q is not topic=channel: use pairs such as syria=@ajel_syria,breaking=@ajel_breaking", e)
			continue
		}
		if !isSlug(topic) {
			p.fail(EnvChannels, " entry %q: %q is not a topic slug: use a catalogue slug such as syria (see /topics), or breaking", e, topic)
			continue
		}
		ch := Channel{Topic: topic}
		if name, ok := strings.CutPrefix(chat, "@"); ok {
			if !isChannelUsername(name) {
				p.fail(EnvChannels, " entry %q: %q is not a channel username: 5 to 32 letters, digits and _, starting with a letter, such as @ajel_syria", e, chat)
				continue
			}
			ch.Username = name
		} else {
			id, err := strconv.ParseInt(chat, 10, 64)
			switch {
			case err != nil:
				p.fail(EnvChannels, " entry %q: %q is neither @username nor a chat id: use the channel's public @name or its id (-100…)", e, chat)
				continue
			case id > -1000000000000:
				p.fail(EnvChannels, " entry %q: %d is not a channel: channel ids start with -100 (a positive id is a user, a short negative one a group)", e, id)
				continue
			}
			ch.ChatID = id
		}
		if prev, dup := seen[topic]; dup {
			p.fail(EnvChannels, " entry %q repeats topic %s (already %s): a topic has one channel", e, topic, prev)
			continue
		}
		seen[topic] = ch.Entry()
		out = append(out, ch)
	}
	return out
}

// retention reads a duration of at least MinRetention: a Go duration, or
// a number of days ("7d", "30d").
func (p *parser) retention(name, v string, to *time.Duration) {
	d, err := time.ParseDuration(v)
	if days, ok := strings.CutSuffix(v, "d"); ok && err != nil {
		var n float64
		if n, err = strconv.ParseFloat(days, 64); err == nil && n >= 0 && n <= 3650 {
			d = time.Duration(n * 24 * float64(time.Hour))
		} else if err == nil {
			err = errors.New("out of range")
		}
	}
	switch {
	case err != nil:
		p.fail(name, "=%q is not a duration: use days such as 7d or 30d, or a Go duration such as 12h", v)
	case d < MinRetention:
		p.fail(name, "=%q is too short: use at least 1h, such as 7d or 30d", v)
	default:
		*to = d
	}
}

// checkToken accepts what @BotFather hands out: the bot's id, a colon and
// the secret, which is letters, digits, _ and -.
func checkToken(v string) bool {
	id, secret, ok := strings.Cut(v, ":")
	if !ok || id == "" || secret == "" || len(v) > 256 {
		return false
	}
	for _, r := range id {
		if r < '0' || r > '9' {
			return false
		}
	}
	for _, r := range secret {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

func isSlug(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return s != ""
}

// isChannelUsername follows Telegram's rule for public usernames.
func isChannelUsername(s string) bool {
	if len(s) < 5 || len(s) > 32 || !(s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z') {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

func isOff(v string) bool {
	switch strings.ToLower(v) {
	case "off", "0", "false", "no", "none":
		return true
	}
	return false
}

func (p *parser) adminIDs(v string) []int64 {
	var out []int64
	seen := map[int64]bool{}
	for _, s := range splitList(v, true) {
		id, err := strconv.ParseInt(s, 10, 64)
		switch {
		case err != nil:
			p.fail(EnvAdminIDs, " entry %q is not a number: use Telegram user ids separated by commas", s)
		case id <= 0:
			p.fail(EnvAdminIDs, " entry %q is not a user id: Telegram user ids are positive numbers (ask @userinfobot for yours)", s)
		case !seen[id]:
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// checkEndpoint accepts a format that, given a token and a method, yields an
// http(s) URL with a usable port, if any; it must hold exactly two verbs,
// both %s. A bad port is returned, to be named.
func checkEndpoint(v string) (ok bool, badPort string) {
	if strings.Count(v, "%s") != 2 || strings.Count(strings.ReplaceAll(v, "%%", ""), "%") != 2 {
		return false, ""
	}
	u, err := url.Parse(fmt.Sprintf(v, "123:token", "getMe"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return false, ""
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return false, p
		}
	}
	return true, ""
}

func checkHostPort(v string) bool {
	_, port, err := net.SplitHostPort(v)
	if err != nil {
		return false
	}
	n, err := strconv.Atoi(port)
	return err == nil && n >= 0 && n <= 65535
}

func checkSecret(v string) bool {
	if len(v) > 256 {
		return false
	}
	for _, r := range v {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

func parseLevel(v string) (slog.Level, bool) {
	switch strings.ToLower(v) {
	case "debug":
		return slog.LevelDebug, true
	case "info":
		return slog.LevelInfo, true
	case "warn", "warning":
		return slog.LevelWarn, true
	case "error":
		return slog.LevelError, true
	}
	return 0, false
}

func parseBool(v string) (bool, bool) {
	switch strings.ToLower(v) {
	case "true", "1", "yes", "on":
		return true, true
	case "false", "0", "no", "off":
		return false, true
	}
	return false, false
}

// redactURL hides a password in a URL's user info; anything unparsable is
// returned as is (it is what the operator typed, and not a URL we keep).
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return s
	}
	return u.Redacted()
}

func originOnly(s string) string {
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return "…"
	}
	if u.Path == "" || u.Path == "/" {
		return u.Scheme + "://" + u.Host + u.Path
	}
	return u.Scheme + "://" + u.Host + "/…"
}
