// Package clean turns what feeds and newsrooms send into the plain text of
// the story: HTML to text, and the lines that are not the story dropped —
// share and follow prompts, "read also" links, photo captions and credits,
// copyright notes, bare links, datelines. It is the one cleaner: analyze
// runs it on every article, and the summary evaluation on its corpora.
package clean

import (
	"html"
	"math"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ajel-news/ajel/arabic"
	"github.com/ajel-news/ajel/internal/htmltext"
)

// These patterns are compiled once and only read afterwards.
var (
	// looksLikeTag finds an opening, closing or comment tag; a lone "<" in
	// prose ("3 < 5") is not HTML.
	looksLikeTag = regexp.MustCompile(`<(?:[a-zA-Z][a-zA-Z0-9]*[\s/>]|/[a-zA-Z]|!--)`)
	// onlyURL is a line holding nothing but a link.
	onlyURL = regexp.MustCompile(`(?i)^[<(\[]?(?:https?://|www\.)\S+?[>)\].,،]?$`)
	// urlRE finds links inside a line.
	urlRE = regexp.MustCompile(`(?i)\b(?:https?://|www\.)\S+`)
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
	readMoreTail = regexp.MustCompile(`(?i)\s*(?:continue reading|read more|تابع القراءة|أكمل القراءة|اقرأ المزيد)\s*(?:…|\.\.\.|»|›|→)?$`)
)

// agencies are the wire services and outlets that open datelines.
const agencies = `رويترز|أ\s?ف\s?ب|ا\s?ف\s?ب|أ\.ف\.ب|فرانس\s?برس|الفرنسية|الأناضول|سانا|واس|وام|قنا|كونا|بترا|د\s?ب\s?أ|` +
	`أسوشيتد\s?برس|أسوشيتدبرس|أ\s?ب|يو\s?بي\s?آي|شينخوا|سبوتنيك|العربية\.نت|العربية\s?نت|سكاي\s?نيوز\s?عربية|` +
	`الجزيرة\s?نت|الجزيرة|بي\s?بي\s?سي|وكالات|خاص|CNN|BBC|AFP|AP|Reuters|RT|DPA|Xinhua`

// Dateline patterns, tried in order.
var datelines = []*regexp.Regexp{
	// "بيروت - (الشام اليوم) -": a place, then any outlet in parentheses
	// between dashes, even one not in the agency list.
	regexp.MustCompile(`^\p{L}+(?:\s\p{L}+)?\s*[-–—]\s*[(（][^()\n]{1,40}[)）]\s*[-–—:]\s*`),
	// "القاهرة في 5 مايو (رويترز) -" or "(أ ف ب) -"
	regexp.MustCompile(`^[^()\n]{0,60}?[(（]\s*(?i:` + agencies + `)\s*[)）]\s*[-–—:]?\s*`),
	// "دبي - العربية.نت -" or "بيروت- سانا:"
	regexp.MustCompile(`^[^()\n.،:\-–—]{0,40}?\s*[-–—]\s*(?i:` + agencies + `)\s*[-–—:]\s*`),
	// "الرياض - أعلنت…": a place of one or two words and a spaced dash.
	regexp.MustCompile(`^\p{L}+(?:\s\p{L}+)?\s+[-–—]\s+`),
}

// rule is a line opening that marks a line as not part of the story when
// the line has at most maxWords words (0: whatever its length). Short
// limits protect real sentences that open with the same word ("شارك آلاف
// المتظاهرين في مسيرة…", "الصورة الكاملة للأحداث لم تتضح بعد", "انضم
// اللاعب إلى النادي").
type rule struct {
	phrase   string
	maxWords int
}

// rules is the one table of boilerplate openings, one limit per phrase.
var rules = []rule{
	// Share, follow, subscribe and join prompts.
	{"شارك", 2}, {"شاركها", 1}, {"شاركوا", 1}, {"مشاركة", 2},
	{"شارك هذا", 0}, {"شارك الخبر", 0}, {"شارك المقال", 0}, {"شارك على", 0}, {"شارك عبر", 4},
	{"شاركوا الخبر", 0}, {"شاركوا المقال", 0}, {"شاركوا هذا", 0},
	{"تابعونا", 0}, {"تابعنا", 0}, {"تابعوا", 12}, {"لمتابعة", 12},
	{"اشترك", 4}, {"اشترك في قناة", 0}, {"اشترك في النشرة", 0}, {"اشترك الآن", 0}, {"اشتركوا", 0}, {"للاشتراك", 0},
	{"انضم", 2}, {"انضم إلى قناة", 0}, {"انضم لقناة", 0}, {"انضموا", 0},
	{"حمل تطبيق", 0}, {"حملوا تطبيق", 0}, {"حمل التطبيق", 0},
	{"اضغط", 12}, {"اضغطوا", 0}, {"انقر", 12},
	// Links to other stories.
	{"اقرأ", 12}, {"اقرأ أيضا", 0}, {"اقرأ المزيد", 0}, {"اقرأ كذلك", 0},
	{"شاهد", 5}, {"شاهد أيضا", 0}, {"شاهد الفيديو", 0}, {"شاهد بالفيديو", 0},
	{"انظر أيضا", 0}, {"طالع أيضا", 0}, {"المزيد", 10}, {"للمزيد", 10}, {"للاطلاع", 12},
	{"ذات صلة", 0}, {"مواضيع ذات صلة", 0}, {"روابط ذات صلة", 0}, {"أخبار ذات صلة", 0},
	{"تابع القراءة", 0}, {"أكمل القراءة", 0},
	// Credits, captions, media labels.
	{"المصدر", 4}, {"مصدر الصورة", 0}, {"حقوق الصورة", 0}, {"تعليق على الصورة", 0},
	{"الصورة", 3}, {"صورة", 3}, {"صورة أرشيفية", 0},
	{"فيديو", 10}, {"بالفيديو", 10}, {"بالصور", 10},
	{"جميع الحقوق محفوظة", 0}, {"حقوق النشر", 0}, {"إعلان", 2},
	{"تحديث", 2}, {"آخر تحديث", 0}, {"نشر في", 8},
	{"share", 8}, {"share this", 0}, {"share on", 0}, {"follow us", 0}, {"subscribe", 12},
	{"read more", 0}, {"read also", 0}, {"related", 3}, {"continue reading", 0}, {"click here", 0},
	{"image copyright", 0}, {"image caption", 0}, {"media caption", 0}, {"getty images", 0},
	{"copyright", 0}, {"all rights reserved", 0}, {"advertisement", 0},
}

// maxRuleWords is the longest line a length-limited rule accepts.
const maxRuleWords = 15

// openers maps a rule's first word (in matching form) to its rules.
var openers = func() map[string][]tokenRule {
	m := map[string][]tokenRule{}
	for _, r := range rules {
		if r.maxWords > maxRuleWords {
			panic("clean: a rule allows more words than isBoilerplate reads")
		}
		w := arabic.Tokens(r.phrase)
		m[w[0]] = append(m[w[0]], tokenRule{words: w, maxWords: r.maxWords})
	}
	return m
}()

type tokenRule struct {
	words    []string
	maxWords int
}

// copyrightWords is "جميع الحقوق محفوظة" in matching form: a copyright
// line wherever it stands in the line.
var copyrightWords = arabic.Tokens("جميع الحقوق محفوظة")

// Body returns the story in an article body, one paragraph a line: HTML
// (when the text still holds tags, or entities that hide tags) becomes text
// with block elements as line breaks, entities are decoded, white space
// collapses and every line is trimmed; boilerplate lines are dropped (see
// the rules table, captions and credits, lines that are only a link, only
// punctuation or mostly hashtags, a byline alone), a platform's footer
// ("The post … appeared first on …», «ظهرت المقالة … أولاً على …»), a
// "continue reading" or «اقرأ أيضاً» link and a placeholder («التفاصيل بعد
// قليل») are cut from a line's end, a line the outlet cut ("[…]") ends at
// its last whole sentence (or with "…" when it has none), each line's
// dateline ("بيروت - (رويترز) -") is removed, so is a byline opening the
// text («بقلم فلان:»), and a line repeated right after itself is kept once.
func Body(text string) string {
	return Read(text).Text
}

// Cleaned is an article body made clean, and what the cleaning learned of
// the item from what it dropped.
type Cleaned struct {
	// Text is the story, one paragraph a line (what Body returns).
	Text string
	// Cut: the outlet cut its text short ("[…]"); its page has the rest.
	Cut bool
	// Placeholder: the text announced a story still being written
	// («التفاصيل بعد قليل», "more to follow").
	Placeholder bool
}

// Read is Body, with what it learned.
func Read(text string) Cleaned {
	var c Cleaned
	text = toText(text)
	var b strings.Builder
	prev := ""
	for line := range strings.SplitSeq(strings.ReplaceAll(text, "\r", "\n"), "\n") {
		line = htmltext.SquashSpaces(strings.ReplaceAll(line, "\u00a0", " "))
		if strings.IndexByte(line, '(') >= 0 {
			line = htmltext.SquashSpaces(photoCredit.ReplaceAllString(line, ""))
		}
		line = cutReadMore(cutReadOn(cutFooter(line)))
		line, cut := cutMark(line)
		line, held := cutPlaceholder(line)
		c.Placeholder = c.Placeholder || held
		if cut {
			c.Cut = true
			line = backToSentence(line, b.Len() > 0)
		}
		if line == "" || line == prev || IsBoilerplate(line) || isBylineLine(line) {
			continue
		}
		prev = line
		if line = StripDateline(line); line == "" {
			continue
		}
		if b.Len() == 0 {
			// Only the text's opening: inside it «بقلم» quotes someone.
			if line = StripByline(line); line == "" {
				continue
			}
		} else {
			b.WriteByte('\n')
		}
		b.WriteString(line)
	}
	c.Text = b.String()
	return c
}

// Line is Body for a title: markup and entities go and white space
// collapses to single spaces on one line; nothing is dropped.
func Line(s string) string {
	return htmltext.SquashSpaces(strings.ReplaceAll(toText(s), "\u00a0", " "))
}

// toText makes valid UTF-8 plain text of s: HTML to text when it holds
// tags, else only its entities decoded.
func toText(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	// A feed that escaped its HTML once too often sends "&lt;p&gt;" for
	// "<p>" and "&amp;quot;" for a quote: a few rounds undo it.
	for range 3 {
		switch {
		case looksLikeTag.MatchString(s):
			s = htmltext.FromHTML(s)
		case strings.IndexByte(s, '&') >= 0:
			u := html.UnescapeString(s)
			if u == s {
				return s
			}
			s = u
		default:
			return s
		}
	}
	return s
}

// IsBoilerplate reports whether a trimmed line (or sentence) is a prompt, a
// credit or a link rather than news.
func IsBoilerplate(line string) bool {
	// Each pattern runs only on lines it could match: a link alone has no
	// space, WordPress's footer opens with "The post" or "ظهر", a caption
	// has at most 15 words.
	if strings.IndexByte(line, ' ') < 0 && onlyURL.MatchString(line) {
		return true
	}
	if (hasPrefixFold(line, "the post ") || strings.HasPrefix(line, "ظهر")) && wordpressFooter.MatchString(line) {
		return true
	}
	if strings.Count(line, " ") < maxRuleWords && captionLine.MatchString(line) {
		return true
	}
	if strings.HasPrefix(line, "©") || strings.IndexFunc(line, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) < 0 {
		return true // "© 2024 …", "***", "—", "•"
	}
	if plainContent(line) {
		return false
	}
	// Every rule is decided by a line's first words and, for some, by a
	// length of at most maxRuleWords words, so a long line is read only
	// as far as that needs.
	head, cut := lineHead(line, 200)
	toks := arabic.Tokens(head)
	if cut && len(toks) <= maxRuleWords {
		head, cut = lineHead(line, 400)
		toks = arabic.Tokens(head)
	}
	n := len(toks)
	if cut {
		n = math.MaxInt
	}
	return matchesRule(line, toks, n)
}

// IsBoilerplateSentence is the rules of IsBoilerplate for one sentence of
// a clean text whose tokens (in matching form, as arabic.Tokens gives
// them) are known: the summarizer skips such sentences inside a paragraph.
func IsBoilerplateSentence(sentence string, toks []string) bool {
	return isPlaceholder(toks) || matchesRule(sentence, toks, len(toks))
}

// plainContent is IsBoilerplate's shortcut for most lines: its first word
// opens no rule, and it has no copyright notice, link, hashtag or mention.
func plainContent(line string) bool {
	head, _ := lineHead(line, 48)
	toks := arabic.Tokens(head)
	if len(toks) == 0 || len(openers[toks[0]]) > 0 {
		return false
	}
	return !strings.Contains(line, "حقوق") && !strings.Contains(line, "//") &&
		!strings.Contains(line, "www.") && !strings.Contains(line, "WWW.") && !strings.ContainsAny(line, "#@")
}

// matchesRule is IsBoilerplate for a line whose opening tokens (toks, in
// matching form) are known and which has n words in all.
func matchesRule(line string, toks []string, n int) bool {
	if len(toks) == 0 {
		return true
	}
	for _, r := range openers[toks[0]] {
		if r.maxWords > 0 && n > r.maxWords || len(toks) < len(r.words) {
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
		// A link with at most a word of its own ("رابط: https://…").
		if urlRE.MatchString(line) && len(arabic.Tokens(urlRE.ReplaceAllString(line, " "))) < 2 {
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
	for _, re := range datelines {
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

// cutReadMore removes a "continue reading" stub from the end of a line.
// Only the line's tail is searched: an unanchored regexp over a whole long
// paragraph costs more than the rest of Body.
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
var readMoreEnds = []string{"…", "...", "»", "›", "→", "reading", "more", "القراءة", "المزيد"}

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

// hasPrefixFold reports whether s opens with prefix in any case.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
