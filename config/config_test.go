package config_test

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ajel-news/ajel/config"
	"github.com/ajel-news/ajel/news"
)

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

func TestDefaults(t *testing.T) {
	c, err := config.Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c, config.Default()) {
		t.Errorf("Load(empty) = %v, want %v", c, config.Default())
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"token", c.TelegramToken, ""},
		{"endpoint", c.TelegramEndpoint, "https://api.telegram.org/bot%s/%s"},
		{"db", c.DatabasePath, "ajel.db"},
		{"feeds", len(c.Feeds), 0},
		{"poll", c.PollInterval, 60 * time.Second},
		{"http", c.HTTPAddr, "127.0.0.1:8080"},
		{"ingest", c.IngestToken, ""},
		{"admins", len(c.AdminIDs), 0},
		{"rate", c.SendRate, 25.0},
		{"tz", c.Timezone, time.UTC},
		{"log", c.LogLevel, slog.LevelInfo},
		{"topics", c.TopicsFile, ""},
		{"private", c.AllowPrivateFeeds, false},
		{"webhook", c.WebhookURL, ""},
		{"secret", c.WebhookSecret, ""},
		{"concurrency", c.SendConcurrency, 16},
		{"channels", len(c.Channels), 0},
		{"paid", c.PaidBroadcastRate, 0},
		{"delivery retention", c.DeliveryRetention, 7 * 24 * time.Hour},
		{"article retention", c.ArticleRetention, 30 * 24 * time.Hour},
		{"max item age", c.MaxItemAge, 24 * time.Hour},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("default %s = %v, want %v", ch.name, ch.got, ch.want)
		}
	}
}

// TestVariables covers, for every variable, a good value, the default
// (empty value) and bad values with the exact one-line message.
func TestVariables(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		check   func(config.Config) bool
		wantErr string // exact message when set
	}{
		{"token set", map[string]string{"TELEGRAM_BOT_TOKEN": " 123:abc "},
			func(c config.Config) bool { return c.TelegramToken == "123:abc" }, ""},

		{"endpoint good", map[string]string{"TELEGRAM_API_ENDPOINT": "http://127.0.0.1:8081/bot%s/%s"},
			func(c config.Config) bool { return c.TelegramEndpoint == "http://127.0.0.1:8081/bot%s/%s" }, ""},
		{"endpoint empty", map[string]string{"TELEGRAM_API_ENDPOINT": ""},
			func(c config.Config) bool { return c.TelegramEndpoint == config.DefaultTelegramEndpoint }, ""},
		{"endpoint one verb", map[string]string{"TELEGRAM_API_ENDPOINT": "https://x/bot%s"}, nil,
			`config: TELEGRAM_API_ENDPOINT="https://x/bot%s" must be an http(s) URL format with two %s (the token, then the method), like https://api.telegram.org/bot%s/%s`},
		{"endpoint other verb", map[string]string{"TELEGRAM_API_ENDPOINT": "https://x/bot%s/%s/%d"}, nil,
			`config: TELEGRAM_API_ENDPOINT="https://x/bot%s/%s/%d" must be an http(s) URL format with two %s (the token, then the method), like https://api.telegram.org/bot%s/%s`},
		{"endpoint port out of range", map[string]string{"TELEGRAM_API_ENDPOINT": "http://127.0.0.1:99999/bot%s/%s"}, nil,
			`config: TELEGRAM_API_ENDPOINT="http://127.0.0.1:99999/bot%s/%s" has port 99999: a port is a number from 1 to 65535`},
		{"endpoint port zero", map[string]string{"TELEGRAM_API_ENDPOINT": "http://[::1]:0/bot%s/%s"}, nil,
			`config: TELEGRAM_API_ENDPOINT="http://[::1]:0/bot%s/%s" has port 0: a port is a number from 1 to 65535`},
		{"endpoint not url", map[string]string{"TELEGRAM_API_ENDPOINT": "bot%s/%s"}, nil,
			`config: TELEGRAM_API_ENDPOINT="bot%s/%s" must be an http(s) URL format with two %s (the token, then the method), like https://api.telegram.org/bot%s/%s`},

		{"db good", map[string]string{"DATABASE_PATH": "/var/lib/ajel/ajel.db"},
			func(c config.Config) bool { return c.DatabasePath == "/var/lib/ajel/ajel.db" }, ""},
		{"db empty", map[string]string{"DATABASE_PATH": "  "},
			func(c config.Config) bool { return c.DatabasePath == "ajel.db" }, ""},

		{"feeds good", map[string]string{"FEEDS": " https://a.example/rss ,\n\nhttp://b.example/feed.xml,,https://a.example/rss\n"},
			func(c config.Config) bool {
				return reflect.DeepEqual(c.Feeds, []string{"https://a.example/rss", "http://b.example/feed.xml"})
			}, ""},
		{"feeds with full-text modes", map[string]string{"FEEDS": "https://a.example/rss fulltext=never, https://b.example/rss\nhttps://c.example/rss  FullText=ALWAYS"},
			func(c config.Config) bool {
				return reflect.DeepEqual(c.Feeds, []string{"https://a.example/rss", "https://b.example/rss", "https://c.example/rss"}) &&
					reflect.DeepEqual(c.FeedOptions, map[string]news.FeedOptions{"https://a.example/rss": {FullText: news.FullTextNever}, "https://c.example/rss": {FullText: news.FullTextAlways}})
			}, ""},
		{"feeds unknown option", map[string]string{"FEEDS": "https://a.example/rss images=on"}, nil,
			`config: FEEDS entry "https://a.example/rss": unknown option "images": the options are fulltext=auto|always|never lang=ar|any breaking=yes|no country=<place>|none name=<name>, after the URL and a space`},
		{"feeds with a language", map[string]string{"FEEDS": "https://a.example/rss lang=any fulltext=never"},
			func(c config.Config) bool {
				return reflect.DeepEqual(c.FeedOptions, map[string]news.FeedOptions{"https://a.example/rss": {FullText: news.FullTextNever, Lang: news.LangAny}})
			}, ""},
		{"feeds unknown language", map[string]string{"FEEDS": "https://a.example/rss lang=fr"}, nil,
			`config: FEEDS entry "https://a.example/rss": lang="fr": use lang=ar|any`},
		// Whether the catalogue has the place is checked at start, where the
		// catalogue is known; here what cannot name a place is refused.
		{"feeds with countries", map[string]string{"FEEDS": `https://a.example/rss country=Morocco, https://b.example/rss country="جزر القمر" fulltext=never`},
			func(c config.Config) bool {
				return reflect.DeepEqual(c.FeedOptions, map[string]news.FeedOptions{"https://a.example/rss": {Country: "morocco"},
					"https://b.example/rss": {Country: "جزر القمر", FullText: news.FullTextNever}})
			}, ""},
		{"feeds bad country", map[string]string{"FEEDS": "https://a.example/rss country=<script>"}, nil,
			`config: FEEDS entry "https://a.example/rss": country="<script>": use country=<place>|none`},
		{"feeds bad full-text mode", map[string]string{"FEEDS": "https://a.example/rss fulltext=sometimes"}, nil,
			`config: FEEDS entry "https://a.example/rss": fulltext="sometimes": use fulltext=auto|always|never`},
		{"feeds breaking", map[string]string{"FEEDS": "https://a.example/rss breaking=yes fulltext=never, https://b.example/rss Breaking=NO"},
			func(c config.Config) bool {
				return reflect.DeepEqual(c.FeedOptions, map[string]news.FeedOptions{
					"https://a.example/rss": {FullText: news.FullTextNever, Breaking: news.Yes},
					"https://b.example/rss": {Breaking: news.No}})
			}, ""},
		{"feeds bad breaking", map[string]string{"FEEDS": "https://a.example/rss breaking=maybe"}, nil,
			`config: FEEDS entry "https://a.example/rss": breaking="maybe": use breaking=yes|no`},
		{"feeds with names", map[string]string{"FEEDS": `https://a.example/rss name="الشرق   الأوسط", https://www.b.example name=Hespress`},
			func(c config.Config) bool {
				return reflect.DeepEqual(c.Feeds, []string{"https://a.example/rss", "https://www.b.example"}) &&
					reflect.DeepEqual(c.FeedOptions, map[string]news.FeedOptions{"https://a.example/rss": {Name: "الشرق الأوسط"},
						"https://www.b.example": {Name: "Hespress"}})
			}, ""},
		{"feeds name too long", map[string]string{"FEEDS": "https://a.example/rss name=" + strings.Repeat("n", 200)}, nil,
			`config: FEEDS entry "https://a.example/rss": name="` + strings.Repeat("n", 200) + `": the name is 200 characters long; at most 64`},
		{"feeds name with markup", map[string]string{"FEEDS": `https://a.example/rss name="<i>A</i>"`}, nil,
			`config: FEEDS entry "https://a.example/rss": name="<i>A</i>": a name has no markup: '<' and '>' are refused`},
		{"alert after default", map[string]string{}, func(c config.Config) bool { return c.AlertAfter == 6*time.Hour }, ""},
		{"alert after", map[string]string{"ALERT_AFTER": "30m"}, func(c config.Config) bool { return c.AlertAfter == 30*time.Minute }, ""},
		{"alert after too short", map[string]string{"ALERT_AFTER": "30s"}, nil,
			`config: ALERT_AFTER="30s" is too short: use at least 1m, such as 6h or 30m`},
		{"alert after not a duration", map[string]string{"ALERT_AFTER": "soon"}, nil,
			`config: ALERT_AFTER="soon" is not a duration: use a Go duration such as 6h or 30m`},
		{"database size off by default", map[string]string{}, func(c config.Config) bool { return c.AlertDatabaseSize == 0 }, ""},
		{"database size", map[string]string{"ALERT_DATABASE_SIZE": "2GB"}, func(c config.Config) bool { return c.AlertDatabaseSize == 2e9 }, ""},
		{"database size binary", map[string]string{"ALERT_DATABASE_SIZE": "1.5 GiB"}, func(c config.Config) bool { return c.AlertDatabaseSize == 3<<29 }, ""},
		{"database size off", map[string]string{"ALERT_DATABASE_SIZE": "off"}, func(c config.Config) bool { return c.AlertDatabaseSize == 0 }, ""},
		{"database size without unit", map[string]string{"ALERT_DATABASE_SIZE": "2000"}, nil,
			`config: ALERT_DATABASE_SIZE="2000" is not a size: use a number and a unit such as 2GB or 500MB, or off`},
		{"database size too small", map[string]string{"ALERT_DATABASE_SIZE": "10KB"}, nil,
			`config: ALERT_DATABASE_SIZE="10KB" is too small: use at least 1MiB, such as 2GB, or off`},
		{"poll max default", map[string]string{}, func(c config.Config) bool { return c.PollIntervalMax == 15*time.Minute }, ""},
		{"poll max set", map[string]string{"POLL_INTERVAL": "30s", "POLL_INTERVAL_MAX": "1h"},
			func(c config.Config) bool { return c.PollInterval == 30*time.Second && c.PollIntervalMax == time.Hour }, ""},
		{"poll max follows a long interval", map[string]string{"POLL_INTERVAL": "1h"},
			func(c config.Config) bool { return c.PollIntervalMax == time.Hour }, ""},
		{"poll max below the interval", map[string]string{"POLL_INTERVAL": "5m", "POLL_INTERVAL_MAX": "1m"}, nil,
			`config: POLL_INTERVAL_MAX=1m0s is shorter than POLL_INTERVAL=5m0s: the longest interval between polls must be at least the shortest`},
		{"poll max not a duration", map[string]string{"POLL_INTERVAL_MAX": "soon"}, nil,
			`config: POLL_INTERVAL_MAX="soon" is not a duration: use a Go duration such as 15m or 1h`},
		{"poll max under a second", map[string]string{"POLL_INTERVAL_MAX": "500ms"}, nil,
			`config: POLL_INTERVAL_MAX="500ms" is too short: use at least 1s, such as 15m or 1h`},
		{"public url", map[string]string{"PUBLIC_URL": "https://bot.example.com/"},
			func(c config.Config) bool { return c.PublicURL == "https://bot.example.com" }, ""},
		{"public url from the webhook", map[string]string{"WEBHOOK_URL": "https://bot.example.com/tg/hook", "HTTP_ADDR": "127.0.0.1:8080"},
			func(c config.Config) bool { return c.PublicURL == "https://bot.example.com" }, ""},
		{"public url relative", map[string]string{"PUBLIC_URL": "/ajel"}, nil,
			`config: PUBLIC_URL="/ajel" is not an absolute http(s) URL: use the bot's public base address, such as https://bot.example.com`},
		{"public url without the http server", map[string]string{"PUBLIC_URL": "https://bot.example.com", "HTTP_ADDR": ""}, nil,
			`config: PUBLIC_URL needs HTTP_ADDR: WebSub hubs call back there (behind the public URL's reverse proxy)`},
		{"public url ftp", map[string]string{"PUBLIC_URL": "ftp://bot.example.com"}, nil,
			`config: PUBLIC_URL="ftp://bot.example.com" is not an absolute http(s) URL: use the bot's public base address, such as https://bot.example.com`},
		{"feeds empty", map[string]string{"FEEDS": ""},
			func(c config.Config) bool { return c.Feeds == nil }, ""},
		{"feeds bad scheme", map[string]string{"FEEDS": "https://a.example/rss,ftp://b.example/x"}, nil,
			`config: FEEDS entry "ftp://b.example/x" is not an http(s) URL: use full feed addresses such as https://example.com/rss.xml separated by commas`},
		{"feeds no scheme", map[string]string{"FEEDS": "example.com/rss"}, nil,
			`config: FEEDS entry "example.com/rss" is not an http(s) URL: use full feed addresses such as https://example.com/rss.xml separated by commas`},
		{"feeds password hidden", map[string]string{"FEEDS": "ftp://u:secretpw@b.example/x"}, nil,
			`config: FEEDS entry "ftp://u:xxxxx@b.example/x" is not an http(s) URL: use full feed addresses such as https://example.com/rss.xml separated by commas`},

		{"poll good", map[string]string{"POLL_INTERVAL": "5m"},
			func(c config.Config) bool { return c.PollInterval == 5*time.Minute }, ""},
		{"poll min", map[string]string{"POLL_INTERVAL": "1s"},
			func(c config.Config) bool { return c.PollInterval == time.Second }, ""},
		{"poll empty", map[string]string{"POLL_INTERVAL": ""},
			func(c config.Config) bool { return c.PollInterval == time.Minute }, ""},
		{"poll words", map[string]string{"POLL_INTERVAL": "soon"}, nil,
			`config: POLL_INTERVAL="soon" is not a duration: use a Go duration such as 60s or 5m`},
		{"poll bare number", map[string]string{"POLL_INTERVAL": "60"}, nil,
			`config: POLL_INTERVAL="60" is not a duration: use a Go duration such as 60s or 5m`},
		{"poll too short", map[string]string{"POLL_INTERVAL": "500ms"}, nil,
			`config: POLL_INTERVAL="500ms" is too short: use at least 1s, such as 60s or 5m`},

		{"http good", map[string]string{"HTTP_ADDR": ":9090"},
			func(c config.Config) bool { return c.HTTPAddr == ":9090" }, ""},
		{"http ipv6", map[string]string{"HTTP_ADDR": "[::1]:8080"},
			func(c config.Config) bool { return c.HTTPAddr == "[::1]:8080" }, ""},
		{"http empty disables", map[string]string{"HTTP_ADDR": ""},
			func(c config.Config) bool { return c.HTTPAddr == "" }, ""},
		{"http no port", map[string]string{"HTTP_ADDR": "localhost"}, nil,
			`config: HTTP_ADDR="localhost" is not host:port: use an address such as 127.0.0.1:8080 or :8080, or leave it empty to disable the HTTP server`},
		{"http bad port", map[string]string{"HTTP_ADDR": "localhost:http"}, nil,
			`config: HTTP_ADDR="localhost:http" is not host:port: use an address such as 127.0.0.1:8080 or :8080, or leave it empty to disable the HTTP server`},
		{"http port range", map[string]string{"HTTP_ADDR": ":70000"}, nil,
			`config: HTTP_ADDR=":70000" is not host:port: use an address such as 127.0.0.1:8080 or :8080, or leave it empty to disable the HTTP server`},

		{"ingest set", map[string]string{"INGEST_TOKEN": "s3cret"},
			func(c config.Config) bool { return c.IngestToken == "s3cret" }, ""},

		{"admins good", map[string]string{"ADMIN_IDS": "42, 7\n42 99"},
			func(c config.Config) bool { return reflect.DeepEqual(c.AdminIDs, []int64{42, 7, 99}) }, ""},
		{"admins empty", map[string]string{"ADMIN_IDS": ""},
			func(c config.Config) bool { return c.AdminIDs == nil }, ""},
		{"admins word", map[string]string{"ADMIN_IDS": "42,abc"}, nil,
			`config: ADMIN_IDS entry "abc" is not a number: use Telegram user ids separated by commas`},
		{"admins negative", map[string]string{"ADMIN_IDS": "-100123"}, nil,
			`config: ADMIN_IDS entry "-100123" is not a user id: Telegram user ids are positive numbers (ask @userinfobot for yours)`},

		{"rate good", map[string]string{"SEND_RATE": "30"},
			func(c config.Config) bool { return c.SendRate == 30 }, ""},
		{"rate fraction", map[string]string{"SEND_RATE": "0.5"},
			func(c config.Config) bool { return c.SendRate == 0.5 }, ""},
		{"rate empty", map[string]string{"SEND_RATE": ""},
			func(c config.Config) bool { return c.SendRate == 25 }, ""},
		{"rate zero", map[string]string{"SEND_RATE": "0"}, nil,
			`config: SEND_RATE="0" must be a number above 0 and at most 30 (messages a second; Telegram allows about 30)`},
		{"rate over limit", map[string]string{"SEND_RATE": "31"}, nil,
			`config: SEND_RATE="31" must be a number above 0 and at most 30 (messages a second; Telegram allows about 30)`},
		{"rate NaN", map[string]string{"SEND_RATE": "NaN"}, nil,
			`config: SEND_RATE="NaN" must be a number above 0 and at most 30 (messages a second; Telegram allows about 30)`},
		{"rate word", map[string]string{"SEND_RATE": "fast"}, nil,
			`config: SEND_RATE="fast" must be a number above 0 and at most 30 (messages a second; Telegram allows about 30)`},

		{"tz good", map[string]string{"TIMEZONE": "Asia/Damascus"},
			func(c config.Config) bool { return c.Timezone.String() == "Asia/Damascus" }, ""},
		{"tz empty", map[string]string{"TIMEZONE": ""},
			func(c config.Config) bool { return c.Timezone == time.UTC }, ""},
		{"tz bad", map[string]string{"TIMEZONE": "Mars/Olympus"}, nil,
			`config: TIMEZONE="Mars/Olympus" is not a time zone: use an IANA name such as Asia/Damascus, Africa/Cairo or UTC`},

		{"log debug", map[string]string{"LOG_LEVEL": "DEBUG"},
			func(c config.Config) bool { return c.LogLevel == slog.LevelDebug }, ""},
		{"log warn", map[string]string{"LOG_LEVEL": "warn"},
			func(c config.Config) bool { return c.LogLevel == slog.LevelWarn }, ""},
		{"log warning", map[string]string{"LOG_LEVEL": "warning"},
			func(c config.Config) bool { return c.LogLevel == slog.LevelWarn }, ""},
		{"log error", map[string]string{"LOG_LEVEL": "error"},
			func(c config.Config) bool { return c.LogLevel == slog.LevelError }, ""},
		{"log empty", map[string]string{"LOG_LEVEL": ""},
			func(c config.Config) bool { return c.LogLevel == slog.LevelInfo }, ""},
		{"log bad", map[string]string{"LOG_LEVEL": "loud"}, nil,
			`config: LOG_LEVEL="loud" is not a log level: use debug, info, warn or error`},

		{"topics set", map[string]string{"TOPICS_FILE": "topics.json"},
			func(c config.Config) bool { return c.TopicsFile == "topics.json" }, ""},

		{"private yes", map[string]string{"ALLOW_PRIVATE_FEEDS": "yes"},
			func(c config.Config) bool { return c.AllowPrivateFeeds }, ""},
		{"private 1", map[string]string{"ALLOW_PRIVATE_FEEDS": "1"},
			func(c config.Config) bool { return c.AllowPrivateFeeds }, ""},
		{"private TRUE", map[string]string{"ALLOW_PRIVATE_FEEDS": "TRUE"},
			func(c config.Config) bool { return c.AllowPrivateFeeds }, ""},
		{"private no", map[string]string{"ALLOW_PRIVATE_FEEDS": "no"},
			func(c config.Config) bool { return !c.AllowPrivateFeeds }, ""},
		{"private 0", map[string]string{"ALLOW_PRIVATE_FEEDS": "0"},
			func(c config.Config) bool { return !c.AllowPrivateFeeds }, ""},
		{"private bad", map[string]string{"ALLOW_PRIVATE_FEEDS": "maybe"}, nil,
			`config: ALLOW_PRIVATE_FEEDS="maybe" is not a yes/no value: use true or false`},

		{"webhook good", map[string]string{"WEBHOOK_URL": "https://bot.example.com/tg"},
			func(c config.Config) bool { return c.WebhookURL == "https://bot.example.com/tg" }, ""},
		{"webhook http", map[string]string{"WEBHOOK_URL": "http://bot.example.com/bot123:SECRET"}, nil,
			`config: WEBHOOK_URL="http://bot.example.com/…" is not an https URL: Telegram sends webhooks only to https addresses such as https://bot.example.com/telegram`},
		{"webhook no host", map[string]string{"WEBHOOK_URL": "bot.example.com"}, nil,
			`config: WEBHOOK_URL="…" is not an https URL: Telegram sends webhooks only to https addresses such as https://bot.example.com/telegram`},

		{"concurrency good", map[string]string{"SEND_CONCURRENCY": "32"},
			func(c config.Config) bool { return c.SendConcurrency == 32 }, ""},
		{"concurrency empty", map[string]string{"SEND_CONCURRENCY": ""},
			func(c config.Config) bool { return c.SendConcurrency == 16 }, ""},
		{"concurrency zero", map[string]string{"SEND_CONCURRENCY": "0"}, nil,
			`config: SEND_CONCURRENCY="0" must be a whole number from 1 to 100 (messages in flight at once; a crash can repeat at most these)`},
		{"concurrency negative", map[string]string{"SEND_CONCURRENCY": "-4"}, nil,
			`config: SEND_CONCURRENCY="-4" must be a whole number from 1 to 100 (messages in flight at once; a crash can repeat at most these)`},
		{"concurrency over 100", map[string]string{"SEND_CONCURRENCY": "101"}, nil,
			`config: SEND_CONCURRENCY="101" must be a whole number from 1 to 100 (messages in flight at once; a crash can repeat at most these)`},

		{"paid good", map[string]string{"PAID_BROADCAST_RATE": "1000"},
			func(c config.Config) bool { return c.PaidBroadcastRate == 1000 }, ""},
		{"paid off", map[string]string{"PAID_BROADCAST_RATE": "off"},
			func(c config.Config) bool { return c.PaidBroadcastRate == 0 }, ""},
		{"paid over 1000", map[string]string{"PAID_BROADCAST_RATE": "1001"}, nil,
			`config: PAID_BROADCAST_RATE="1001" must be off or a whole number from 1 to 1000 (messages a second for breaking stories; Telegram's paid broadcast allows up to 1000)`},
		{"paid word", map[string]string{"PAID_BROADCAST_RATE": "lots"}, nil,
			`config: PAID_BROADCAST_RATE="lots" must be off or a whole number from 1 to 1000 (messages a second for breaking stories; Telegram's paid broadcast allows up to 1000)`},

		{"channels good", map[string]string{"CHANNELS": " Syria=@ajel_syria ,\nbreaking=-1001234567890"},
			func(c config.Config) bool {
				return reflect.DeepEqual(c.Channels, []config.Channel{
					{Topic: "syria", Username: "ajel_syria"}, {Topic: "breaking", ChatID: -1001234567890}})
			}, ""},
		{"channels empty", map[string]string{"CHANNELS": ""},
			func(c config.Config) bool { return c.Channels == nil }, ""},
		{"channels malformed", map[string]string{"CHANNELS": "syria=@ajel_syria,lebanon"}, nil,
			`config: CHANNELS entry "lebanon" is not topic=channel: use pairs such as syria=@ajel_syria,breaking=@ajel_breaking`},
		{"channels no channel", map[string]string{"CHANNELS": "syria="}, nil,
			`config: CHANNELS entry "syria=" is not topic=channel: use pairs such as syria=@ajel_syria,breaking=@ajel_breaking`},
		{"channels duplicate", map[string]string{"CHANNELS": "syria=@ajel_syria,syria=@other_syria"}, nil,
			`config: CHANNELS entry "syria=@other_syria" repeats topic syria (already syria=@ajel_syria): a topic has one channel`},
		{"channels user id", map[string]string{"CHANNELS": "syria=12345"}, nil,
			`config: CHANNELS entry "syria=12345": 12345 is not a channel: channel ids start with -100 (a positive id is a user, a short negative one a group)`},
		{"channels group id", map[string]string{"CHANNELS": "syria=-4567"}, nil,
			`config: CHANNELS entry "syria=-4567": -4567 is not a channel: channel ids start with -100 (a positive id is a user, a short negative one a group)`},
		{"channels bad username", map[string]string{"CHANNELS": "syria=@a-b"}, nil,
			`config: CHANNELS entry "syria=@a-b": "@a-b" is not a channel username: 5 to 32 letters, digits and _, starting with a letter, such as @ajel_syria`},
		{"channels not a slug", map[string]string{"CHANNELS": "سوريا=@ajel_syria"}, nil,
			`config: CHANNELS entry "سوريا=@ajel_syria": "سوريا" is not a topic slug: use a catalogue slug such as syria (see /topics), or breaking`},

		{"token with a tab", map[string]string{"TELEGRAM_BOT_TOKEN": "123:ab\tcd"}, nil,
			"config: TELEGRAM_BOT_TOKEN is not a bot token: it looks like 123456789:AAH… (digits, a colon, then letters, digits, _ and -) with no spaces or other characters inside; copy it again from @BotFather"},
		{"token without a colon", map[string]string{"TELEGRAM_BOT_TOKEN": "AAHsecret"}, nil,
			"config: TELEGRAM_BOT_TOKEN is not a bot token: it looks like 123456789:AAH… (digits, a colon, then letters, digits, _ and -) with no spaces or other characters inside; copy it again from @BotFather"},
		{"token with a space inside", map[string]string{"TELEGRAM_BOT_TOKEN": "123:ab cd"}, nil,
			"config: TELEGRAM_BOT_TOKEN is not a bot token: it looks like 123456789:AAH… (digits, a colon, then letters, digits, _ and -) with no spaces or other characters inside; copy it again from @BotFather"},
		{"poll too long", map[string]string{"POLL_INTERVAL": "60h"}, nil,
			`config: POLL_INTERVAL="60h" is too long: use at most 24h, such as 60s or 5m`},

		{"retention in days", map[string]string{"DELIVERY_RETENTION": "2d", "ARTICLE_RETENTION": "90d", "MAX_ITEM_AGE": "6h"},
			func(c config.Config) bool {
				return c.DeliveryRetention == 48*time.Hour && c.ArticleRetention == 90*24*time.Hour && c.MaxItemAge == 6*time.Hour
			}, ""},
		{"retention one hour", map[string]string{"DELIVERY_RETENTION": "1h"},
			func(c config.Config) bool { return c.DeliveryRetention == time.Hour }, ""},
		{"retention not a duration", map[string]string{"ARTICLE_RETENTION": "a month"}, nil,
			`config: ARTICLE_RETENTION="a month" is not a duration: use days such as 7d or 30d, or a Go duration such as 12h`},
		{"retention too short", map[string]string{"DELIVERY_RETENTION": "30m"}, nil,
			`config: DELIVERY_RETENTION="30m" is too short: use at least 1h, such as 7d or 30d`},
		{"max item age too short", map[string]string{"MAX_ITEM_AGE": "10m"}, nil,
			`config: MAX_ITEM_AGE="10m" is too short: use at least 1h, such as 7d or 30d`},
		{"articles kept shorter than an item may be pushed", map[string]string{"ARTICLE_RETENTION": "12h", "MAX_ITEM_AGE": "2d"}, nil,
			`config: ARTICLE_RETENTION=12h0m0s is shorter than MAX_ITEM_AGE=48h0m0s: articles must be kept at least as long as an item may still be pushed; raise ARTICLE_RETENTION or lower MAX_ITEM_AGE`},
		{"articles kept as long as an item may be pushed", map[string]string{"ARTICLE_RETENTION": "2d", "MAX_ITEM_AGE": "2d"},
			func(c config.Config) bool { return c.ArticleRetention == c.MaxItemAge }, ""},
		{"max item age negative days", map[string]string{"MAX_ITEM_AGE": "-1d"}, nil,
			`config: MAX_ITEM_AGE="-1d" is not a duration: use days such as 7d or 30d, or a Go duration such as 12h`},

		{"secret good", map[string]string{"WEBHOOK_SECRET": "abc_DEF-123"},
			func(c config.Config) bool { return c.WebhookSecret == "abc_DEF-123" }, ""},
		{"secret bad", map[string]string{"WEBHOOK_SECRET": "has space!"}, nil,
			`config: WEBHOOK_SECRET must be 1 to 256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule for secret_token), or empty to let Ajel derive one`},
		{"secret too long", map[string]string{"WEBHOOK_SECRET": strings.Repeat("a", 257)}, nil,
			`config: WEBHOOK_SECRET must be 1 to 256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule for secret_token), or empty to let Ajel derive one`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := config.Load(env(tc.env))
			if tc.wantErr != "" {
				if err == nil {
					t.Fatalf("Load = %v, want error %q", c, tc.wantErr)
				}
				if err.Error() != tc.wantErr {
					t.Errorf("error\n got %s\nwant %s", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), "\n") {
					t.Errorf("error has several lines: %q", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if !tc.check(c) {
				t.Errorf("Load(%v) gave %#v", tc.env, c)
			}
		})
	}
}

func TestSeveralProblemsOneLine(t *testing.T) {
	_, err := config.Load(env(map[string]string{
		"POLL_INTERVAL": "soon",
		"ADMIN_IDS":     "abc",
		"SEND_RATE":     "0",
		"LOG_LEVEL":     "info", // fine
	}))
	want := `config: POLL_INTERVAL="soon" is not a duration: use a Go duration such as 60s or 5m; ` +
		`ADMIN_IDS entry "abc" is not a number: use Telegram user ids separated by commas; ` +
		`SEND_RATE="0" must be a number above 0 and at most 30 (messages a second; Telegram allows about 30)`
	if err == nil || err.Error() != want {
		t.Fatalf("error\n got %v\nwant %s", err, want)
	}
	var ce *config.Error
	if !errors.As(err, &ce) {
		t.Fatalf("error %T is not *config.Error", err)
	}
	var vars []string
	for _, p := range ce.Problems {
		vars = append(vars, p.Variable)
	}
	if !reflect.DeepEqual(vars, []string{"POLL_INTERVAL", "ADMIN_IDS", "SEND_RATE"}) {
		t.Errorf("problem variables = %v", vars)
	}
}

// TestRulesBetweenVariables: a rule between variables is reported after
// every variable's own problems, and says nothing about a variable that
// already has one.
func TestRulesBetweenVariables(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"POLL_INTERVAL_MAX": "1m", "POLL_INTERVAL": "5m", "SEND_RATE": "0"},
			`config: SEND_RATE="0" must be a number above 0 and at most 30 (messages a second; Telegram allows about 30); ` +
				`POLL_INTERVAL_MAX=1m0s is shorter than POLL_INTERVAL=5m0s: the longest interval between polls must be at least the shortest`},
		{map[string]string{"POLL_INTERVAL": "soon", "POLL_INTERVAL_MAX": "30s"},
			`config: POLL_INTERVAL="soon" is not a duration: use a Go duration such as 60s or 5m`},
		{map[string]string{"ARTICLE_RETENTION": "12h", "MAX_ITEM_AGE": "a week"},
			`config: MAX_ITEM_AGE="a week" is not a duration: use days such as 7d or 30d, or a Go duration such as 12h`},
		{map[string]string{"PUBLIC_URL": "/ajel", "HTTP_ADDR": ""},
			`config: PUBLIC_URL="/ajel" is not an absolute http(s) URL: use the bot's public base address, such as https://bot.example.com`},
	} {
		if _, err := config.Load(env(tc.env)); err == nil || err.Error() != tc.want {
			t.Errorf("%v: error\n got %v\nwant %s", tc.env, err, tc.want)
		}
	}
}

func TestRequireToken(t *testing.T) {
	c, err := config.Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	err = c.RequireToken()
	want := "TELEGRAM_BOT_TOKEN is not set: copy .env.example to .env and set TELEGRAM_BOT_TOKEN (from @BotFather), or try `ajel demo` to see Ajel without a token"
	if err == nil || err.Error() != want || !errors.Is(err, config.ErrNoToken) {
		t.Errorf("RequireToken() = %v, want %q", err, want)
	}
	c.TelegramToken = "123:abc"
	if err := c.RequireToken(); err != nil {
		t.Errorf("RequireToken() with a token = %v", err)
	}
}

func TestRedactedNeverShowsSecrets(t *testing.T) {
	c, err := config.Load(env(map[string]string{
		"TELEGRAM_BOT_TOKEN": "123456:TOKENVALUE",
		"INGEST_TOKEN":       "INGESTVALUE",
		"WEBHOOK_SECRET":     "SECRETVALUE",
		"WEBHOOK_URL":        "https://bot.example.com/123456:TOKENVALUE",
		"FEEDS":              "https://user:PASSWORDVALUE@feeds.example/rss",
		"ADMIN_IDS":          "42",
	}))
	if err != nil {
		t.Fatal(err)
	}
	var logged strings.Builder
	slog.New(slog.NewTextHandler(&logged, nil)).Info("start", "config", c)
	outputs := map[string]string{
		"Redacted": c.Redacted(),
		"%v":       fmt.Sprintf("%v", c),
		"%+v":      fmt.Sprintf("%+v", c),
		"%#v":      fmt.Sprintf("%#v", c),
		"String":   c.String(),
		"slog":     logged.String(),
	}
	for name, out := range outputs {
		for _, secret := range []string{"TOKENVALUE", "INGESTVALUE", "SECRETVALUE", "PASSWORDVALUE"} {
			if strings.Contains(out, secret) {
				t.Errorf("%s output shows %s: %s", name, secret, out)
			}
		}
	}
	r := c.Redacted()
	for _, want := range []string{`TELEGRAM_BOT_TOKEN="set"`, `INGEST_TOKEN="set"`, `WEBHOOK_SECRET="set"`, `ADMIN_IDS="42"`, `SEND_RATE="25"`, `LOG_LEVEL="info"`} {
		if !strings.Contains(r, want) {
			t.Errorf("Redacted() = %s, missing %s", r, want)
		}
	}
	if !strings.Contains(config.Default().Redacted(), `TELEGRAM_BOT_TOKEN="unset"`) {
		t.Errorf("Default().Redacted() = %s, want token unset", config.Default().Redacted())
	}
}

func TestIsAdmin(t *testing.T) {
	c, err := config.Load(env(map[string]string{"ADMIN_IDS": "42,7"}))
	if err != nil {
		t.Fatal(err)
	}
	if !c.IsAdmin(7) || c.IsAdmin(8) {
		t.Errorf("IsAdmin wrong for %v", c.AdminIDs)
	}
}

// unsetEnv makes name unset for this test and restores it afterwards.
func unsetEnv(t *testing.T, name string) {
	t.Setenv(name, "") // registers the restore
	os.Unsetenv(name)
}

func TestLoadEnv(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, ".env")
	content := "# comment\nTELEGRAM_BOT_TOKEN=123:fromfile\nPOLL_INTERVAL=2m\nexport SEND_RATE=10\nFEEDS=\"https://a.example/rss,\nhttps://b.example/rss\"\n"
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	unsetEnv(t, "TELEGRAM_BOT_TOKEN")
	unsetEnv(t, "FEEDS")
	unsetEnv(t, "SEND_RATE")
	t.Setenv("POLL_INTERVAL", "5m") // set variable wins over .env

	c, err := config.LoadEnv(path)
	if err != nil {
		t.Fatal(err)
	}
	if c.TelegramToken != "123:fromfile" {
		t.Errorf("token = %q, want the file's", c.TelegramToken)
	}
	if c.PollInterval != 5*time.Minute {
		t.Errorf("poll = %v, want the environment's 5m", c.PollInterval)
	}
	if c.SendRate != 10 {
		t.Errorf("rate = %v, want 10", c.SendRate)
	}
	if !reflect.DeepEqual(c.Feeds, []string{"https://a.example/rss", "https://b.example/rss"}) {
		t.Errorf("feeds = %v", c.Feeds)
	}
	if _, ok := os.LookupEnv("TELEGRAM_BOT_TOKEN"); ok {
		t.Error("LoadEnv modified the process environment")
	}
}

func TestLoadEnvMissingFile(t *testing.T) {
	unsetEnv(t, "POLL_INTERVAL")
	t.Setenv("SEND_RATE", "5")
	for _, path := range []string{filepath.Join(t.TempDir(), "no.env"), ""} {
		c, err := config.LoadEnv(path)
		if err != nil {
			t.Fatalf("LoadEnv(%q): %v", path, err)
		}
		if c.SendRate != 5 || c.PollInterval != time.Minute {
			t.Errorf("LoadEnv(%q) = %v", path, c)
		}
	}
}

func TestLoadEnvInvalidValueInFile(t *testing.T) {
	unsetEnv(t, "POLL_INTERVAL")
	path := filepath.Join(t.TempDir(), ".env")
	if err := os.WriteFile(path, []byte("POLL_INTERVAL=soon\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := config.LoadEnv(path)
	want := `config: POLL_INTERVAL="soon" is not a duration: use a Go duration such as 60s or 5m`
	if err == nil || err.Error() != want {
		t.Errorf("LoadEnv error = %v, want %s", err, want)
	}
}

func TestLoadEnvMalformed(t *testing.T) {
	tests := []struct {
		name, content, want string
	}{
		{"bad name", "A=1\nTELEGRAM_BOT_TOKEN=123:SECRETTOKEN\nFOO-BAR=1\n", `line 3: a variable name may hold only letters, digits, _ and . (write NAME=value)`},
		{"unterminated", "A=1\nTELEGRAM_BOT_TOKEN=\"123:SECRETTOKEN\nB=2\n", `line 2: a quoted value is not closed`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "my.env")
			if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := config.LoadEnv(path)
			if err == nil {
				t.Fatal("LoadEnv accepted a malformed file")
			}
			msg := err.Error()
			if !strings.Contains(msg, path) || !strings.Contains(msg, tc.want) {
				t.Errorf("error %q should name %s and say %q", msg, path, tc.want)
			}
			if strings.Contains(msg, "SECRETTOKEN") || strings.Contains(msg, "\n") {
				t.Errorf("error %q shows the file's content or has several lines", msg)
			}
		})
	}
}

func TestLoadEnvUnreadable(t *testing.T) {
	dir := t.TempDir() // a directory is not a readable .env
	_, err := config.LoadEnv(dir)
	if err == nil || !strings.Contains(err.Error(), dir) {
		t.Errorf("LoadEnv(dir) = %v, want an error naming %s", err, dir)
	}
}

// TestEnvExample keeps .env.example in step with the code: it documents
// every variable, and loading it as is gives the defaults.
func TestEnvExample(t *testing.T) {
	names := []string{
		config.EnvTelegramToken, config.EnvTelegramEndpoint, config.EnvDatabasePath, config.EnvFeeds,
		config.EnvPollInterval, config.EnvHTTPAddr, config.EnvIngestToken, config.EnvAdminIDs,
		config.EnvSendRate, config.EnvTimezone, config.EnvLogLevel, config.EnvTopicsFile,
		config.EnvAllowPrivateFeeds, config.EnvWebhookURL, config.EnvWebhookSecret,
		config.EnvSendConcurrency, config.EnvChannels, config.EnvPaidBroadcastRate,
		config.EnvDeliveryRetention, config.EnvArticleRetention, config.EnvMaxItemAge,
		config.EnvPollIntervalMax, config.EnvPublicURL,
	}
	data, err := os.ReadFile("../.env.example")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		unsetEnv(t, n)
		if !strings.Contains(string(data), "\n"+n+"=") {
			t.Errorf(".env.example does not document %s", n)
		}
	}
	c, err := config.LoadEnv("../.env.example")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c, config.Default()) {
		t.Errorf(".env.example gives %v, want the defaults %v", c, config.Default())
	}
}

func TestWebhookPath(t *testing.T) {
	for _, tc := range []struct{ url, want string }{
		{"https://bot.example.com/telegram", "/telegram"},
		{"https://bot.example.com/hooks/ajel/", "/hooks/ajel/"},
		{"https://bot.example.com", config.DefaultWebhookPath},
		{"https://bot.example.com/", config.DefaultWebhookPath},
		{"https://bot.example.com/a b{c}", "/a%20b%7Bc%7D"},
		{"://bad", config.DefaultWebhookPath},
	} {
		c := config.Config{WebhookURL: tc.url}
		if got := c.WebhookPath(); got != tc.want {
			t.Errorf("WebhookPath(%q) = %q, want %q", tc.url, got, tc.want)
		}
		// It must be usable as a ServeMux pattern.
		http.NewServeMux().Handle(c.WebhookPath(), http.NotFoundHandler())
	}
}

func TestWebhookNeedsTheHTTPServer(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"WEBHOOK_URL": "https://bot.example.com/hook", "HTTP_ADDR": ""},
			"config: WEBHOOK_URL needs HTTP_ADDR: Telegram's webhook calls are served there (put a reverse proxy with TLS in front)"},
		{map[string]string{"WEBHOOK_URL": "https://bot.example.com/metrics"},
			`config: WEBHOOK_URL path "/metrics" is taken by Ajel's own endpoints: use a path such as /telegram/webhook`},
		{map[string]string{"WEBHOOK_URL": "https://bot.example.com/api/v1/articles"},
			`config: WEBHOOK_URL path "/api/v1/articles" is taken by Ajel's own endpoints: use a path such as /telegram/webhook`},
	} {
		if _, err := config.Load(env(tc.env)); err == nil || err.Error() != tc.want {
			t.Errorf("%v: error %v, want %q", tc.env, err, tc.want)
		}
	}
}
