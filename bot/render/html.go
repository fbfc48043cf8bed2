// Package render writes what the bot sends in Telegram HTML: pushes,
// digests, follow updates, settings, lists and every reply that carries a
// value (a name, a number, a time), in the words of a texts.Catalogue.
//
// Every outside string is cleaned of control and bidi characters, cut to
// a bound and escaped here; Latin and numeric runs inside Arabic text are
// isolated so they cannot reorder the words around them; only http(s)
// links are linked. Package bot decides what to say; render says it.
package render

import (
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/bidi"

	"github.com/ajel-news/ajel/bot/texts"
	"github.com/ajel-news/ajel/internal/textcut"
)

// MaxMessageLen is Telegram's limit on a message's text after entity
// parsing. It is counted here in UTF-16 code units, which is what Telegram
// counts and never fewer than the characters.
const MaxMessageLen = 4096

// Renderer writes messages in one language. It is safe for concurrent use.
type Renderer struct {
	t   *texts.Catalogue
	loc *time.Location
}

// New returns the renderer of a catalogue; loc is the operator's time
// zone, for times in messages (nil: UTC).
func New(t *texts.Catalogue, loc *time.Location) *Renderer {
	if loc == nil {
		loc = time.UTC
	}
	return &Renderer{t: t, loc: loc}
}

// Unicode isolates keep a Latin or numeric run in its own direction inside
// Arabic text, so "Apple" or "3.5%" cannot reorder the words around it.
const (
	fsi = "\u2068" // FIRST STRONG ISOLATE
	pdi = "\u2069" // POP DIRECTIONAL ISOLATE
)

// maxURLLen bounds a link the bot makes.
const maxURLLen = 2048

// Quote shows an outside string inside a sentence: cleaned to one line,
// isolated, escaped, between the language's quotation marks.
func (r *Renderer) Quote(s string) string {
	return r.f(r.t.Quote, Esc(Isolate(CleanLine(s))))
}

// f formats a catalogue entry (its fmt tag names the arguments).
func (r *Renderer) f(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// Link is an <a> to rawURL with the catalogue's LinkLabel, or "" unless
// the URL is a plain absolute http or https address.
func (r *Renderer) Link(rawURL string) string {
	u, ok := SafeURL(rawURL)
	if !ok {
		return ""
	}
	return `<a href="` + Esc(u) + `">` + r.t.LinkLabel + `</a>`
}

// When formats a time in the operator's zone, or says it never came.
func (r *Renderer) When(t time.Time) string {
	if t.IsZero() {
		return r.t.Never
	}
	return Isolate(t.In(r.loc).Format("2006-01-02 15:04"))
}

// SafeURL returns rawURL trimmed when it is a plain absolute http or https
// address, the only links the bot makes.
func SafeURL(rawURL string) (string, bool) {
	rawURL = strings.TrimSpace(rawURL)
	if rawURL == "" || len(rawURL) > maxURLLen || strings.IndexFunc(rawURL, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || IsBidiControl(r)
	}) >= 0 {
		return "", false
	}
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" || (!strings.EqualFold(u.Scheme, "http") && !strings.EqualFold(u.Scheme, "https")) {
		return "", false
	}
	return rawURL, true
}

// Esc escapes text for Telegram HTML (text and attribute values).
func Esc(s string) string {
	return htmlEscaper.Replace(s)
}

var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

// StripTags turns one of our HTML texts into plain text (for callback
// answers, which take no markup).
func StripTags(s string) string {
	var sb strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>' && in:
			in = false
		case !in:
			sb.WriteRune(r)
		}
	}
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&quot;", `"`, "&amp;", "&").Replace(sb.String())
}

// IsBidiControl reports the explicit directional formatting characters
// (embeddings, overrides, isolates and marks), which outside text must not
// smuggle into ours.
func IsBidiControl(r rune) bool {
	switch {
	case r == 0x061C, r == 0x200E, r == 0x200F:
		return true
	case r >= 0x202A && r <= 0x202E:
		return true
	case r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// CleanText removes bidi controls, stray zero-width characters and control
// characters (keeping newlines), and trims each line.
func CleanText(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var sb strings.Builder
	sb.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\n':
			sb.WriteRune(r)
		case r == '\t' || r == '\r' || r == 0x2028 || r == 0x2029:
			sb.WriteByte(' ')
		case IsBidiControl(r), r == 0x200B, r == 0x2060, r == 0xFEFF, r == 0x00AD, unicode.IsControl(r):
		default:
			sb.WriteRune(r)
		}
	}
	lines := strings.Split(sb.String(), "\n")
	out := lines[:0]
	blank := false
	for _, l := range lines {
		l = strings.Join(strings.Fields(l), " ")
		if l == "" {
			if !blank && len(out) > 0 {
				out = append(out, "")
			}
			blank = true
			continue
		}
		blank = false
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

// CleanLine is CleanText on one line: newlines become spaces.
func CleanLine(s string) string {
	return strings.Join(strings.Fields(CleanText(s)), " ")
}

// isRTL reports a strong right-to-left character (Arabic, Hebrew…).
func isRTL(r rune) bool {
	c := bidiClass(r)
	return c == bidi.R || c == bidi.AL
}

func bidiClass(r rune) bidi.Class {
	p, _ := bidi.LookupRune(r)
	return p.Class()
}

// Isolate wraps s in FSI…PDI when it holds any left-to-right letter or
// digit, so it keeps its own direction wherever it is placed.
func Isolate(s string) string {
	if strings.IndexFunc(s, startsLTR) >= 0 {
		return fsi + s + pdi
	}
	return s
}

// startsLTR reports a left-to-right letter or a European digit. Symbols of
// class L (flag emoji are regional indicator letters to bidi) do not count:
// isolating them would move a flag to the wrong side of its name.
func startsLTR(r rune) bool {
	c := bidiClass(r)
	return c == bidi.EN || c == bidi.L && (unicode.IsLetter(r) || unicode.IsMark(r))
}

// IsolateMixed wraps each Latin or numeric run inside right-to-left text in
// FSI…PDI ("قالت Apple إن" or "بنسبة 3.5% في"). Text without any
// right-to-left letter is left alone.
func IsolateMixed(s string) string {
	if strings.IndexFunc(s, isRTL) < 0 {
		return s
	}
	rs := []rune(s)
	var sb strings.Builder
	sb.Grow(len(s) + 16)
	for i := 0; i < len(rs); {
		if !startsLTR(rs[i]) {
			sb.WriteRune(rs[i])
			i++
			continue
		}
		// Extend through letters, digits and the neutrals between them,
		// then give back trailing neutrals (except % and other ET signs).
		last := i
		for j := i; j < len(rs); j++ {
			c := bidiClass(rs[j])
			if startsLTR(rs[j]) || c == bidi.ET {
				last = j
				continue
			}
			if c == bidi.ES || c == bidi.CS || c == bidi.WS || c == bidi.NSM || c == bidi.BN || c == bidi.ON {
				continue
			}
			break
		}
		sb.WriteString(fsi + string(rs[i:last+1]) + pdi)
		i = last + 1
	}
	return sb.String()
}

// Pack joins a header and blocks with blank lines into as few messages as
// fit in limit (measured on the HTML, which is never shorter than what
// Telegram counts).
func Pack(header string, blocks []string, limit int) []string {
	var out []string
	cur := header
	for _, blk := range blocks {
		if cur == "" {
			cur = blk
			continue
		}
		if textcut.Len16(cur)+2+textcut.Len16(blk) > limit {
			out = append(out, cur)
			cur = blk
			continue
		}
		cur += "\n\n" + blk
	}
	if cur != "" {
		out = append(out, cur)
	}
	return out
}
