package arabic

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// KeywordForm returns the normalized key of a keyword subscription: its
// tokens in matching form joined by one space, so that "سوريا", "سوريّا"
// and "ســوريا" are one subscription and "قطاع  غزة" is "قطاع غزه". It is ""
// when the keyword has no word in it.
func KeywordForm(keyword string) string {
	return strings.Join(Tokens(keyword), " ")
}

// Suffix classes: which kind of keyword key a stripped suffix may follow.
const (
	classExact = 1 << iota // no suffix at all
	classNoun              // pronoun, dual and sound-plural endings
	classTForm             // ة written ت before a pronoun or dual ending
	classAt                // ة replaced by the plural ات
	classAdj               // relational adjective ي, ية, يون, يين, يات…
)

// suffixRule is one ending a token may carry after a keyword key.
type suffixRule struct {
	s     string
	class int
}

// suffixRules lists the endings tried on each token, with the key classes
// they are allowed after. The empty ending is handled separately.
var suffixRules = []suffixRule{
	{"ه", classNoun | classTForm},
	{"ها", classNoun | classTForm},
	{"هم", classNoun | classTForm},
	{"هما", classNoun | classTForm},
	{"هن", classNoun | classTForm},
	{"ك", classNoun | classTForm},
	{"كم", classNoun | classTForm},
	{"كما", classNoun | classTForm},
	{"نا", classNoun | classTForm},
	{"ي", classNoun | classTForm | classAdj},
	{"ان", classNoun | classTForm},
	{"ين", classNoun | classTForm},
	{"ون", classNoun},
	{"ات", classAt},
	{"يه", classAdj},
	{"يون", classAdj},
	{"يين", classAdj},
	{"يات", classAdj},
	{"يان", classAdj},
	{"يتان", classAdj},
	{"يتين", classAdj},
	{"'s", classNoun},
	{"’s", classNoun},
}

// suffixesByLastByte groups suffixRules by their last byte, so that a
// token is tried only against the endings it could have.
var suffixesByLastByte = func() (by [256][]suffixRule) {
	for _, sr := range suffixRules {
		last := sr.s[len(sr.s)-1]
		by[last] = append(by[last], sr)
	}
	return by
}()

// posting says that a key starts keyword kw (word 0 of its phrase) and
// which ending classes may follow the key in a token.
type posting struct {
	kw      int
	classes int
}

// word is one keyword word prepared for verification inside a phrase.
type word struct {
	key     string // the word without its article
	classes int
	tKey    string // ة-final words: the word with ت for ة (حكومت-ها), else ""
	atKey   string // ة-final words: the stem before the plural ات, else ""
}

// keyword is one distinct subscription key.
type keyword struct {
	given string
	words []word
}

// Index finds, for a text, every keyword it mentions. Build it once with
// NewIndex; it is immutable and safe for concurrent use. Lookups go from
// each token's candidate stems to keywords through a map, so the cost of
// Match grows with the text, not with the number of keywords.
type Index struct {
	keywords []keyword
	postings map[string][]posting
	// shapes has a bit for the length and the opening bytes of every
	// posting key, so that most candidate stems of a token are ruled out
	// without hashing them whole for the map.
	shapes *[shapeBits / 64]uint64
	// startingStops are the stop words some reading of which is a key:
	// every other stop word (a third of a news text) is skipped at once.
	startingStops map[string]bool
}

// shapeBits is the size of Index.shapes: it stays in cache and filters
// well for tens of thousands of keys.
const shapeBits = 1 << 20

// shapeBit is the bit of s in Index.shapes: a hash of its length and its
// first four bytes (two Arabic letters).
func shapeBit(s string) uint32 {
	h := uint32(2166136261) ^ uint32(len(s)) // FNV-1a
	for i := range min(len(s), 4) {
		h = (h ^ uint32(s[i])) * 16777619
	}
	return h % shapeBits
}

// mayBeKey reports whether s may be a posting key.
func (ix *Index) mayBeKey(s string) bool {
	b := shapeBit(s)
	return ix.shapes[b/64]&(1<<(b%64)) != 0
}

// NewIndex builds an index of keywords. Keywords with the same KeywordForm
// are one entry, reported under the first spelling given; keywords without
// a word are ignored. A single-word keyword matches the word with proclitics
// (و ف, then ب ل ك, then ال or لل), pronoun, dual and plural endings, and its
// relational-adjective forms (سوريا → السوري، السورية، السوريين; لبنان →
// اللبنانيون). A multi-word keyword matches as a phrase of consecutive tokens.
func NewIndex(keywords []string) *Index {
	ix := &Index{postings: make(map[string][]posting, len(keywords)*3), shapes: new([shapeBits / 64]uint64)}
	seen := make(map[string]bool, len(keywords))
	for _, k := range keywords {
		form := KeywordForm(k)
		if form == "" || seen[form] {
			continue
		}
		seen[form] = true
		toks := strings.Split(form, " ")
		kw := keyword{given: k, words: make([]word, len(toks))}
		id := len(ix.keywords)
		for i, t := range toks {
			kw.words[i] = prepareWord(t)
		}
		w := kw.words[0]
		if len(toks) == 1 {
			ix.add(w.key, id, w.classes)
			if root, ok := adjectiveRoot(w.key); ok {
				ix.add(root, id, classAdj)
			}
			for _, people := range peoplePlurals[form] {
				ix.add(people, id, classExact|classNoun)
			}
		} else {
			ix.add(w.key, id, w.classes)
		}
		if w.tKey != "" {
			ix.add(w.tKey, id, classTForm)
			ix.add(w.atKey, id, classAt)
		}
		ix.keywords = append(ix.keywords, kw)
	}
	ix.startingStops = map[string]bool{}
	for stop := range stopWords {
		forEachCandidate(stop, func(stem string, classes int, _ bool) bool {
			for _, p := range ix.postings[stem] {
				if p.classes&classes != 0 {
					ix.startingStops[stop] = true
					return true
				}
			}
			return false
		})
	}
	return ix
}

func (ix *Index) add(key string, id, classes int) {
	b := shapeBit(key)
	ix.shapes[b/64] |= 1 << (b % 64)
	ps := ix.postings[key]
	for i := range ps {
		if ps[i].kw == id {
			ps[i].classes |= classes
			return
		}
	}
	ix.postings[key] = append(ps, posting{kw: id, classes: classes})
}

// Len returns the number of distinct keywords in the index.
func (ix *Index) Len() int { return len(ix.keywords) }

// prepareWord derives the lookup keys of one normalized keyword word.
func prepareWord(t string) word {
	key := t
	// The article is optional in the text ("عراق", "العراق", "بالعراق"), so
	// keys are stored without it, unless that would leave a two-letter
	// word (الله must not become له).
	if strings.HasPrefix(key, "ال") && utf8.RuneCountInString(key) >= 5 {
		key = key[len("ال"):]
	}
	w := word{key: key, classes: classExact}
	n := utf8.RuneCountInString(key)
	if n >= 3 {
		w.classes |= classNoun
		if strings.HasSuffix(key, "ه") {
			w.atKey = key[:len(key)-len("ه")]
			w.tKey = w.atKey + "ت"
		}
	}
	return w
}

// peoplePlurals are the broken plurals of the peoples of places (the
// place's keyword form → the plural without its article): they follow no
// rule a matcher could apply safely (سوريا does not make أسوار), so they are
// listed.
var peoplePlurals = map[string][]string{
	"تركيا":     {"اتراك"},
	"روسيا":     {"روس"},
	"المانيا":   {"المان"},
	"ارمينيا":   {"ارمن"},
	"افغانستان": {"افغان"},
	"كردستان":   {"اكراد", "كرد"},
	"الهند":     {"هنود"},
	"المغرب":    {"مغاربه"},
	"الشيشان":   {"شيشان"},
	"البوسنه":   {"بوشناق"},
}

// adjectiveRoot returns what a relational adjective of key is built on
// before its ي: سوريا → سور (سوري), السعودية → سعود (سعودي), امريكا →
// امريك, مصر → مصر (مصري), لبنان → لبنان (لبناني), and a noun ending in
// hamza after alef takes ئ: كيمياء → كيميائ (كيميائي), فيزياء → فيزيائ.
func adjectiveRoot(key string) (string, bool) {
	if utf8.RuneCountInString(key) < 3 {
		return "", false
	}
	if strings.HasSuffix(key, "اء") && utf8.RuneCountInString(key) >= 4 {
		return key[:len(key)-len("ء")] + "ئ", true
	}
	root := key
	switch {
	case strings.HasSuffix(key, "يا"), strings.HasSuffix(key, "يه"):
		root = key[:len(key)-len("يا")]
	case strings.HasSuffix(key, "ا"), strings.HasSuffix(key, "ه"), strings.HasSuffix(key, "ي"):
		root = key[:len(key)-len("ا")]
	}
	if utf8.RuneCountInString(root) < 2 {
		return "", false
	}
	return root, true
}

// Match returns the distinct keywords (as given to NewIndex) that text
// mentions, in the order of their first mention.
func (ix *Index) Match(text string) []string {
	if ix == nil || len(ix.keywords) == 0 {
		return nil
	}
	return ix.MatchTokens(Tokens(text))
}

// MatchTokens is Match for a text already split into tokens (by Tokens or
// Analyze): phrases match across consecutive tokens.
func (ix *Index) MatchTokens(toks []string) []string {
	if ix == nil || len(ix.keywords) == 0 {
		return nil
	}
	var found []string
	var hit map[int]bool
	for i, tok := range toks {
		if _, stop := stopWords[tok]; stop && !ix.startingStops[tok] {
			continue
		}
		forEachCandidate(tok, func(stem string, classes int, _ bool) bool {
			if !ix.mayBeKey(stem) {
				return false
			}
			for _, p := range ix.postings[stem] {
				if p.classes&classes == 0 || hit[p.kw] {
					continue
				}
				if !ix.phraseAt(p.kw, toks, i) {
					continue
				}
				if hit == nil {
					hit = make(map[int]bool)
				}
				hit[p.kw] = true
				found = append(found, ix.keywords[p.kw].given)
			}
			return false
		})
	}
	return found
}

// Span is one mention of a keyword in a list of tokens, and how its first
// word was written there.
type Span struct {
	// Keyword is the keyword as given to NewIndex.
	Keyword string
	// Start and End delimit the mention: tokens[Start:End].
	Start, End int
	// Article: the first word carries the article ال (الخليل, بالخليل,
	// للخليل), not just its bare form (خليل).
	Article bool
	// Adjective: the first word is a relational adjective of the keyword
	// (السوري, الإيرانية, الأمريكيين), not its name.
	Adjective bool
	// Bare: the first word has no ending (جدة, بجدة), neither a pronoun
	// or plural (جدته) nor an adjective (جدية).
	Bare bool
}

// MatchSpans returns every mention of every keyword in toks, in the order
// of the tokens (a mention of a longer keyword first when two start at
// one token). Unlike MatchTokens it reports each occurrence, where it is
// and how it was written, for callers that weigh mentions.
func (ix *Index) MatchSpans(toks []string) []Span {
	if ix == nil || len(ix.keywords) == 0 {
		return nil
	}
	var spans []Span
	for i, tok := range toks {
		if _, stop := stopWords[tok]; stop && !ix.startingStops[tok] {
			continue
		}
		first := len(spans)
		forEachCandidate(tok, func(stem string, classes int, article bool) bool {
			if !ix.mayBeKey(stem) {
				return false
			}
			for _, p := range ix.postings[stem] {
				if p.classes&classes == 0 || !ix.phraseAt(p.kw, toks, i) {
					continue
				}
				kw := ix.keywords[p.kw]
				if slices.ContainsFunc(spans[first:], func(s Span) bool { return s.Keyword == kw.given }) {
					continue // another reading of this token found it already
				}
				spans = append(spans, Span{
					Keyword: kw.given, Start: i, End: i + len(kw.words), Article: article,
					// An ending an adjective takes (ي, ية, يون…): on a
					// place it is its relational adjective (الألماني is
					// read through the people, ألمان).
					Adjective: classes&classAdj != 0,
					Bare:      classes == classExact,
				})
			}
			return false
		})
		slices.SortStableFunc(spans[first:], func(a, b Span) int { return b.End - a.End })
	}
	return spans
}

// phraseAt verifies the words after the first of keyword id at toks[i+1:].
func (ix *Index) phraseAt(id int, toks []string, i int) bool {
	ws := ix.keywords[id].words
	if i+len(ws) > len(toks) {
		return false
	}
	for k := 1; k < len(ws); k++ {
		if !wordMatches(toks[i+k], ws[k]) {
			return false
		}
	}
	return true
}

// wordMatches reports whether tok is w with clitics and endings.
func wordMatches(tok string, w word) bool {
	return forEachCandidate(tok, func(stem string, classes int, _ bool) bool {
		return (stem == w.key && w.classes&classes != 0) ||
			(w.tKey != "" && stem == w.tKey && classes&classTForm != 0) ||
			(w.atKey != "" && stem == w.atKey && classes&classAt != 0)
	})
}

// Proclitics are tried in chains: none or one of the conjunctions, then
// none or one of the prepositions, then the article; "لل" is ل with ال.
var (
	conjunctions = [...]string{"", "و", "ف"}
	prepositions = [...]string{"", "ب", "ل", "ك"}
)

// forEachCandidate calls f with every (stem, ending classes) reading of
// tok: each proclitic chain stripped (leaving at least two letters) and
// each ending stripped (leaving at least two letters); article says the
// reading took an article ال (or the ل of لل) off. It stops and returns
// true as soon as f does.
func forEachCandidate(tok string, f func(stem string, classes int, article bool) bool) bool {
	if try(tok, false, f) {
		return true
	}
	n := utf8.RuneCountInString(tok)
	for _, c := range conjunctions {
		if c != "" && !strings.HasPrefix(tok, c) {
			continue
		}
		r1, n1 := tok[len(c):], n-utf8.RuneCountInString(c)
		for _, p := range prepositions {
			if p != "" && !strings.HasPrefix(r1, p) {
				continue
			}
			if p == "ل" && startsWithLName(r1) {
				continue // لبنان is not ل + بنان
			}
			r2, n2 := r1[len(p):], n1-utf8.RuneCountInString(p)
			if (c != "" || p != "") && n2 >= 2 && try(r2, false, f) {
				return true
			}
			if strings.HasPrefix(r2, "ال") && n2-2 >= 2 && p != "ل" && try(r2[len("ال"):], true, f) {
				return true
			}
			if p == "" && strings.HasPrefix(r2, "لل") && n2-2 >= 2 && !startsWithLName(r2[len("ل"):]) && try(r2[len("لل"):], true, f) {
				return true
			}
		}
	}
	return false
}

// lNames are the openings of place names that begin with ل: the ل is no
// preposition there, so it is never stripped (بنان must not find لبنان).
var lNames = [...]string{"لبنان", "ليبي", "لندن", "لاهاي", "لوزان", "لاغوس", "لشبون", "لوكسمبور", "لاتفي", "ليتواني", "ليبيري", "ليسوتو"}

// startsWithLName reports whether s opens with one of lNames.
func startsWithLName(s string) bool {
	if !strings.HasPrefix(s, "ل") {
		return false
	}
	for _, n := range lNames {
		if strings.HasPrefix(s, n) {
			return true
		}
	}
	return false
}

// try offers rest as a stem with no ending, then with each ending removed.
func try(rest string, article bool, f func(string, int, bool) bool) bool {
	if f(rest, classExact, article) {
		return true
	}
	if rest == "" {
		return false
	}
	for _, sr := range suffixesByLastByte[rest[len(rest)-1]] {
		if len(rest) > len(sr.s) && strings.HasSuffix(rest, sr.s) {
			stem := rest[:len(rest)-len(sr.s)]
			if hasTwoRunes(stem) && f(stem, sr.class, article) {
				return true
			}
		}
	}
	return false
}

// hasTwoRunes reports whether s has at least two runes, counting only
// when its length leaves a doubt.
func hasTwoRunes(s string) bool {
	return len(s) > utf8.UTFMax || utf8.RuneCountInString(s) >= 2
}
