package pipeline

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"

	"github.com/ajel-news/ajel/internal/htmltext"
)

// These patterns are compiled once and only read afterwards.
var (
	// looksLikeTag finds an opening, closing or comment tag; a lone "<" in
	// prose ("3 < 5") is not HTML.
	looksLikeTag = regexp.MustCompile(`<(?:[a-zA-Z][a-zA-Z0-9]*[\s/>]|/[a-zA-Z]|!--)`)
	// onlyURL is a line holding nothing but a link.
	onlyURL = regexp.MustCompile(`(?i)^[<(\[]?(?:https?://|www\.)\S+?[>)\].,،]?$`)
	// photoCredit is a parenthesized picture caption or credit, anywhere
	// in a line: "(صورة: رويترز)", "(الصورة أرشيفية)", "(تصوير: …)". RE2's
	// \b knows only ASCII words, hence the explicit separators.
	photoCredit = regexp.MustCompile(`\((?i:\s*(?:(?:ال)?صور[ةه]|تصوير|photo|image|credit))(?:\s*[:：\-–]|\s)[^()]{0,120}\)`)
	// captionLine opens a line that is a picture caption or credit:
	// "الصورة: …", "صورة أرشيفية: …", "تصوير: …", "Photo: …".
	captionLine = regexp.MustCompile(`(?i)^(?:(?:ال)?صور[ةه](?:\s+(?:أرشيفية|ارشيفية|من الأرشيف))?|تصوير|(?:مصدر|حقوق) الصور[ةه]|photo(?:graph)?|image|picture|credit)\s*[:：\-–]|^(?:ال)?صور[ةه] (?:أرشيفية|ارشيفية)$`)
	// wordpressFooter is the line WordPress appends to every feed item.
	wordpressFooter = regexp.MustCompile(`(?i)^(?:the post .+ appeared first on .+|ظهر(?:ت)? (?:المقال|المقالة|الموضوع|الخبر) .+ (?:اولا|أولا|أولاً|اولاً) (?:على|في) .+)$`)
	// readMoreTail is a "…continue reading" stub at the end of a line.
	readMoreTail = regexp.MustCompile(`(?i)\s*(?:\[(?:…|\.\.\.)\]|(?:continue reading|read more|تابع القراءة|أكمل القراءة|اقرأ المزيد)\s*(?:…|\.\.\.|»|›|→)?)$`)
)

// boilerplate is a line opening (in folded form, see fold) that marks a
// line as not part of the story when the line has at most maxWords words;
// 0 means any length. Short limits protect real sentences that happen to
// open with the same word ("شارك آلاف المتظاهرين في مسيرة…").
type boilerplate struct {
	prefix   string
	maxWords int
}

// boilerplates are the rules Clean applies, their prefixes folded once.
var boilerplates = foldRules([]boilerplate{
	{"شارك", 1}, {"شاركها", 1}, {"شارك هذا", 0}, {"شارك الخبر", 0}, {"شارك المقال", 0},
	{"شارك على فيسبوك", 0}, {"شارك على تويتر", 0}, {"شارك عبر", 4}, {"شاركوا", 1},
	{"شاركوا الخبر", 0}, {"شاركوا المقال", 0}, {"شاركوا هذا", 0}, {"مشاركه", 2},
	{"تابعونا", 0}, {"تابعنا", 0}, {"تابعوا", 12}, {"لمتابعه", 12},
	{"اقرا ايضا", 0}, {"اقرا المزيد", 0}, {"اقرا كذلك", 0}, {"اقرا", 3}, {"طالع ايضا", 0},
	{"شاهد ايضا", 0}, {"للمزيد", 10}, {"اخبار ذات صله", 0},
	{"مواضيع ذات صله", 0}, {"ذات صله", 4}, {"روابط ذات صله", 0},
	{"مصدر الصوره", 0}, {"حقوق الصوره", 0}, {"تعليق على الصوره", 0},
	{"اشترك", 1}, {"اشترك في قناه", 0}, {"اشترك في النشره", 0}, {"اشترك الان", 0},
	{"اشتركوا", 0}, {"للاشتراك", 0}, {"حمل تطبيق", 0}, {"حملوا تطبيق", 0},
	{"انضم الى قناه", 0}, {"انضم لقناه", 0}, {"انضموا", 0}, {"جميع الحقوق محفوظه", 0}, {"حقوق النشر", 0},
	{"share this", 0}, {"share on", 0}, {"share", 2}, {"follow us", 0}, {"read more", 0},
	{"read also", 0}, {"related", 3}, {"continue reading", 0}, {"click here", 0},
	{"getty images", 0}, {"copyright", 0}, {"©", 0},
	{"all rights reserved", 0}, {"advertisement", 2}, {"اعلان", 1},
	{"تابع القراءه", 0}, {"اكمل القراءه", 0},
})

func foldRules(rules []boilerplate) []boilerplate {
	for i := range rules {
		rules[i].prefix = fold(rules[i].prefix)
	}
	return rules
}

// boilerplateOpeners are the first characters of the boilerplate rules,
// folded: a line that opens with none of them is not folded at all.
var boilerplateOpeners = func() map[rune]bool {
	m := map[rune]bool{}
	for _, bp := range boilerplates {
		r, _ := utf8.DecodeRuneInString(bp.prefix)
		m[r] = true
	}
	return m
}()

// opensLikeBoilerplate reports whether the first character fold keeps of
// line opens a boilerplate rule.
func opensLikeBoilerplate(line string) bool {
	for _, r := range line {
		if f, ok := foldRune(r); ok && !unicode.IsSpace(f) {
			return boilerplateOpeners[f]
		}
	}
	return false
}

// Clean turns an article body into plain text, one paragraph a line: HTML
// (when the text still contains tags) becomes text with block elements as
// line breaks, entities are decoded, white space is collapsed and every line
// trimmed; boilerplate lines are dropped: share and follow prompts ("شارك
// هذا المقال", "تابعونا على…", "Share this", "Follow us"), "اقرأ أيضا" and
// "اقرأ المزيد" links, photo captions and credits ("(صورة: …)", "الصورة:
// …"), copyright notes, lines that are only a URL or only punctuation, and
// WordPress's "The post … appeared first on …". A line repeated right after
// itself is kept once.
func Clean(text string) string {
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "")
	}
	if looksLikeTag.MatchString(text) {
		text = htmltext.FromHTML(text)
	} else if strings.IndexByte(text, '&') >= 0 {
		text = html.UnescapeString(text)
	}
	var b strings.Builder
	prev := ""
	for line := range strings.SplitSeq(strings.ReplaceAll(text, "\r", "\n"), "\n") {
		line = htmltext.SquashSpaces(line)
		if strings.IndexByte(line, '(') >= 0 {
			line = htmltext.SquashSpaces(photoCredit.ReplaceAllString(line, ""))
		}
		line = cutReadMore(line)
		if line == "" || line == prev || isBoilerplate(line) {
			continue
		}
		prev = line
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(line)
	}
	return b.String()
}

// cleanLine is Clean for a title: markup and entities go, white space
// collapses to single spaces on one line; nothing is dropped as boilerplate.
func cleanLine(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	if looksLikeTag.MatchString(s) {
		s = htmltext.FromHTML(s)
	} else if strings.IndexByte(s, '&') >= 0 {
		s = html.UnescapeString(s)
	}
	return htmltext.SquashSpaces(s)
}

// cutReadMore removes a "continue reading" stub from the end of a line.
// Only the line's tail is searched: an unanchored regexp over a whole long
// paragraph costs more than the rest of Clean.
func cutReadMore(line string) string {
	start := max(len(line)-64, 0)
	for start > 0 && !utf8.RuneStart(line[start]) {
		start--
	}
	tail := line[start:]
	if !mayEndWithReadMore(tail) {
		return line
	}
	loc := readMoreTail.FindStringIndex(tail)
	if loc == nil {
		return line
	}
	return strings.TrimSpace(line[:start+loc[0]])
}

// readMoreEnds are the last characters of every stub readMoreTail finds,
// in lower case: a line ending otherwise is not searched.
var readMoreEnds = []string{"]", "…", "...", "»", "›", "→", "reading", "more", "القراءة", "المزيد"}

// mayEndWithReadMore reports whether tail could end with a read-more stub.
func mayEndWithReadMore(tail string) bool {
	tail = strings.TrimRightFunc(tail, unicode.IsSpace)
	for _, e := range readMoreEnds {
		if len(tail) >= len(e) && strings.EqualFold(tail[len(tail)-len(e):], e) {
			return true
		}
	}
	return false
}

// isBoilerplate reports whether a trimmed line is a prompt, a credit or a
// link rather than news.
func isBoilerplate(line string) bool {
	// Each pattern runs only on lines it could match: a link alone has no
	// space, WordPress's footer opens with "The post" or "ظهر", a caption
	// has at most 15 words.
	if strings.IndexByte(line, ' ') < 0 && onlyURL.MatchString(line) {
		return true
	}
	if (hasPrefixFold(line, "the post ") || strings.HasPrefix(line, "ظهر")) && wordpressFooter.MatchString(line) {
		return true
	}
	if strings.Count(line, " ") < 15 && captionLine.MatchString(line) {
		return true
	}
	if strings.IndexFunc(line, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) < 0 {
		return true // "***", "—", "•"
	}
	// Rules are decided by a line's opening words, so only its head is
	// folded to find one; the words are counted only when one opens it,
	// and a long line counts as having many.
	if !opensLikeBoilerplate(line) {
		return false
	}
	f := fold(truncateBytes(line, 160))
	words := -1
	for _, bp := range boilerplates {
		if !strings.HasPrefix(f, bp.prefix) {
			continue
		}
		// The prefix must end at a word boundary: "شاركت" is not "شارك".
		if r, _ := utf8.DecodeRuneInString(f[len(bp.prefix):]); len(f) > len(bp.prefix) && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			continue
		}
		if bp.maxWords == 0 {
			return true
		}
		if words < 0 {
			words = 1000
			if len(line) <= 400 {
				words = strings.Count(fold(line), " ") + 1
			}
		}
		if words <= bp.maxWords {
			return true
		}
	}
	return false
}

// fold lower-cases s, drops Arabic diacritics and tatweel and unifies the
// alef, yeh and teh marbuta spellings, so that boilerplate rules need one
// spelling each. Punctuation becomes spaces and is trimmed from the ends.
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if f, ok := foldRune(r); ok {
			b.WriteRune(f)
		}
	}
	return htmltext.SquashSpaces(b.String())
}

// foldRune is fold for one rune: false when the rune is dropped.
func foldRune(r rune) (rune, bool) {
	switch {
	case r >= 0x064B && r <= 0x065F, r == 0x0670, r == 0x0640:
		return 0, false
	case r == 'أ', r == 'إ', r == 'آ', r == 'ٱ':
		return 'ا', true
	case r == 'ى':
		return 'ي', true
	case r == 'ة':
		return 'ه', true
	case r == '©':
		return r, true
	case unicode.IsPunct(r) || unicode.IsSymbol(r):
		return ' ', true
	}
	return unicode.ToLower(r), true
}

// breakingMarkers open an urgent headline, in case-folded form, longest
// first so "breaking news" wins over "breaking".
var breakingMarkers = []string{"breaking news", "breaking", "urgent", "عاجل جدا", "عاجل"}

// SplitBreakingMarker removes a breaking-news marker from the start of a
// title and reports whether there was one: "عاجل: …", "عاجل | …", "[عاجل]
// …", "عاجل - …", "🔴 عاجل …", "BREAKING: …" (any case). The marker must be a
// whole word ("عاجلة" and "Breakingviews" are not markers). A title that is
// only the marker comes back empty with breaking true; the separators after
// the marker are removed, and a title without one comes back trimmed.
func SplitBreakingMarker(title string) (clean string, breaking bool) {
	title = strings.TrimSpace(title)
	s := strings.TrimLeftFunc(title, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	for _, m := range breakingMarkers {
		if len(s) < len(m) || !strings.EqualFold(s[:len(m)], m) {
			continue
		}
		rest := s[len(m):]
		if r, _ := utf8.DecodeRuneInString(rest); rest != "" &&
			(unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)) {
			continue
		}
		rest = strings.TrimLeftFunc(rest, func(r rune) bool {
			return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r)
		})
		return strings.TrimSpace(rest), true
	}
	return title, false
}

// hasPrefixFold reports whether s opens with prefix in any case.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
