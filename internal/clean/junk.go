package clean

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ajel-news/ajel/arabic"
)

// What feeds wrap around an item's text: a platform's footer, the
// outlet's cut ("[…]"), a byline opening it, a placeholder where the story
// will be. None of it is news; some of it says something of the item
// (Cleaned.Cut, Cleaned.Placeholder).

var (
	// footerRE is the footer a blogging platform appends to every item:
	// WordPress's "The post … appeared first on …", in English and as its
	// Arabic translations say it («ظهرت المقالة … أولاً على …»). It opens
	// a line or follows a sentence's end (or an outlet's "[…]"): the
	// group is where it starts.
	footerRE = regexp.MustCompile(`(?i)(?:^|[.!?؟…\]»"”)]\s+)(` +
		`(?:the post|this post|the article)\s.+?\s(?:appeared first|first appeared|was first published|was published first) on\s.{1,200}` +
		`|(?:ظهرت?|نشرت?|نُشرت?)\s+(?:ال)?(?:مقالة|مقال|تدوينة|موضوع|خبر|منشور)\s.{1,400}?\s(?:أولاً|أولا|اولاً|اولا|أوّلاً|لأول مرة)\s+(?:على|في)\s.{1,200}` +
		`)$`)
	// cutMarkRE is an outlet's mark of a text cut short, at a line's end.
	cutMarkRE = regexp.MustCompile(`\s*[\[(]\s*(?:…|\.{2,}|⋯)\s*[\])]\s*$`)
	// readOnRE is a "read more" link with what follows it (the story's
	// title, an arrow) at a line's end, after a sentence: "… Continue
	// reading "Title" →", «… اقرأ أيضاً: عنوان آخر».
	readOnRE = regexp.MustCompile(`(?i)(?:^|[.!?؟…\]»"”)|:–—-]\s*)((?:continue reading|keep reading|read more|read the full (?:story|article)|read also|see also|` +
		`[اأإ]قرأ (?:المزيد|[اأ]يض\x{064B}?ا\x{064B}?|كذلك)|تابع القراءة|أكمل القراءة|لقراءة المزيد|طالع [اأ]يض\x{064B}?ا\x{064B}?).{0,200})$`)
	// bylineLineRE is a line that is only a byline: «بقلم: فلان», «كتب:
	// فلان الفلاني», "By Jane Doe", "By Jane Doe, Reuters".
	bylineLineRE = regexp.MustCompile(`^(?:(?:بقلم|(?:ي|ت)?كتب(?:ت)?|إعداد|اعداد|تحرير)\s*[:：]\s*[^.!?؟:：]{1,60}|بقلم\s+[^.!?؟:：]{1,50}|(?:ي|ت)كتب\s+[^.!?؟:：]{1,50}[:：]` +
		`|(?i:by)\s+\p{Lu}[\p{L}.'’-]*(?:\s+\p{Lu}[\p{L}.'’-]*){0,4}(?:\s*[,|–—-]\s*\p{Lu}[\p{L}.]*(?:\s+\p{Lu}[\p{L}.]*){0,3})?)$`)
	// bylineOpenRE is a byline opening a paragraph: «بقلم فلان: …»,
	// «بقلم فلان - …», «يكتب فلان: …», "By Jane Doe - …". The group is the
	// name, which must look like one (see isName). Past tense «كتب فلان:»
	// is left alone: «كتب الرئيس:» opens a quotation more often than not.
	bylineOpenRE = regexp.MustCompile(`^(?:بقلم\s*[:：]?|(?:ي|ت)كتب)\s+((?:\S+\s+){0,3}?\S+?)\s*(?:[:：]|\s[-–—|])\s+` +
		`|^(?i:by)\s+(\p{Lu}\S*(?:\s+\p{Lu}\S*){0,3}?)\s*(?:[-–—|:]|\s[-–—|])\s+`)
)

// cutFooter removes a platform's footer from the end of a line.
func cutFooter(line string) string {
	tail, at := lineTail(line, 800)
	if !mayHaveFooter(tail) {
		return line
	}
	return cutTail(line, tail, at, footerRE)
}

// mayHaveFooter reports whether a line's tail holds the words every
// footer footerRE finds has, which few lines have.
func mayHaveFooter(tail string) bool {
	if strings.Contains(tail, " first ") || strings.Contains(tail, "appeared first") {
		return true
	}
	return (strings.Contains(tail, "ظهر") || strings.Contains(tail, "نشر")) &&
		(strings.Contains(tail, "ولا") || strings.Contains(tail, "وّلا") || strings.Contains(tail, "لأول مرة"))
}

// lineTail is the last n bytes of line, from a rune's start, and where
// they start.
func lineTail(line string, n int) (string, int) {
	at := max(len(line)-n, 0)
	for at > 0 && !utf8.RuneStart(line[at]) {
		at--
	}
	return line[at:], at
}

// cutTail cuts line where re's first group starts in its tail (which
// starts at offset at); a match at the tail's start counts only when the
// tail is the whole line (re's "^" is the line's start).
func cutTail(line, tail string, at int, re *regexp.Regexp) string {
	m := re.FindStringSubmatchIndex(tail)
	if m == nil || at > 0 && m[2] == 0 {
		return line
	}
	return strings.TrimSpace(line[:at+m[2]])
}

// cutMark removes an outlet's cut mark ("[…]", "[...]") from a line's end
// and reports whether there was one.
func cutMark(line string) (string, bool) {
	if !strings.HasSuffix(line, "]") && !strings.HasSuffix(line, ")") {
		return line, false
	}
	loc := cutMarkRE.FindStringIndex(line)
	if loc == nil {
		return line, false
	}
	return line[:loc[0]], true
}

// minKeptWords is the fewest words a cut line keeps when it is cut back
// to its last whole sentence; shorter, the stump is kept with "…".
const minKeptWords = 6

// backToSentence ends a line whose outlet cut it mid-sentence: at its last
// whole sentence when it has one long enough, else nothing when an earlier
// line ended a sentence (more says one was kept), else at its last word,
// with "…".
func backToSentence(line string, more bool) string {
	if endsSentence(line) {
		return line
	}
	if i := lastSentenceEnd(line); i > 0 && len(arabic.Tokens(line[:i])) >= minKeptWords {
		return line[:i]
	}
	if more {
		return ""
	}
	stump := strings.TrimRightFunc(line, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) && !isCloser(r) })
	if stump == "" {
		return ""
	}
	return stump + "…"
}

// endsSentence reports whether s ends with a sentence's end (closing
// quotes and brackets aside).
func endsSentence(s string) bool {
	s = strings.TrimRightFunc(s, func(r rune) bool { return unicode.IsSpace(r) || isCloser(r) })
	r, _ := utf8.DecodeLastRuneInString(s)
	return r == '.' || r == '!' || r == '?' || r == '؟' || r == '…'
}

// lastSentenceEnd is the byte offset just past the last sentence end of s
// that a space follows (". ", "؟» "), or 0. A point after a one-letter
// word (د. U.S.) ends no sentence.
func lastSentenceEnd(s string) int {
	end := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r != '.' && r != '!' && r != '?' && r != '؟' {
			continue
		}
		if r == '.' && oneLetterBefore(s[:i-size]) {
			continue
		}
		j := i
		for j < len(s) {
			c, n := utf8.DecodeRuneInString(s[j:])
			if !isCloser(c) {
				break
			}
			j += n
		}
		if c, _ := utf8.DecodeRuneInString(s[j:]); j < len(s) && unicode.IsSpace(c) {
			end = j
		}
	}
	return end
}

// oneLetterBefore reports whether s ends with a word of one letter.
func oneLetterBefore(s string) bool {
	last, n := utf8.DecodeLastRuneInString(s)
	if n == 0 || !unicode.IsLetter(last) {
		return false
	}
	prev, _ := utf8.DecodeLastRuneInString(s[:len(s)-n])
	return len(s) == n || !unicode.IsLetter(prev)
}

func isCloser(r rune) bool {
	switch r {
	case '"', '\'', '”', '’', '»', '›', ')', ']':
		return true
	}
	return false
}

// cutReadOn removes a "read more" link and the title after it from the
// end of a line that ends a sentence before it.
func cutReadOn(line string) string {
	tail, at := lineTail(line, 400)
	if !strings.Contains(tail, "قرأ") && !strings.Contains(tail, "قراء") && !strings.Contains(tail, "طالع") &&
		!(hasASCIILetter(tail) && (containsFold(tail, "read") || containsFold(tail, "see also"))) {
		return line
	}
	return cutTail(line, tail, at, readOnRE)
}

// isBylineLine reports whether a line is only a byline.
func isBylineLine(line string) bool {
	if strings.Count(line, " ") > 8 {
		return false
	}
	return bylineLineRE.MatchString(line)
}

// StripByline removes a byline opening a paragraph («بقلم فلان: …»,
// «يكتب فلان الفلاني: …», "By Jane Doe - …") and returns the rest; a line
// with none comes back as it is.
func StripByline(line string) string {
	if !strings.HasPrefix(line, "بقلم") && !strings.HasPrefix(line, "يكتب") && !strings.HasPrefix(line, "تكتب") &&
		!hasPrefixFold(line, "by ") {
		return line
	}
	m := bylineOpenRE.FindStringSubmatchIndex(line)
	if m == nil {
		return line
	}
	name := ""
	if m[2] >= 0 {
		name = line[m[2]:m[3]]
	} else {
		name = line[m[4]:m[5]]
	}
	if !isName(name) {
		return line
	}
	return strings.TrimSpace(line[m[1]:])
}

// isName reports whether a few words can be a person's name: no digits,
// no sentence marks, no function word («على», «في», "the").
func isName(s string) bool {
	if strings.ContainsAny(s, "0123456789.!?؟،,\"«»") {
		return false
	}
	toks := arabic.Tokens(s)
	if len(toks) == 0 || len(toks) > 4 {
		return false
	}
	for _, t := range toks {
		if arabic.IsStopWord(t) || englishFunctionWords[t] {
			return false
		}
	}
	return true
}

var englishFunctionWords = wordSet("the a an of in on at to for from and or is are was were this that with as by")

// Placeholders: a line, or a line's tail, made only of words like
// «التفاصيل بعد قليل» or "more to follow", that opens with one of the
// opening words and holds a promise of more.
var (
	placeholderOpeners = wordSet("التفاصيل تفاصيل المزيد مزيد الخبر خبر قيد جار جاري يجري سيتم يتم سنوافيكم نوافيكم يتبع " +
		"more details further updates update developing this story to check")
	placeholderPromises = wordSet("قليل لاحقا لاحق تباعا قريبا يتبع التحديث تحديث تحديثه دقائق لحظات سنوافيكم نوافيكم " +
		"follow soon shortly later developing develops updated updating available")
	placeholderWords = wordSet("التفاصيل تفاصيل بالتفاصيل المزيد مزيد من بعد قليل لاحقا لاحق وقت في تباعا قريبا اكثر اوفي " +
		"الخبر خبر هذا قيد التحديث تحديث تحديثه جار جاري يجري سيتم يتم يتبع عاجل سنوافيكم نوافيكم حول عن خلال دقائق لحظات " +
		"more details to follow soon coming shortly is a will be updated updating being further this story developing " +
		"breaking news check back for later the updates update it as develops become becomes available")
	// markerWords alone make a line that says only "breaking", when one
	// of urgentWords is among them.
	markerWords = wordSet("عاجل عاجله خبر breaking news urgent")
	urgentWords = wordSet("عاجل عاجله breaking urgent")
)

func wordSet(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		for _, t := range arabic.Tokens(w) {
			m[t] = true
		}
	}
	return m
}

// TrimPlaceholder removes a placeholder from a headline («انفجار في
// المرفأ.. التفاصيل بعد قليل»), and reports whether it had one; a
// headline that is only one comes back "".
func TrimPlaceholder(line string) (string, bool) {
	return cutPlaceholder(line)
}

// cutPlaceholder removes a placeholder from a line: the whole line when it
// is one («التفاصيل بعد قليل..», "عاجل"), or its tail after the news
// («انفجار في المرفأ.. التفاصيل تباعاً»). It reports whether it found one.
func cutPlaceholder(line string) (string, bool) {
	if tail, _ := lineTail(line, 160); !mayHavePlaceholder(tail) {
		return line, false
	}
	fields := strings.Fields(line)
	start := len(fields) // the trailing run of placeholder words
	for start > 0 {
		toks := arabic.Tokens(fields[start-1])
		if !allIn(toks, placeholderWords) {
			break
		}
		start--
	}
	if start == len(fields) {
		return line, false
	}
	run := fields[start:]
	if start == 0 && isMarkerOnly(run) {
		return "", true
	}
	// The run opens with an opening word and promises more; a few words
	// of it at the end of a sentence («يبدأ الاجتماع بعد قليل») do not.
	for len(run) > 0 && !opens(run[0]) {
		run, start = run[1:], start+1
	}
	if len(run) == 0 || !promises(run) {
		return line, false
	}
	if start == 0 {
		return "", true
	}
	at := fieldOffset(line, start)
	before := strings.TrimRightFunc(line[:at], unicode.IsSpace)
	if last := lastRune(before); !unicode.IsPunct(last) && !unicode.IsSymbol(last) {
		return line, false // «… وقال إن المزيد من التفاصيل ستعلن قريبا» is a sentence
	}
	// The separator before it goes too ("..", " - ", "|"); a sentence's
	// own end stays.
	kept := strings.TrimRightFunc(before, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune("-–—|:،/•", r) })
	if strings.HasSuffix(kept, "..") || strings.HasSuffix(kept, "…") {
		kept = strings.TrimRight(kept, ".…")
	}
	return strings.TrimSpace(kept), true
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

// placeholderStems are parts of the words a placeholder needs (a promise,
// or the breaking marker), as text writes them: most lines have none.
var placeholderStems = []string{"قليل", "لاحق", "تباع", "قريب", "يتبع", "تحديث", "دقائق", "لحظات", "وافيكم", "عاجل"}

// placeholderStemsLatin are their English kin, in lower case.
var placeholderStemsLatin = []string{"follow", "soon", "shortly", "later", "develop", "updat", "available", "breaking", "urgent"}

// mayHavePlaceholder reports whether a line's tail could hold a
// placeholder (see cutPlaceholder).
func mayHavePlaceholder(tail string) bool {
	for _, s := range placeholderStems {
		if strings.Contains(tail, s) {
			return true
		}
	}
	if !hasASCIILetter(tail) {
		return false
	}
	for _, s := range placeholderStemsLatin {
		if containsFold(tail, s) {
			return true
		}
	}
	return false
}

// hasASCIILetter reports whether s holds a Latin letter.
func hasASCIILetter(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; 'a' <= c && c <= 'z' {
			return true
		}
	}
	return false
}

// isMarkerOnly reports whether fields say nothing but "breaking".
func isMarkerOnly(fields []string) bool {
	urgent := false
	for _, f := range fields {
		for _, t := range arabic.Tokens(f) {
			if !markerWords[t] {
				return false
			}
			urgent = urgent || urgentWords[t]
		}
	}
	return urgent
}

func opens(field string) bool {
	toks := arabic.Tokens(field)
	return len(toks) > 0 && placeholderOpeners[toks[0]]
}

func promises(fields []string) bool {
	for _, f := range fields {
		if slices.ContainsFunc(arabic.Tokens(f), func(t string) bool { return placeholderPromises[t] }) {
			return true
		}
	}
	return false
}

func allIn(toks []string, set map[string]bool) bool {
	for _, t := range toks {
		if !set[t] {
			return false
		}
	}
	return true
}

// isPlaceholder reports whether a sentence's tokens are only a
// placeholder (the summarizer's check, see IsBoilerplateSentence).
func isPlaceholder(toks []string) bool {
	if len(toks) == 0 || len(toks) > 10 || !allIn(toks, placeholderWords) {
		return false
	}
	if allIn(toks, markerWords) && slices.ContainsFunc(toks, func(t string) bool { return urgentWords[t] }) {
		return true
	}
	return placeholderOpeners[toks[0]] && slices.ContainsFunc(toks, func(t string) bool { return placeholderPromises[t] })
}

// fieldOffset is the byte offset in s of its field number i (as
// strings.Fields counts them).
func fieldOffset(s string, i int) int {
	n, inField := 0, false
	for at, r := range s {
		space := unicode.IsSpace(r)
		if !space && !inField {
			if n == i {
				return at
			}
			n++
		}
		inField = !space
	}
	return len(s)
}

// containsFold reports whether s holds sub, a lower-case ASCII word, in
// any case.
func containsFold(s, sub string) bool {
	first := sub[0]
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i]|0x20 == first && asciiEqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}

// asciiEqualFold compares s with lower-case ASCII lower, ignoring case.
func asciiEqualFold(s, lower string) bool {
	for i := 0; i < len(lower); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}
