// Package analyze is the one path that prepares an article: clean its
// title and body, read its words once (arabic.Analyze), summarize it, find
// its topics and the keyword subscriptions it matches, tell from its
// headline whether it is breaking, and write the text /search indexes it
// by. The pipeline stores what Analyze returns, and `ajel preview` and
// `ajel summarize` print it, so what they show is what the bot pushes.
//
// A new step for every article (full text, images…) goes in Analyze, in
// its place in the order.
package analyze

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/ajel-news/ajel/arabic"
	"github.com/ajel-news/ajel/internal/clean"
	"github.com/ajel-news/ajel/internal/textcut"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/story"
	"github.com/ajel-news/ajel/summary"
	"github.com/ajel-news/ajel/topic"
)

// Limits on what is stored. Longer input is truncated, not refused: a feed
// that stuffs its body into the title still deserves a push.
const (
	// MaxTitleChars is the longest title kept, in UTF-16 units (what
	// Telegram counts); a longer one is cut at a word and ends with "…".
	MaxTitleChars = 300
	// MaxTextBytes is the most clean text kept per article (200 KB).
	MaxTextBytes = 200 << 10
	// MaxRawTextBytes is the most raw text (often HTML) looked at before
	// cleaning (1 MiB), so one huge item cannot stall the pipeline.
	MaxRawTextBytes = 1 << 20
	// MaxSummaryChars caps a summary given with the article (the ingest
	// API) so a push stays far below Telegram's 4096-character limit.
	MaxSummaryChars = 1000
)

// Options tune an Analyzer.
type Options struct {
	// Summary bounds the summaries it writes (zero: summary's defaults).
	Summary summary.Options
	// Model finds sections (nil: the embedded model).
	Model *topic.Model
}

// Analyzer prepares articles. It is safe for concurrent use.
type Analyzer struct {
	classifier *topic.Classifier
	opt        Options
	keywords   atomic.Pointer[keywordIndex]
}

// keywordIndex is the keyword subscriptions and their index.
type keywordIndex struct {
	keys  []string
	index *arabic.Index
}

// New returns an analyzer that finds the topics of catalogue c (its
// places, and sections from opt.Model or else the embedded model).
func New(c *topic.Catalogue, opt Options) *Analyzer {
	m := opt.Model
	if m == nil {
		m = topic.EmbeddedModel()
	}
	return &Analyzer{classifier: topic.NewClassifier(c, m), opt: opt}
}

// SetKeywords sets the keyword subscriptions (in matching form, see
// arabic.KeywordForm) that Analyze matches from now on; the index is built
// again only when the set changed.
func (an *Analyzer) SetKeywords(keys []string) {
	keys = slices.Clone(keys)
	slices.Sort(keys)
	keys = slices.Compact(keys)
	if cur := an.keywords.Load(); cur != nil && slices.Equal(cur.keys, keys) {
		return
	}
	an.keywords.Store(&keywordIndex{keys: keys, index: arabic.NewIndex(keys)})
}

// Analyze cleans and checks a raw article and fills in everything derived
// from it, in this order:
//
//   - the title: markup removed, a breaking marker at its start ("عاجل:",
//     "[عاجل]", "BREAKING:"…) removed and noted, so is a placeholder at
//     its end («… التفاصيل بعد قليل»); a title with no word (empty, only
//     markup, punctuation or the marker) takes the body's first sentence;
//     cut to MaxTitleChars;
//   - the body: at most MaxRawTextBytes read, cleaned (clean.Read), kept up
//     to MaxTextBytes; a body that only repeats the title is dropped;
//   - Breaking: the feed's or the ingest call's flag, or a marker at the
//     headline's start or end (story.HeadlineMarked);
//   - Summary (when none was given, or the one given was only a
//     placeholder): summary.SummarizeText of the body's analysis, unless
//     the body is in another language than an Arabic headline (the push
//     is then its headline alone); Topics: those given and the
//     classifier's; Keywords: those given and the keyword subscriptions
//     the title and body mention; SearchText: what /search indexes (see
//     searchText), whatever the language.
//
// An article with no title (and no body to take one from) or no Key wraps
// news.ErrInvalid. Story, story summary and times are the pipeline's.
func (an *Analyzer) Analyze(a news.Article) (news.Article, error) {
	h := readHead(a)
	if h.title == "" {
		return a, fmt.Errorf("analyze: article %q has no title: %w", a.Key, news.ErrInvalid)
	}
	if a.Key == "" {
		return a, fmt.Errorf("analyze: article %q has no key: %w", h.title, news.ErrInvalid)
	}
	a.Title, a.Text = h.title, h.text
	a.Source = strings.TrimSpace(a.Source)
	a.Breaking = a.Breaking || h.marked || story.HeadlineMarked(a.Title)

	w := read(a.Title, a.Text)
	if a.Summary != "" {
		// A newsroom's own summary is cleaned like any text it sends.
		a.Summary = strings.ReplaceAll(clean.Body(a.Summary), "\n", " ")
	}
	if a.Summary == "" && a.Text != "" && (arabic.IsArabic(a.Text) || !arabic.IsArabic(a.Title)) {
		a.Summary = summary.SummarizeText(a.Title, w.text, an.opt.Summary)
	}
	a.Summary = textcut.Words(strings.TrimSpace(a.Summary), MaxSummaryChars)
	a.Topics = dedupe(append(a.Topics, an.classifier.Classify(topic.Item{Title: a.Title, Text: w.text,
		URL: a.URL, Categories: a.Categories, Country: a.FeedCountry})...))
	if kw := an.keywords.Load(); kw != nil {
		a.Keywords = append(a.Keywords, kw.index.MatchTokens(w.all)...)
	}
	a.Keywords = dedupe(a.Keywords)
	a.SearchText = searchText(w)
	if a.Teaser != "" {
		// The text came from the article page: the item is known by what
		// its feed says, so a renamed copy of it is still recognized.
		a.ContentKey = contentKey(a.Title, truncateBytes(clean.Body(a.Teaser), MaxTextBytes))
	} else {
		a.ContentKey = contentKey(a.Title, a.Text)
	}
	return a, nil
}

// head is what Analyze and Screen both read first: the headline, whether
// it was marked breaking, the clean body, and whether the item's text was
// only a placeholder of a story still being written.
type head struct {
	title, text         string
	marked, placeholder bool
}

func readHead(a news.Article) head {
	title, marked := story.SplitMarker(clean.Line(a.Title))
	title, held := clean.TrimPlaceholder(title)
	text := a.Text
	if len(text) > MaxRawTextBytes {
		text = truncateBytes(text, MaxRawTextBytes)
	}
	body := clean.Read(text)
	text = truncateBytes(body.Text, MaxTextBytes)
	if !hasWord(title) && text != "" {
		// "عاجل" alone, or nothing, as a title: the news is in the body's
		// first line.
		first, rest, _ := strings.Cut(text, "\n")
		if s := arabic.Sentences(first); len(s) > 0 {
			title = s[0]
			rest = strings.TrimSpace(strings.TrimPrefix(first, s[0]) + "\n" + rest)
		}
		text = rest
	}
	if !hasWord(title) {
		title = ""
	}
	title = textcut.Words(title, MaxTitleChars)
	// Folding only drops marks and punctuation: a body far longer than
	// the title cannot be a copy of it, and is not folded.
	if len(text) <= 3*len(title)+64 && letters(text) == letters(title) {
		text = "" // many feeds repeat the headline as the description
	}
	return head{title: title, text: text, marked: marked, placeholder: (held || body.Placeholder) && text == ""}
}

// Screen reads, from a raw item's headline and text, what decides its way
// through a poll before it is prepared (see news.Screening): whether it is
// written in Arabic (by its headline's letters, and its text's when the
// headline has few), whether it is marked breaking, and whether its text
// only announces the story. It cleans the item as Analyze does.
func Screen(a news.Article) news.Screening {
	h := readHead(a)
	lang := h.title
	if utf8.RuneCountInString(letters(h.title)) < minHeadlineLetters {
		lang += "\n" + h.text
	}
	return news.Screening{
		Arabic:      arabic.IsArabic(lang),
		Breaking:    a.Breaking || h.marked || story.HeadlineMarked(h.title),
		Placeholder: h.placeholder,
	}
}

// minHeadlineLetters is the fewest letters a headline needs to tell its
// item's language alone.
const minHeadlineLetters = 12

// hasWord reports whether s holds a letter or a digit.
func hasWord(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0
}

// contentKey is what identifies an article by its content: a hash of its
// title's and text's letters (see letters), "c:" and 32 hex digits.
func contentKey(title, text string) string {
	sum := sha256.Sum256([]byte(letters(title) + "\x00" + letters(text)))
	return "c:" + hex.EncodeToString(sum[:16])
}

// words is one article's words, read once: the body's analysis (sentences,
// tokens, stems) for the summary and the topics, and the tokens and stems
// of title and body together for the keywords and the search text.
type words struct {
	text      *arabic.Text
	all, stem []string
}

func read(title, text string) *words {
	w := &words{text: arabic.Analyze(text)}
	titleToks := arabic.Tokens(title)
	w.all = append(titleToks, w.text.Tokens()...)
	w.stem = make([]string, 0, len(w.all))
	for _, t := range titleToks {
		w.stem = append(w.stem, arabic.Stem(t))
	}
	w.stem = append(w.stem, w.text.Stems()...)
	return w
}

// The search index and the search query side by side: an article is
// indexed by each of its words (in matching form) and each word's stem, and
// a query looks for the stems of its words, stop words left out, so
// "إدلب" finds "وإدلب" and "السوريين" finds "سوريين". FTS syntax in a query
// never reaches SQLite: a term is a stem, never an operator.

// searchText is what /search looks through for an article.
func searchText(w *words) string {
	out := make([]string, 0, 2*len(w.all))
	for i, t := range w.all {
		out = append(out, t)
		if st := w.stem[i]; st != t {
			out = append(out, st)
		}
	}
	return strings.Join(out, " ")
}

// SearchTerms turns a reader's /search query into the terms to look for.
func SearchTerms(query string) []string {
	var terms []string
	for _, t := range arabic.Tokens(query) {
		if !arabic.IsStopWord(t) {
			terms = append(terms, arabic.Stem(t))
		}
	}
	return terms
}

// letters is s by its letters and digits alone, folded (arabic.FoldRune):
// how a body that repeats the title is recognized whatever its marks,
// punctuation and spacing.
func letters(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if f := arabic.FoldRune(r); f >= 0 && (unicode.IsLetter(f) || unicode.IsDigit(f)) {
			b.WriteRune(f)
		}
	}
	return b.String()
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

// dedupe drops empty and repeated strings, keeping the first order.
func dedupe(xs []string) []string {
	if len(xs) == 0 {
		return nil
	}
	out := xs[:0:0]
	seen := make(map[string]bool, len(xs))
	for _, x := range xs {
		if x == "" || seen[x] {
			continue
		}
		seen[x] = true
		out = append(out, x)
	}
	return out
}
