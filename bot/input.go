package bot

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ajel-news/ajel/arabic"
	"github.com/ajel-news/ajel/bot/render"
	"github.com/ajel-news/ajel/news"
)

// What readers type after a command: keywords, on/off, hours, limits. The
// Latin words are the commands' syntax, the same in every language; the
// catalogue adds the words of the language the bot speaks.

// maxKeywordLen is the longest keyword, in characters.
const maxKeywordLen = 64

// maxLimit is the highest /limit: above it the cap would hardly ever bite.
const maxLimit = 60

// stripInvisible removes what the keyword index drops as invisible
// (arabic.IsInvisible: zero-width characters, bidi controls, variation
// selectors, the combining grapheme joiner, Hangul fillers…), so a word
// typed with one finds the subscription, mute or article without it.
func stripInvisible(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if arabic.IsInvisible(r) {
			return -1
		}
		return r
	}, s))
}

// cleanKeyword checks a keyword (or a mute) a reader typed and returns
// its display form, or the reason it is refused. What the keyword index
// drops as invisible (arabic.IsInvisible: a variation selector, the
// combining grapheme joiner, a Hangul filler, zero-width characters) is
// stripped, so the word stored and shown is the one that matches; bidi
// controls, which would reorder what the reader is shown, and other
// control or format characters are refused.
func (b *Bot) cleanKeyword(raw string) (display, reason string) {
	for _, r := range raw {
		if render.IsBidiControl(r) || (unicode.IsControl(r) && !unicode.IsSpace(r)) ||
			(unicode.Is(unicode.Cf, r) && !arabic.IsInvisible(r)) {
			return "", b.txt.KeywordControl
		}
	}
	display = strings.Join(strings.Fields(stripInvisible(raw)), " ")
	switch {
	case display == "" && strings.TrimSpace(raw) != "":
		return "", b.txt.KeywordControl
	case display == "":
		return "", b.txt.KeywordEmpty
	case utf8.RuneCountInString(display) > maxKeywordLen:
		return "", b.say.KeywordTooLong(maxKeywordLen)
	case strings.IndexFunc(display, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }) < 0:
		return "", b.txt.KeywordSymbols
	}
	return display, ""
}

// defaultTerms splits a query into lower-cased words when no SearchTerms
// was given.
func defaultTerms(q string) []string {
	return strings.FieldsFunc(strings.ToLower(q), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r)
	})
}

// oneOf reports whether s, trimmed and lower-cased, is one of the Latin
// words or the catalogue's.
func oneOf(s string, words []string, latin ...string) bool {
	s = strings.ToLower(strings.TrimSpace(s))
	return slices.Contains(latin, s) || slices.Contains(words, s)
}

// parseOnOff reads an on/off argument.
func (b *Bot) parseOnOff(s string) (on, ok bool) {
	switch {
	case oneOf(s, b.txt.OnWords, "on", "yes"):
		return true, true
	case oneOf(s, b.txt.OffWords, "off", "no"):
		return false, true
	}
	return false, false
}

// parseRings reads /sound's argument.
func (b *Bot) parseRings(s string) (news.RingMode, bool) {
	switch {
	case oneOf(s, b.txt.RingBreakingWords, "breaking"):
		return news.RingBreaking, true
	case oneOf(s, b.txt.RingAllWords, "all"):
		return news.RingAll, true
	case oneOf(s, b.txt.RingNoneWords, "none", "off"):
		return news.RingNone, true
	}
	return "", false
}

// parseLimit reads "/limit" arguments: 1..maxLimit (Arabic digits too), or
// 0 and "off" for no cap.
func (b *Bot) parseLimit(s string) (int, bool) {
	s = toASCIIDigits(s)
	if oneOf(s, b.txt.NoLimitWords, "off", "no", "none") {
		return 0, true
	}
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 3 {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > maxLimit {
		return 0, false
	}
	return n, true
}

// parseQuiet reads "22-07", "22:00-07:00", "٢٢-٧" or "off". A non-empty
// reason is the refusal.
func (b *Bot) parseQuiet(s string) (q news.QuietHours, off bool, reason string) {
	s = toASCIIDigits(s)
	if oneOf(s, b.txt.NoLimitWords, "off", "0", "no", "none") {
		return news.QuietHours{}, true, ""
	}
	s = strings.ToLower(strings.TrimSpace(s))
	from, to, ok := strings.Cut(strings.NewReplacer("–", "-", "—", "-", " ", "").Replace(s), "-")
	if !ok {
		return q, false, b.txt.QuietBad
	}
	f, ok1 := parseHour(from)
	t, ok2 := parseHour(to)
	if !ok1 || !ok2 {
		return q, false, b.txt.QuietBad
	}
	if f == t {
		return q, false, b.txt.QuietSame
	}
	return news.QuietHours{From: f, To: t}, false, ""
}

func parseHour(s string) (int, bool) {
	s = strings.TrimSuffix(s, ":00")
	if s == "" || len(s) > 2 {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 23 {
		return 0, false
	}
	return n, true
}

// toASCIIDigits turns Arabic-Indic and Persian digits into ASCII ones.
func toASCIIDigits(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '\u0660' && r <= '\u0669': // ٠…٩
			return '0' + r - '\u0660'
		case r >= '\u06F0' && r <= '\u06F9': // ۰…۹
			return '0' + r - '\u06F0'
		}
		return r
	}, s)
}

// parseFeedArgs reads "/addfeed <url> [key=value …]" (news.ParseFeedEntry):
// the address, the options given and, for a bad option, the refusal to send.
func (b *Bot) parseFeedArgs(args string) (rawURL string, opts news.FeedOptions, refusal string) {
	rawURL, opts, err := news.ParseFeedEntry(args)
	var oe *news.FeedOptionError
	var ne *news.FeedNameError
	switch {
	case errors.As(err, &ne):
		return "", opts, b.say.FeedNameRefused(ne)
	case errors.As(err, &oe) && oe.Unknown:
		return "", opts, b.say.FeedUnknownOption(oe.Key)
	case errors.As(err, &oe):
		return "", opts, b.say.FeedBadOption(oe.Key, oe.Value, oe.Usage)
	case err != nil:
		return "", opts, b.txt.FeedUnclosedQuote
	}
	return rawURL, opts, ""
}
