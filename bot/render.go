package bot

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/bidi"

	"github.com/ajel-news/ajel/arabic"
	"github.com/ajel-news/ajel/internal/textcut"
	"github.com/ajel-news/ajel/news"
)

// maxMessageLen is Telegram's limit on a message's text after entity
// parsing. It is counted here in UTF-16 code units, which is what Telegram
// counts and never fewer than the characters.
const maxMessageLen = 4096

// Limits inside a push, so no one field can crowd out the rest.
const (
	maxTitleLen  = 1024
	maxTopicLen  = 100
	maxSourceLen = 100
	maxURLLen    = 2048
	minSummary   = 40 // below this a cut summary says nothing: drop it
	// maxOtherLinks and maxOtherName bound the "مصادر أخرى" line.
	maxOtherLinks = 3
	maxOtherName  = 50
)

// Unicode isolates keep a Latin or numeric run in its own direction inside
// Arabic text, so "Apple" or "3.5%" cannot reorder the words around it.
const (
	fsi = "\u2068" // FIRST STRONG ISOLATE
	pdi = "\u2069" // POP DIRECTIONAL ISOLATE
)

// RenderPush renders a pushed story in Telegram HTML:
//
//	🔴 أخبار عاجلة · <topic>          (📰 when not breaking)
//	<b>title</b>
//	summary
//	المصدر: <source> · <a href="url">الرابط</a> · وأفادت به N مصادر أخرى
//	مصادر أخرى: <a href="url2">source2</a> · <a href="url3">source3</a>
//
// The last line lists up to three of p.Others (an outlet without a usable
// link is named without one).
//
// Every field is cleaned of control and bidi characters and escaped; Latin
// and numeric runs inside Arabic text are isolated; only http(s) links are
// linked; and the visible text never exceeds Telegram's 4096 characters
// (the summary, then the title, is cut at a word boundary with "…").
func RenderPush(p news.Push) string {
	icon := "📰 "
	if p.Breaking {
		icon = "🔴 "
	}
	header, headerHTML := icon+msgBreaking, icon+msgBreaking
	if topic := textcut.Words(cleanLine(p.Topic), maxTopicLen); topic != "" {
		header += " · " + isolate(topic)
		headerHTML += " · " + esc(isolate(topic))
	}

	var footer, footerHTML []string
	if src := textcut.Words(cleanLine(p.Source), maxSourceLen); src != "" {
		footer = append(footer, msgSourceLabel+isolate(src))
		footerHTML = append(footerHTML, msgSourceLabel+esc(isolate(src)))
	}
	if link := linkHTML(p.URL); link != "" {
		footer = append(footer, msgLinkLabel)
		footerHTML = append(footerHTML, link)
	}
	if p.OtherSources > 0 {
		footer = append(footer, otherSources(p.OtherSources))
		footerHTML = append(footerHTML, otherSources(p.OtherSources))
	}
	others, othersHTML := otherLinks(p.Others)
	fixed := textcut.Len16(header) + textcut.Len16(strings.Join(footer, " · "))
	if len(footer) > 0 {
		fixed++ // newline before the footer
	}
	if others != "" {
		fixed += 1 + textcut.Len16(others)
	}

	title := textcut.Words(cleanLine(p.Title), maxTitleLen)
	summary := cleanText(p.Summary)
	// Cut the summary first, then the title, until the visible text fits;
	// isolates added after cutting are measured too, hence the loop.
	for range 8 {
		t, s := isolateMixed(title), isolateMixed(summary)
		n := fixed + 1 + textcut.Len16(t)
		if s != "" {
			n += 1 + textcut.Len16(s)
		}
		over := n - maxMessageLen
		if over <= 0 {
			break
		}
		if summary != "" {
			budget := textcut.Len16(summary) - over - 2 // room for "…" and an isolate
			if budget < minSummary {
				summary = ""
				continue
			}
			summary = textcut.Words(summary, budget)
			continue
		}
		title = textcut.Words(title, max(textcut.Len16(title)-over-2, 1))
	}

	var sb strings.Builder
	sb.WriteString(headerHTML)
	sb.WriteString("\n<b>" + esc(isolateMixed(title)) + "</b>")
	if summary != "" {
		sb.WriteString("\n" + esc(isolateMixed(summary)))
	}
	if len(footerHTML) > 0 {
		sb.WriteString("\n" + strings.Join(footerHTML, " · "))
	}
	if othersHTML != "" {
		sb.WriteString("\n" + othersHTML)
	}
	return sb.String()
}

// otherLinks renders the line naming other outlets that carried a story,
// as visible text and as HTML; both are empty when there is none.
func otherLinks(ls []news.SourceLink) (text, html string) {
	var names, links []string
	for _, l := range ls {
		name := textcut.Words(cleanLine(l.Name), maxOtherName)
		if name == "" {
			continue
		}
		names = append(names, isolate(name))
		if u, ok := safeURL(l.URL); ok {
			links = append(links, `<a href="`+esc(u)+`">`+esc(isolate(name))+`</a>`)
		} else {
			links = append(links, esc(isolate(name)))
		}
		if len(names) == maxOtherLinks {
			break
		}
	}
	if len(names) == 0 {
		return "", ""
	}
	return msgOthersLabel + strings.Join(names, " · "), msgOthersLabel + strings.Join(links, " · ")
}

// linkHTML is an <a> to rawURL with the text "الرابط", or "" unless the URL
// is a plain absolute http or https address.
func linkHTML(rawURL string) string {
	u, ok := safeURL(rawURL)
	if !ok {
		return ""
	}
	return `<a href="` + esc(u) + `">` + msgLinkLabel + `</a>`
}

// safeURL returns rawURL trimmed when it is a plain absolute http or https
// address, the only links the bot makes.
func safeURL(rawURL string) (string, bool) {
	rawURL = strings.TrimSpace(rawURL)
	if rawURL == "" || len(rawURL) > maxURLLen || strings.IndexFunc(rawURL, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || isBidiControl(r)
	}) >= 0 {
		return "", false
	}
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" || (!strings.EqualFold(u.Scheme, "http") && !strings.EqualFold(u.Scheme, "https")) {
		return "", false
	}
	return rawURL, true
}

// esc escapes text for Telegram HTML (text and attribute values).
func esc(s string) string {
	return htmlEscaper.Replace(s)
}

var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

// quote shows an outside string in Arabic quotation marks, escaped and
// isolated from the sentence around it.
func quote(s string) string {
	return "«" + esc(isolate(cleanLine(s))) + "»"
}

// stripTags turns one of our HTML texts into plain text (for callback
// answers, which take no markup).
func stripTags(s string) string {
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

// isBidiControl reports the explicit directional formatting characters
// (embeddings, overrides, isolates and marks), which outside text must not
// smuggle into ours.
func isBidiControl(r rune) bool {
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

// cleanText removes bidi controls, stray zero-width characters and control
// characters (keeping newlines), and trims each line.
func cleanText(s string) string {
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
		case isBidiControl(r), r == 0x200B, r == 0x2060, r == 0xFEFF, r == 0x00AD, unicode.IsControl(r):
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

// cleanLine is cleanText on one line: newlines become spaces.
func cleanLine(s string) string {
	return strings.Join(strings.Fields(cleanText(s)), " ")
}

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

// isRTL reports a strong right-to-left character (Arabic, Hebrew…).
func isRTL(r rune) bool {
	c := bidiClass(r)
	return c == bidi.R || c == bidi.AL
}

func bidiClass(r rune) bidi.Class {
	p, _ := bidi.LookupRune(r)
	return p.Class()
}

// isolate wraps s in FSI…PDI when it holds any left-to-right letter or
// digit, so it keeps its own direction wherever it is placed.
func isolate(s string) string {
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

// isolateMixed wraps each Latin or numeric run inside right-to-left text in
// FSI…PDI ("قالت Apple إن" or "بنسبة 3.5% في"). Text without any
// right-to-left letter is left alone.
func isolateMixed(s string) string {
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

// packMessages joins a header and blocks with blank lines into as few
// messages as fit in limit (measured on the HTML, which is never shorter
// than what Telegram counts).
func packMessages(header string, blocks []string, limit int) []string {
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

// cleanKeyword checks a keyword (or a mute) a reader typed and returns
// its display form, or the Arabic reason it is refused. What the keyword
// index drops as invisible (arabic.IsInvisible: a variation selector, the
// combining grapheme joiner, a Hangul filler, zero-width characters) is
// stripped, so the word stored and shown is the one that matches; bidi
// controls, which would reorder what the reader is shown, and other
// control or format characters are refused.
func cleanKeyword(raw string) (display, reason string) {
	for _, r := range raw {
		if isBidiControl(r) || (unicode.IsControl(r) && !unicode.IsSpace(r)) ||
			(unicode.Is(unicode.Cf, r) && !arabic.IsInvisible(r)) {
			return "", msgKeywordControl
		}
	}
	display = strings.Join(strings.Fields(stripInvisible(raw)), " ")
	switch {
	case display == "" && strings.TrimSpace(raw) != "":
		return "", msgKeywordControl
	case display == "":
		return "", msgKeywordEmpty
	case utf8.RuneCountInString(display) > maxKeywordLen:
		return "", msgKeywordTooLong(maxKeywordLen)
	case strings.IndexFunc(display, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }) < 0:
		return "", msgKeywordSymbols
	}
	return display, ""
}

// maxKeywordLen is the longest keyword, in characters.
const maxKeywordLen = 64

// defaultTerms splits a query into lower-cased words when no SearchTerms
// was given.
func defaultTerms(q string) []string {
	return strings.FieldsFunc(strings.ToLower(q), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r)
	})
}
