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
)

// value reads one setting into its field of a Config and shows it back.
// The kinds below build one from their limits, so that the limits, the
// messages that name them and the documentation agree.
type value struct {
	// set parses v (trimmed; non-empty unless the setting keeps an empty
	// value) into the field, or reports each problem with bad, as the words
	// that follow the variable's name.
	set func(v string, bad badFunc)
	// show is the field as Redacted prints it.
	show func() string
	// accepts says in a few words which values are accepted, for the
	// documentation (Markdown).
	accepts string
}

// badFunc reports a problem: format and args make the words that follow
// the variable's name ("=\"soon\" is not a duration: …").
type badFunc func(format string, args ...any)

// text is a string; read, when not nil, checks it and returns what to keep.
type text struct {
	read    func(v string, bad badFunc) (string, bool)
	accepts string
	// show, when not nil, is how Redacted prints the value.
	show func(string) string
}

func (t text) into(to *string) value {
	return value{
		set: func(v string, bad badFunc) {
			if t.read != nil {
				var ok bool
				if v, ok = t.read(v, bad); !ok {
					return
				}
			}
			*to = v
		},
		show: func() string {
			if t.show != nil {
				return t.show(*to)
			}
			return *to
		},
		accepts: t.accepts,
	}
}

// duration is a Go duration ("90s", "5m") from min to max (0: no upper
// bound).
type duration struct {
	min, max time.Duration
	// examples are two good values for the messages: "60s or 5m".
	examples string
}

func (k duration) into(to *time.Duration) value {
	return value{
		set: func(v string, bad badFunc) {
			d, err := time.ParseDuration(v)
			switch {
			case err != nil:
				bad("=%q is not a duration: use a Go duration such as %s", v, k.examples)
			case d < k.min:
				bad("=%q is too short: use at least %s, such as %s", v, shortDuration(k.min), k.examples)
			case k.max > 0 && d > k.max:
				bad("=%q is too long: use at most %s, such as %s", v, shortDuration(k.max), k.examples)
			default:
				*to = d
			}
		},
		show:    to.String,
		accepts: k.accepts(),
	}
}

func (k duration) accepts() string {
	if k.max == 0 {
		return fmt.Sprintf("a duration, at least `%s`", shortDuration(k.min))
	}
	return fmt.Sprintf("a duration, `%s` to `%s`", shortDuration(k.min), shortDuration(k.max))
}

// days is a duration of at least min, as days ("7d", "30d", up to ten
// years) or as a Go duration ("12h").
type days struct {
	min time.Duration
}

func (k days) into(to *time.Duration) value {
	return value{
		set: func(v string, bad badFunc) {
			d, err := time.ParseDuration(v)
			if n, ok := strings.CutSuffix(v, "d"); ok && err != nil {
				var days float64
				if days, err = strconv.ParseFloat(n, 64); err == nil && days >= 0 && days <= 3650 {
					d = time.Duration(days * 24 * float64(time.Hour))
				} else if err == nil {
					err = errors.New("out of range")
				}
			}
			switch {
			case err != nil:
				bad("=%q is not a duration: use days such as 7d or 30d, or a Go duration such as 12h", v)
			case d < k.min:
				bad("=%q is too short: use at least %s, such as 7d or 30d", v, shortDuration(k.min))
			default:
				*to = d
			}
		},
		show:    to.String,
		accepts: fmt.Sprintf("days (`7d`) or a duration (`36h`), at least `%s`", shortDuration(k.min)),
	}
}

// wholeNumber is an integer from min to max, or with orOff also "off" (0).
type wholeNumber struct {
	min, max int
	orOff    bool
	// why says what the number counts, for the message.
	why string
}

func (k wholeNumber) into(to *int) value {
	off, accepts := "", fmt.Sprintf("a whole number, %d to %d", k.min, k.max)
	if k.orOff {
		off, accepts = "off or ", "`off` or "+accepts
	}
	return value{
		set: func(v string, bad badFunc) {
			if k.orOff && isOff(v) {
				*to = 0
				return
			}
			n, err := strconv.Atoi(v)
			if err != nil || n < k.min || n > k.max {
				bad("=%q must be %sa whole number from %d to %d (%s)", v, off, k.min, k.max, k.why)
				return
			}
			*to = n
		},
		show: func() string {
			if k.orOff && *to == 0 {
				return "off"
			}
			return strconv.Itoa(*to)
		},
		accepts: accepts,
	}
}

// number is a number above 0 and at most max.
type number struct {
	max float64
	// why says what the number counts, for the message.
	why string
}

func (k number) into(to *float64) value {
	return value{
		set: func(v string, bad badFunc) {
			r, err := strconv.ParseFloat(v, 64)
			if err != nil || !(r > 0 && r <= k.max) {
				bad("=%q must be a number above 0 and at most %g (%s)", v, k.max, k.why)
				return
			}
			*to = r
		},
		show:    func() string { return strconv.FormatFloat(*to, 'g', -1, 64) },
		accepts: fmt.Sprintf("a number above 0, at most %g", k.max),
	}
}

// size is a number of bytes with a unit ("2GB", "500MB", "1.5GiB"; KB,
// MB, GB and TB count by 1000, KiB, MiB, GiB and TiB by 1024), at least
// min, or "off" (0).
type size struct {
	min int64
}

var sizeUnits = []struct {
	name string
	n    float64
}{
	{"tib", 1 << 40}, {"gib", 1 << 30}, {"mib", 1 << 20}, {"kib", 1 << 10},
	{"tb", 1e12}, {"gb", 1e9}, {"mb", 1e6}, {"kb", 1e3}, {"b", 1},
}

func (k size) into(to *int64) value {
	return value{
		set: func(v string, bad badFunc) {
			if isOff(v) {
				*to = 0
				return
			}
			n, ok := parseSize(v)
			switch {
			case !ok:
				bad("=%q is not a size: use a number and a unit such as 2GB or 500MB, or off", v)
			case n < k.min:
				bad("=%q is too small: use at least %s, such as 2GB, or off", v, sizeText(k.min))
			default:
				*to = n
			}
		},
		show: func() string {
			if *to == 0 {
				return "off"
			}
			return sizeText(*to)
		},
		accepts: fmt.Sprintf("`off` or a size with its unit, at least `%s`: `2GB`, `500MB`, `1.5GiB`", sizeText(k.min)),
	}
}

// parseSize reads "2GB", "500 MB", "1.5GiB".
func parseSize(v string) (int64, bool) {
	s := strings.ToLower(strings.ReplaceAll(v, " ", ""))
	for _, u := range sizeUnits {
		num, ok := strings.CutSuffix(s, u.name)
		if !ok {
			continue
		}
		f, err := strconv.ParseFloat(num, 64)
		if err != nil || !(f > 0) || f*u.n > 1<<62 {
			return 0, false
		}
		return int64(f * u.n), true
	}
	return 0, false
}

// sizeText writes a size as an operator would: 1MiB, 2GB, 500MB.
func sizeText(n int64) string {
	for _, u := range sizeUnits {
		if u.n > 1 && n >= int64(u.n) && n%int64(u.n) == 0 {
			return strconv.FormatInt(n/int64(u.n), 10) + strings.Replace(strings.ToUpper(u.name), "I", "i", 1)
		}
	}
	return strconv.FormatInt(n, 10) + "B"
}

func yesNo(to *bool) value {
	return value{
		set: func(v string, bad badFunc) {
			switch strings.ToLower(v) {
			case "true", "1", "yes", "on":
				*to = true
			case "false", "0", "no", "off":
				*to = false
			default:
				bad("=%q is not a yes/no value: use true or false", v)
			}
		},
		show:    func() string { return strconv.FormatBool(*to) },
		accepts: "`true` or `false` (also yes/no, on/off, 1/0)",
	}
}

func logLevel(to *slog.Level) value {
	return value{
		set: func(v string, bad badFunc) {
			switch strings.ToLower(v) {
			case "debug":
				*to = slog.LevelDebug
			case "info":
				*to = slog.LevelInfo
			case "warn", "warning":
				*to = slog.LevelWarn
			case "error":
				*to = slog.LevelError
			default:
				bad("=%q is not a log level: use debug, info, warn or error", v)
			}
		},
		show:    func() string { return strings.ToLower(to.String()) },
		accepts: "`debug`, `info`, `warn` or `error`",
	}
}

func timezone(to **time.Location) value {
	return value{
		set: func(v string, bad badFunc) {
			loc, err := time.LoadLocation(v)
			if err != nil {
				bad("=%q is not a time zone: use an IANA name such as Asia/Damascus, Africa/Cairo or UTC", v)
				return
			}
			*to = loc
		},
		show: func() string {
			if *to == nil {
				return "UTC"
			}
			return (*to).String()
		},
		accepts: "an IANA time zone: `Asia/Damascus`, `Africa/Cairo`, `Asia/Riyadh`…",
	}
}

// feedList reads FEEDS: URLs separated by commas or newlines, each
// followed by options separated by spaces (news.ParseFeedEntry). A URL
// given twice is kept once.
func feedList(to *[]string, options *map[string]news.FeedOptions) value {
	return value{
		set: func(v string, bad badFunc) {
			var feeds []string
			var opts map[string]news.FeedOptions
			seen := map[string]bool{}
			for _, e := range splitList(v, false) {
				f, o, err := news.ParseFeedEntry(e)
				if f == "" && err == nil {
					continue
				}
				u, uerr := url.Parse(f)
				if f == "" || uerr != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
					bad(" entry %q is not an http(s) URL: use full feed addresses such as https://example.com/rss.xml separated by commas", redactURL(cmp.Or(f, strings.TrimSpace(e))))
					continue
				}
				if err != nil {
					bad(" entry %q: %v", redactURL(f), err)
					continue
				}
				if !o.IsZero() {
					if opts == nil {
						opts = map[string]news.FeedOptions{}
					}
					opts[f] = o
				}
				if !seen[f] {
					seen[f] = true
					feeds = append(feeds, f)
				}
			}
			*to, *options = feeds, opts
		},
		show: func() string { return joinEach(*to, redactURL) },
		accepts: "http(s) URLs separated by commas or newlines, each followed by its options if any: `" +
			strings.ReplaceAll(news.FeedOptionUsage(), " ", "` `") + "`",
	}
}

// adminIDs reads ADMIN_IDS: positive numbers separated by commas or
// spaces; one given twice is kept once.
func adminIDs(to *[]int64) value {
	return value{
		set: func(v string, bad badFunc) {
			var ids []int64
			seen := map[int64]bool{}
			for _, s := range splitList(v, true) {
				id, err := strconv.ParseInt(s, 10, 64)
				switch {
				case err != nil:
					bad(" entry %q is not a number: use Telegram user ids separated by commas", s)
				case id <= 0:
					bad(" entry %q is not a user id: Telegram user ids are positive numbers (ask @userinfobot for yours)", s)
				case !seen[id]:
					seen[id] = true
					ids = append(ids, id)
				}
			}
			*to = ids
		},
		show:    func() string { return joinEach(*to, func(id int64) string { return strconv.FormatInt(id, 10) }) },
		accepts: "positive numbers separated by commas or spaces",
	}
}

// channelList reads CHANNELS: topic=@name or topic=-100id pairs. Whether
// a topic is in the catalogue, and whether the chat really is a channel the
// bot may post in, is checked at start, where both are known.
func channelList(to *[]Channel) value {
	return value{
		set: func(v string, bad badFunc) {
			var out []Channel
			seen := map[string]string{}
			for _, e := range splitList(v, false) {
				e = strings.TrimSpace(e)
				if e == "" {
					continue
				}
				ch, ok := readChannel(e, bad)
				if !ok {
					continue
				}
				if prev, dup := seen[ch.Topic]; dup {
					bad(" entry %q repeats topic %s (already %s): a topic has one channel", e, ch.Topic, prev)
					continue
				}
				seen[ch.Topic] = ch.Entry()
				out = append(out, ch)
			}
			*to = out
		},
		show:    func() string { return joinEach(*to, Channel.Entry) },
		accepts: "`topic=@channel` or `topic=-100…` pairs separated by commas: `syria=@ajel_syria,breaking=@ajel_breaking`",
	}
}

// readChannel reads one CHANNELS entry.
func readChannel(e string, bad badFunc) (Channel, bool) {
	topic, chat, ok := strings.Cut(e, "=")
	topic, chat = strings.ToLower(strings.TrimSpace(topic)), strings.TrimSpace(chat)
	if !ok || topic == "" || chat == "" {
		bad(" entry %q is not topic=channel: use pairs such as syria=@ajel_syria,breaking=@ajel_breaking", e)
		return Channel{}, false
	}
	if !isSlug(topic) {
		bad(" entry %q: %q is not a topic slug: use a catalogue slug such as syria (see /topics), or breaking", e, topic)
		return Channel{}, false
	}
	ch := Channel{Topic: topic}
	if name, ok := strings.CutPrefix(chat, "@"); ok {
		if !isChannelUsername(name) {
			bad(" entry %q: %q is not a channel username: 5 to 32 letters, digits and _, starting with a letter, such as @ajel_syria", e, chat)
			return Channel{}, false
		}
		ch.Username = name
		return ch, true
	}
	id, err := strconv.ParseInt(chat, 10, 64)
	switch {
	case err != nil:
		bad(" entry %q: %q is neither @username nor a chat id: use the channel's public @name or its id (-100…)", e, chat)
		return Channel{}, false
	case id > -1000000000000:
		bad(" entry %q: %d is not a channel: channel ids start with -100 (a positive id is a user, a short negative one a group)", e, id)
		return Channel{}, false
	}
	ch.ChatID = id
	return ch, true
}

// readToken accepts what @BotFather hands out: the bot's id, a colon and
// the secret, which is letters, digits, _ and -.
func readToken(v string, bad badFunc) (string, bool) {
	id, secret, ok := strings.Cut(v, ":")
	if ok && id != "" && len(v) <= 256 && strings.Trim(id, "0123456789") == "" && isSecretText(secret) {
		return v, true
	}
	// The value is a secret: say what is wrong without printing it.
	bad(" is not a bot token: it looks like 123456789:AAH… (digits, a colon, then letters, digits, _ and -) with no spaces or other characters inside; copy it again from @BotFather")
	return "", false
}

// readSecret accepts Telegram's rule for a webhook's secret_token.
func readSecret(v string, bad badFunc) (string, bool) {
	if len(v) <= 256 && isSecretText(v) {
		return v, true
	}
	// The value is a secret: say what is wrong without printing it.
	bad(" must be 1 to 256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule for secret_token), or empty to let Ajel derive one")
	return "", false
}

// isSecretText reports whether s is non-empty and only letters, digits, _
// and -.
func isSecretText(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return s != ""
}

// readEndpoint accepts a format that, given a token and a method, yields
// an http(s) URL with a usable port, if any; it must hold exactly two verbs,
// both %s.
func readEndpoint(v string, bad badFunc) (string, bool) {
	if strings.Count(v, "%s") == 2 && strings.Count(strings.ReplaceAll(v, "%%", ""), "%") == 2 {
		u, err := url.Parse(fmt.Sprintf(v, "123:token", "getMe"))
		if err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
			if p := u.Port(); p != "" {
				if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
					bad("=%q has port %s: a port is a number from 1 to 65535", v, p)
					return "", false
				}
			}
			return v, true
		}
	}
	bad("=%q must be an http(s) URL format with two %%s (the token, then the method), like %s", v, DefaultTelegramEndpoint)
	return "", false
}

// readHostPort accepts host:port, or "" (no HTTP server).
func readHostPort(v string, bad badFunc) (string, bool) {
	if v == "" {
		return v, true
	}
	if _, port, err := net.SplitHostPort(v); err == nil {
		if n, err := strconv.Atoi(port); err == nil && n >= 0 && n <= 65535 {
			return v, true
		}
	}
	bad("=%q is not host:port: use an address such as 127.0.0.1:8080 or :8080, or leave it empty to disable the HTTP server", v)
	return "", false
}

func readWebhookURL(v string, bad badFunc) (string, bool) {
	if u, err := url.Parse(v); err != nil || u.Scheme != "https" || u.Host == "" {
		// Only the origin is echoed: webhook paths often hold the token.
		bad("=%q is not an https URL: Telegram sends webhooks only to https addresses such as https://bot.example.com/telegram", originOnly(v))
		return "", false
	}
	return v, true
}

// readPublicURL accepts an absolute http(s) URL with no query, fragment
// or user, and keeps it without a trailing slash.
func readPublicURL(v string, bad badFunc) (string, bool) {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		bad("=%q is not an absolute http(s) URL: use the bot's public base address, such as https://bot.example.com", redactURL(v))
		return "", false
	}
	return strings.TrimSuffix(u.String(), "/"), true
}

// joinEach shows a list: each item as show gives it, separated by commas.
func joinEach[T any](items []T, show func(T) string) string {
	shown := make([]string, len(items))
	for i, item := range items {
		shown[i] = show(item)
	}
	return strings.Join(shown, ",")
}

// splitList splits on commas, newlines and (for ids) other whitespace,
// dropping empty entries.
func splitList(s string, alsoSpaces bool) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == '\n' || r == '\r' || (alsoSpaces && (r == ' ' || r == '\t'))
	})
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

// shortDuration writes d as an operator would: 24h, 15m, 1s (not
// 24h0m0s).
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
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

// originOnly shows a URL's scheme and host, and "/…" for a path: a
// webhook URL's path often holds the token.
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
