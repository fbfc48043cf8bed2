package config

import (
	"net/url"
	"strings"
	"time"

	"github.com/ajel-news/ajel/news"
)

//go:generate go run ../cmd/envdocs -readme ../README.md -env ../.env.example

// setting is one environment variable, declared once: Load reads it,
// Default takes its default, Redacted shows it, and the operators'
// documentation (README.md's table of variables and .env.example) is
// written from it by `go generate ./config`.
type setting struct {
	name string
	// def is the default as an operator writes it ("60s", "7d", "off");
	// "" leaves the field at its zero value.
	def string
	// shownDefault is what the documentation shows as the default when def
	// is "" but something stands in for it ("derived").
	shownDefault string
	// help says what the variable does, in one line for operators, in
	// Markdown: `code` and [links](#a-readme-section).
	help string
	value
	// secret values never appear in an error, in Redacted or in a log:
	// they are "set" or "unset".
	secret bool
	// emptyIsValue: set to "", the variable is "" rather than its default
	// (an empty HTTP_ADDR turns the server off).
	emptyIsValue bool
}

// settings is every variable Ajel reads, bound to the fields of c, in the
// order the documentation lists them and Load reports their problems.
// Adding a variable is an entry here (with its Env constant) and its field
// in Config; then `go generate ./config` documents it.
func settings(c *Config) []setting {
	return []setting{
		{name: EnvTelegramToken, secret: true,
			help:  "the bot's token from @BotFather; required for `ajel run`, not for `ajel demo` or `ajel preview`",
			value: text{read: readToken, accepts: "`123456789:AAH…` as @BotFather gives it"}.into(&c.TelegramToken)},
		{name: EnvTelegramEndpoint, def: DefaultTelegramEndpoint,
			help: "where the Bot API is: a local Bot API server or a fake. An endpoint that answers something other than " +
				"the Bot API (a wrong path's 500 `{\"message\":\"Route not found\"}`, a proxy's page) is retried, and the log " +
				"and `/healthz` say what it answered",
			value: text{read: readEndpoint, accepts: "an http(s) URL format with two `%s`, the token then the method; its port, if any, 1–65535"}.into(&c.TelegramEndpoint)},
		{name: EnvDatabasePath, def: "ajel.db",
			help:  "the SQLite database file",
			value: text{accepts: "a file path"}.into(&c.DatabasePath)},
		{name: EnvFeeds,
			help: "feeds (RSS, Atom, JSON Feed) added on start; a site's address finds the feed its page links to (the first, " +
				"if several: give the feed's own address to choose); an entry may carry options after its URL and a space, as in " +
				"`https://a.example/rss fulltext=never name=\"A News\", https://en.example/rss lang=any` (see [Feed options](#feed-options))",
			value: feedList(&c.Feeds, &c.FeedOptions)},
		// At least 1s, so that a typo ("1ms") does not hammer every source;
		// at most 24h, so that one ("60h" for "60s") does not silence them
		// for days.
		{name: EnvPollInterval, def: "60s",
			help: "how often a feed is polled in the hours it publishes, and while a new feed's rhythm is learnt (its first " +
				"week): `1s` polls every second; conditional GET makes polls cheap",
			value: duration{min: time.Second, max: 24 * time.Hour, examples: "60s or 5m"}.into(&c.PollInterval)},
		{name: EnvPollIntervalMax, def: "15m",
			help: "the longest wait between polls: in an hour a feed has been silent in for two weeks, and for a feed whose " +
				"WebSub hub pushes; at least `POLL_INTERVAL` (if only `POLL_INTERVAL` is set, and longer, polls are fixed at " +
				"it; set both equal for fixed polling)",
			value: duration{min: time.Second, max: 24 * time.Hour, examples: "15m or 1h"}.into(&c.PollIntervalMax)},
		{name: EnvPublicURL, shownDefault: "origin of `WEBHOOK_URL`",
			help: "the bot's public base URL, where WebSub hubs deliver new items (`<PUBLIC_URL>/websub/…`) the moment a " +
				"source publishes them; needs `HTTP_ADDR`; without it, feeds are only polled",
			value: text{read: readPublicURL, accepts: "an absolute http(s) URL without query"}.into(&c.PublicURL)},
		{name: EnvHTTPAddr, def: "127.0.0.1:8080", emptyIsValue: true,
			help:  "`/healthz`, `/metrics` and the ingest API; empty turns the HTTP server off",
			value: text{read: readHostPort, accepts: "host:port (`:8080` for every address), or empty"}.into(&c.HTTPAddr)},
		{name: EnvIngestToken, secret: true,
			help:  "bearer token for `POST /api/v1/articles`; the endpoint is off while it is empty",
			value: text{accepts: "any text"}.into(&c.IngestToken)},
		{name: EnvAdminIDs,
			help:  "the Telegram user ids allowed to use admin commands (ask @userinfobot for yours)",
			value: adminIDs(&c.AdminIDs)},
		// Above about 30 messages a second a bot gets 429s.
		{name: EnvSendRate, def: "25",
			help: "messages a second, all chats together (Telegram allows about 30); replies, pushes, edits and digests " +
				"share it, replies first",
			value: number{max: 30, why: "messages a second; Telegram allows about 30"}.into(&c.SendRate)},
		// 16 in flight keep up SEND_RATE with round trips of up to half a
		// second (25/s × 0.5 s ≈ 13); 100 bounds what a crash can repeat.
		{name: EnvSendConcurrency, def: "16",
			help: "most messages in flight to Telegram at once: a round trip takes 50–300 ms, so one at a time cannot reach " +
				"`SEND_RATE`; `SEND_RATE` × round trip is what is needed (25/s × 0.3 s ≈ 8); a crash can repeat at most these",
			value: wholeNumber{min: 1, max: 100, why: "messages in flight at once; a crash can repeat at most these"}.into(&c.SendConcurrency)},
		{name: EnvChannels,
			help: "topic channels, each matching story posted there once, before any direct message; `breaking` gets every " +
				"breaking story; the bot must be an administrator there, allowed to post: see " +
				"[Topic channels](#topic-channels-one-post-for-a-whole-audience)",
			value: channelList(&c.Channels)},
		{name: EnvPaidBroadcastRate, def: "off",
			help: "breaking stories may go beyond the free rate with `allow_paid_broadcast` (0.1 Telegram Star a message over " +
				"it), up to this many messages a second, free and paid together; reaching it needs `SEND_CONCURRENCY` ≥ " +
				"rate × round trip: see [Paid broadcast](#paid-broadcast-off-by-default)",
			value: wholeNumber{min: 1, max: 1000, orOff: true,
				why: "messages a second for breaking stories; Telegram's paid broadcast allows up to 1000"}.into(&c.PaidBroadcastRate)},
		{name: EnvTimezone, def: "UTC",
			help:  "for quiet hours and dates in messages",
			value: timezone(&c.Timezone)},
		{name: EnvLogLevel, def: "info",
			help:  "the least important level logged",
			value: logLevel(&c.LogLevel)},
		{name: EnvTopicsFile,
			help:  "a JSON file that replaces the built-in topic catalogue (`topic/catalogue.json` shows the shape)",
			value: text{accepts: "a file path"}.into(&c.TopicsFile)},
		{name: EnvAllowPrivateFeeds, def: "false",
			help:  "let `/addfeed` reach loopback and private addresses (tests, intranets)",
			value: yesNo(&c.AllowPrivateFeeds)},
		{name: EnvWebhookURL,
			help: "receive updates by webhook at this public URL instead of long polling; needs `HTTP_ADDR`, where they " +
				"are served at the URL's path (put a reverse proxy with TLS in front)",
			value: text{read: readWebhookURL, accepts: "an https URL", show: originOnly}.into(&c.WebhookURL)},
		{name: EnvWebhookSecret, secret: true, shownDefault: "derived",
			help: "the secret Telegram echoes in the `X-Telegram-Bot-Api-Secret-Token` header of webhook calls; empty: the " +
				"bot derives one itself",
			value: text{read: readSecret, accepts: "1 to 256 of `A-Z a-z 0-9 _ -`"}.into(&c.WebhookSecret)},
		{name: EnvDeliveryRetention, def: "7d",
			help: "how long sent, failed and dropped outbox rows are kept (edits and follow-ups need the last two days); " +
				"old rows are deleted in small batches and the file shrinks",
			value: days{min: time.Hour}.into(&c.DeliveryRetention)},
		{name: EnvArticleRetention, def: "30d",
			help: "how long articles are kept (the window of `/search` and `/latest`); a story goes with its last article; " +
				"at least `MAX_ITEM_AGE`. An item's identity outlives its article: see [No flood from a feed](#running-it-for-years)",
			value: days{min: time.Hour}.into(&c.ArticleRetention)},
		{name: EnvMaxItemAge, def: shortDuration(news.DefaultMaxItemAge),
			help: "an item dated further back than this, or in the future, is stored and searchable but never pushed: a " +
				"feed that republishes its archive floods no one",
			value: days{min: time.Hour}.into(&c.MaxItemAge)},
		{name: EnvAlertAfter, def: "6h",
			help: "how long a feed fails, its article pages fail or its WebSub subscription fails before the admins " +
				"(`ADMIN_IDS`) are told in Telegram, once when it starts and once when it ends; a feed silent for three " +
				"times its longest usual gap and a message waiting in the outbox over 10 minutes are told without it: " +
				"see [Alerts](#alerts-before-readers-notice)",
			value: duration{min: time.Minute, examples: "6h or 30m"}.into(&c.AlertAfter)},
		{name: EnvAlertDatabaseSize, def: "off",
			help:  "admins are told when the database file grows over this size (and when it is back under it)",
			value: size{min: 1 << 20}.into(&c.AlertDatabaseSize)},
	}
}

// rules checks and completes what depends on several variables, after
// each was read. A rule says nothing about a variable that already has a
// problem of its own.
func (r *reading) rules(c *Config) {
	// POLL_INTERVAL_MAX is at least POLL_INTERVAL; a long POLL_INTERVAL
	// alone fixes the polls at it.
	if r.valid(EnvPollInterval, EnvPollIntervalMax) && c.PollIntervalMax < c.PollInterval {
		if r.set(EnvPollIntervalMax) {
			r.fail(EnvPollIntervalMax, "=%s is shorter than %s=%s: the longest interval between polls must be at least the shortest",
				c.PollIntervalMax, EnvPollInterval, c.PollInterval)
		} else {
			c.PollIntervalMax = c.PollInterval
		}
	}

	// ARTICLE_RETENTION is at least MAX_ITEM_AGE: an item is known by its
	// article until it is pruned, and too old to push once MAX_ITEM_AGE has
	// passed; between the two, a dated item a feed still lists would be
	// news again.
	if r.valid(EnvArticleRetention, EnvMaxItemAge) && c.ArticleRetention < c.MaxItemAge {
		r.fail(EnvArticleRetention, "=%s is shorter than %s=%s: articles must be kept at least as long as an item may still be pushed; raise %s or lower %s",
			c.ArticleRetention, EnvMaxItemAge, c.MaxItemAge, EnvArticleRetention, EnvMaxItemAge)
	}

	// PUBLIC_URL, when not set, is the origin of WEBHOOK_URL.
	if !r.set(EnvPublicURL) && c.WebhookURL != "" {
		if u, err := url.Parse(c.WebhookURL); err == nil {
			c.PublicURL = u.Scheme + "://" + u.Host
		}
	}

	// Telegram's webhook calls are served on HTTP_ADDR, beside Ajel's own
	// endpoints.
	if c.WebhookURL != "" {
		if c.HTTPAddr == "" {
			r.fail(EnvWebhookURL, " needs %s: Telegram's webhook calls are served there (put a reverse proxy with TLS in front)", EnvHTTPAddr)
		} else if path := c.WebhookPath(); path == "/" || path == "/healthz" || path == "/metrics" || strings.HasPrefix(path, "/api/") {
			r.fail(EnvWebhookURL, " path %q is taken by Ajel's own endpoints: use a path such as %s", path, DefaultWebhookPath)
		}
	}

	// WebSub hubs call back on HTTP_ADDR (derived from WEBHOOK_URL, the
	// rule above has already said so).
	if r.set(EnvPublicURL) && c.PublicURL != "" && c.HTTPAddr == "" {
		r.fail(EnvPublicURL, " needs %s: WebSub hubs call back there (behind the public URL's reverse proxy)", EnvHTTPAddr)
	}
}
