package pipeline

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// LeadSummarizer is the built-in Summarizer: the article's first whole
// sentences, up to MaxChars characters (400 when zero). A sentence that
// repeats the title is skipped. When even the first sentence is longer it is
// cut at a word boundary and ends with "…". The Arabic engine replaces it in
// production; it keeps the pipeline usable alone and in tests.
type LeadSummarizer struct {
	MaxChars int
}

// Summarize returns the lead of text, or "" when text is empty.
func (s LeadSummarizer) Summarize(title, text string) string {
	limit := s.MaxChars
	if limit <= 0 {
		limit = 400
	}
	titleKey := fold(title)
	var out []string
	n := 0
	for _, sent := range sentences(text) {
		if fold(sent) == titleKey {
			continue
		}
		l := utf8.RuneCountInString(sent)
		if len(out) == 0 && l > limit {
			return truncateWords(sent, limit)
		}
		if n+l+len(out) > limit {
			break
		}
		out = append(out, sent)
		n += l
	}
	return strings.Join(out, " ")
}

// sentences splits text at sentence ends (. ! ? ؟ … and line breaks),
// keeping the end mark with its sentence. A mark not followed by white
// space ("3.5", "example.com") ends nothing.
func sentences(text string) []string {
	var out []string
	rs := []rune(text)
	start := 0
	emit := func(end int) {
		if s := strings.TrimSpace(string(rs[start:end])); s != "" {
			out = append(out, s)
		}
		start = end
	}
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch r {
		case '\n':
			emit(i + 1)
		case '.', '!', '?', '؟', '…', '۔':
			// Runs of marks ("?!", "...") and closing quotes stay together.
			j := i + 1
			for j < len(rs) && (strings.ContainsRune(".!?؟…»\"')”", rs[j])) {
				j++
			}
			if j < len(rs) && !unicode.IsSpace(rs[j]) {
				i = j - 1
				continue
			}
			emit(j)
			i = j - 1
		}
	}
	emit(len(rs))
	return out
}

// truncateWords cuts s to at most limit characters at a word boundary and
// adds "…"; a string within the limit comes back unchanged.
func truncateWords(s string, limit int) string {
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	rs := []rune(s)
	cut := limit - 1 // room for "…"
	i := cut
	for i > 0 && !unicode.IsSpace(rs[i]) {
		i--
	}
	if i < cut/2 {
		i = cut // one enormous word: cut inside it
	}
	return strings.TrimRightFunc(string(rs[:i]), func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r)
	}) + "…"
}

// truncateBytes cuts s to at most n bytes, at the last line break (or
// else space) in the last quarter, never inside a UTF-8 sequence.
func truncateBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	s = s[:n]
	if i := strings.LastIndexByte(s, '\n'); i >= n*3/4 {
		return s[:i]
	}
	if i := strings.LastIndexByte(s, ' '); i >= n*3/4 {
		return s[:i]
	}
	return s
}

// Tokens is the built-in Normalize: the words of s, lower-cased, joined by
// single spaces. The Arabic engine's normalization replaces it in production.
func Tokens(s string) string {
	return strings.Join(words(s), " ")
}

// words splits s into lower-cased runs of letters, digits and combining
// marks.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r)
	})
}

// WordIndex is the built-in keyword index: a keyword matches when its words
// appear consecutively in a text, compared lower-cased and whole. It knows
// no Arabic morphology (no clitics, no plurals); arabic.NewIndex replaces it
// in production. Safe for concurrent use once built.
type WordIndex struct {
	first map[string][]int // first word → keyword numbers
	kws   [][]string
	given []string
}

// NewWordIndex builds a WordIndex of keywords; keywords without words are
// ignored, and Match reports keywords as given here.
func NewWordIndex(keywords []string) *WordIndex {
	ix := &WordIndex{first: map[string][]int{}}
	seen := map[string]bool{}
	for _, k := range keywords {
		ws := words(k)
		key := strings.Join(ws, " ")
		if len(ws) == 0 || seen[key] {
			continue
		}
		seen[key] = true
		ix.first[ws[0]] = append(ix.first[ws[0]], len(ix.kws))
		ix.kws = append(ix.kws, ws)
		ix.given = append(ix.given, k)
	}
	return ix
}

// Match returns the distinct keywords text mentions, in order of first
// mention.
func (ix *WordIndex) Match(text string) []string {
	if len(ix.kws) == 0 {
		return nil
	}
	toks := words(text)
	var found []string
	hit := map[int]bool{}
	for i, t := range toks {
		for _, id := range ix.first[t] {
			kw := ix.kws[id]
			if hit[id] || i+len(kw) > len(toks) {
				continue
			}
			ok := true
			for j := 1; j < len(kw); j++ {
				if toks[i+j] != kw[j] {
					ok = false
					break
				}
			}
			if ok {
				hit[id] = true
				found = append(found, ix.given[id])
			}
		}
	}
	return found
}
