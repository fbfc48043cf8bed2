package summary

import (
	"html"
	"math"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/ajel-news/ajel/arabic"
	"github.com/ajel-news/ajel/internal/htmltext"
)

// agencies are the wire services and outlets that open datelines.
const agencies = `رويترز|أ\s?ف\s?ب|ا\s?ف\s?ب|أ\.ف\.ب|فرانس\s?برس|الفرنسية|الأناضول|سانا|واس|وام|قنا|كونا|بترا|د\s?ب\s?أ|` +
	`أسوشيتد\s?برس|أسوشيتدبرس|أ\s?ب|يو\s?بي\s?آي|شينخوا|سبوتنيك|العربية\.نت|العربية\s?نت|سكاي\s?نيوز\s?عربية|` +
	`الجزيرة\s?نت|الجزيرة|بي\s?بي\s?سي|وكالات|خاص|CNN|BBC|AFP|AP|Reuters|RT|DPA|Xinhua`

// The patterns are compiled once and only read afterwards.
var (
	// "القاهرة في 5 مايو (رويترز) -" or "(أ ف ب) -"
	agencyInParens = regexp.MustCompile(`^[^()\n]{0,60}?[(（]\s*(?i:` + agencies + `)\s*[)）]\s*[-–—:]?\s*`)
	// "دبي - العربية.نت -" or "بيروت- سانا:"
	agencyAfter = regexp.MustCompile(`^[^()\n.،:\-–—]{0,40}?\s*[-–—]\s*(?i:` + agencies + `)\s*[-–—:]\s*`)
	// "بيروت - (الشام اليوم) -": a place, then any outlet in parentheses
	// between dashes, even one not in the agency list.
	placeParensDash = regexp.MustCompile(`^\p{L}+(?:\s\p{L}+)?\s*[-–—]\s*[(（][^()\n]{1,40}[)）]\s*[-–—:]\s*`)
	// "الرياض - أعلنت…": a place of one or two words and a spaced dash.
	placeDash = regexp.MustCompile(`^\p{L}+(?:\s\p{L}+)?\s+[-–—]\s+`)
	htmlTag   = regexp.MustCompile(`<[^<>]{0,400}>`)
	blockTag  = regexp.MustCompile(`(?i)<\s*(?:br|/p|/div|/li|/h[1-6]|/tr|/blockquote)\b[^<>]{0,200}>`)
	urlRE     = regexp.MustCompile(`(?i)\b(?:https?://|www\.)\S+`)
)

// boilerRule is a line opening (normalized tokens) that marks a line as
// not content, when the line has at most maxTokens tokens (0: any length).
type boilerRule struct {
	words     []string
	maxTokens int
}

// boilerRules are built once and only read; the token lists are normalized.
var boilerRules = buildRules([]struct {
	phrase string
	max    int
}{
	{"اقرأ أيضا", 0}, {"اقرأ أيضاً", 0}, {"اقرأ المزيد", 0}, {"اقرأ كذلك", 0}, {"اقرأ", 12},
	{"شاهد أيضا", 0}, {"شاهد", 10}, {"انظر أيضا", 0}, {"طالع أيضا", 0}, {"المزيد", 10},
	{"مواضيع ذات صلة", 0}, {"ذات صلة", 0}, {"روابط ذات صلة", 0}, {"أخبار ذات صلة", 0},
	{"المصدر", 12}, {"مصدر الصورة", 0}, {"حقوق الصورة", 0}, {"تعليق على الصورة", 0},
	{"الصورة", 14}, {"صورة", 14}, {"صورة أرشيفية", 0}, {"فيديو", 10}, {"بالفيديو", 10}, {"بالصور", 10},
	{"تابعونا", 0}, {"تابعنا", 0}, {"تابعوا", 15}, {"لمتابعة", 15}, {"للمزيد", 15}, {"للاطلاع", 15},
	{"شاركوا", 0}, {"شارك", 6}, {"شارك هذا", 0}, {"شارك الخبر", 0}, {"شارك المقال", 0},
	{"اشترك", 15}, {"اشتركوا", 0}, {"للاشتراك", 0}, {"حمل تطبيق", 0}, {"حملوا تطبيق", 0}, {"حمل التطبيق", 0},
	{"انضم", 12}, {"انضموا", 0}, {"اضغط", 15}, {"اضغطوا", 0}, {"انقر", 15}, {"إقرأ", 12},
	{"جميع الحقوق محفوظة", 0}, {"حقوق النشر", 0}, {"تحديث", 6}, {"آخر تحديث", 0}, {"نشر في", 8},
	{"image copyright", 0}, {"image caption", 0}, {"media caption", 0}, {"getty images", 0},
	{"follow us", 0}, {"read more", 0}, {"read also", 0}, {"click here", 0}, {"share", 8},
	{"subscribe", 12}, {"copyright", 0}, {"all rights reserved", 0}, {"advertisement", 0}, {"إعلان", 2},
})

func buildRules(in []struct {
	phrase string
	max    int
}) map[string][]boilerRule {
	m := make(map[string][]boilerRule, len(in))
	for _, r := range in {
		if r.max > maxRuleTokens {
			panic("summary: a boilerplate rule allows more words than IsBoilerplate reads")
		}
		w := arabic.Tokens(r.phrase)
		m[w[0]] = append(m[w[0]], boilerRule{words: w, maxTokens: r.max})
	}
	return m
}

// IsBoilerplate reports whether a line (or sentence) is not content: a
// "read also" or "follow us" call, a share or subscribe prompt, a
// "المصدر: …" credit, a photo caption or credit, a copyright line, a bare
// link, or only hashtags and mentions.
func IsBoilerplate(line string) bool {
	if plainContent(line) {
		return false
	}
	// Every rule is decided by a line's first words and, for some, by a
	// length of at most maxRuleTokens words, so a long line is read only
	// as far as that needs.
	head, cut := lineHead(line, 200)
	toks := arabic.Tokens(head)
	if cut && len(toks) <= maxRuleTokens {
		head, cut = lineHead(line, 400)
		toks = arabic.Tokens(head)
	}
	if cut {
		return isBoilerplate(line, toks, math.MaxInt)
	}
	return isBoilerplate(line, toks, len(toks))
}

// plainContent is IsBoilerplate's shortcut for most lines: its first word
// opens no rule, and it has no copyright notice, link, hashtag or mention.
func plainContent(line string) bool {
	head, _ := lineHead(line, 48)
	toks := arabic.Tokens(head)
	if len(toks) == 0 || len(boilerRules[toks[0]]) > 0 {
		return false
	}
	return !strings.Contains(line, "حقوق") && !strings.Contains(line, "//") &&
		!strings.Contains(line, "www.") && !strings.Contains(line, "WWW.") && !strings.ContainsAny(line, "#@")
}

// maxRuleTokens is the longest line a length-limited boilerplate rule
// accepts (see boilerRules).
const maxRuleTokens = 15

// lineHead returns the first n bytes of line, cut at a rune boundary, and
// whether that left something out.
func lineHead(line string, n int) (string, bool) {
	if len(line) <= n {
		return line, false
	}
	for n > 0 && !utf8.RuneStart(line[n]) {
		n--
	}
	return line[:n], true
}

// copyrightWords is "جميع الحقوق محفوظة" in matching form.
var copyrightWords = arabic.Tokens("جميع الحقوق محفوظة")

// isBoilerplate is IsBoilerplate for a line whose opening tokens (toks,
// normalized) are already known and which has n tokens in all.
func isBoilerplate(line string, toks []string, n int) bool {
	if len(toks) == 0 {
		return true
	}
	for _, r := range boilerRules[toks[0]] {
		if r.maxTokens > 0 && n > r.maxTokens || len(toks) < len(r.words) {
			continue
		}
		if slices.Equal(toks[:len(r.words)], r.words) {
			return true
		}
	}
	if containsRun(toks, copyrightWords) {
		return true
	}
	if strings.Contains(line, "//") || strings.Contains(line, "www.") || strings.Contains(line, "WWW.") {
		if urlRE.MatchString(line) && len(arabic.Tokens(urlRE.ReplaceAllString(line, " "))) < 6 {
			return true
		}
	}
	if !strings.ContainsAny(line, "#@") {
		return false
	}
	tagged := 0
	fields := strings.Fields(line)
	for _, f := range fields {
		if strings.HasPrefix(f, "#") || strings.HasPrefix(f, "@") {
			tagged++
		}
	}
	return tagged > 0 && tagged*2 >= len(fields)
}

// containsRun reports whether run appears in toks as consecutive tokens.
func containsRun(toks, run []string) bool {
	for i := 0; i+len(run) <= len(toks); i++ {
		if slices.Equal(toks[i:i+len(run)], run) {
			return true
		}
	}
	return false
}

// StripDateline removes a dateline from the start of s ("بيروت - (رويترز) -",
// "دبي - العربية.نت:", "(أ ف ب) -", "الرياض - ") and returns the rest
// trimmed, which is "" when s is only a dateline.
func StripDateline(s string) string {
	s = strings.TrimSpace(s)
	// Every dateline has a parenthesis or a dash among its first few
	// words; most lines have none, and the patterns cost more than this.
	if head, _ := lineHead(s, 300); !mayHaveDateline(head) {
		return s
	}
	for _, re := range []*regexp.Regexp{placeParensDash, agencyInParens, agencyAfter, placeDash} {
		if loc := re.FindStringIndex(s); loc != nil {
			return strings.TrimSpace(s[loc[1]:])
		}
	}
	return s
}

// mayHaveDateline reports whether head holds a parenthesis or a dash, which
// every dateline pattern needs. (strings.ContainsAny is slow for a set with
// non-ASCII characters.)
func mayHaveDateline(head string) bool {
	return strings.IndexByte(head, '(') >= 0 || strings.IndexByte(head, '-') >= 0 ||
		strings.Contains(head, "（") || strings.Contains(head, "–") || strings.Contains(head, "—")
}

// StripHTML turns HTML remnants into text: block tags become line breaks,
// other tags are removed and entities are decoded.
func StripHTML(s string) string {
	if strings.IndexByte(s, '<') >= 0 {
		s = blockTag.ReplaceAllString(s, "\n")
		s = htmlTag.ReplaceAllString(s, " ")
	}
	if strings.IndexByte(s, '&') >= 0 {
		s = html.UnescapeString(s)
	}
	return strings.ReplaceAll(s, "\u00a0", " ")
}

// Clean returns the content of an article body, one paragraph a line:
// HTML remnants stripped, boilerplate lines dropped, each line's dateline
// removed and runs of spaces collapsed.
func Clean(text string) string {
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "")
	}
	text = StripHTML(text)
	var b strings.Builder
	for line := range strings.Lines(text) {
		line = htmltext.SquashSpaces(strings.TrimRight(line, "\r\n"))
		if line == "" || IsBoilerplate(line) {
			continue
		}
		line = StripDateline(line)
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(line)
	}
	return b.String()
}
