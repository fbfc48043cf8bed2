// Package summary writes extractive summaries of Arabic news: the one to
// three sentences of an article, or of a story told by several outlets,
// that say what happened, in their original order and within a character
// budget. It is pure and safe for concurrent use.
package summary

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/ajel-news/ajel/arabic"
	"github.com/ajel-news/ajel/internal/clean"
	"github.com/ajel-news/ajel/internal/textcut"
	"github.com/ajel-news/ajel/news"
)

// Options bound a summary. The zero value means 3 sentences and 400
// characters.
type Options struct {
	// MaxSentences is the most whole sentences to keep; 0 means 3.
	MaxSentences int
	// MaxChars is the budget in characters as Telegram counts them
	// (UTF-16 units), separators included; 0 means 400 and a negative
	// value means no limit.
	MaxChars int
}

// Defaults for the zero Options.
const (
	DefaultMaxSentences = 3
	DefaultMaxChars     = 400
)

func (o Options) withDefaults() Options {
	if o.MaxSentences <= 0 {
		o.MaxSentences = DefaultMaxSentences
	}
	if o.MaxChars == 0 {
		o.MaxChars = DefaultMaxChars
	}
	return o
}

// weights tune the sentence scorer; see defaultWeights.
type weights struct {
	position float64 // weight of the lead prior
	decay    float64 // how fast the lead prior falls with the sentence index
	centroid float64 // weight of the similarity to the document centroid
	title    float64 // weight of the similarity to the headline
	support  float64 // story mode: weight of the share of other outlets saying it
	length   float64 // weight of log(words): longer sentences say more
	minWords int     // sentences shorter than this are captions or subheads
	redund   float64 // cosine above which a sentence repeats a chosen one
	headline float64 // word overlap above which a sentence repeats the headline
}

// defaultWeights were tuned on EASC and ANT BBC (see TestEvaluateROUGE):
// the lead prior dominates, as news puts what happened first; centrality
// and length choose among the sentences after it.
func defaultWeights() weights {
	return weights{
		position: 1.0,
		decay:    0.6,
		centroid: 0.6,
		title:    0.3,
		length:   0.2,
		support:  0.5,
		minWords: 5,
		redund:   0.6,
		headline: 0.75,
	}
}

// sentence is one candidate with its features.
type sentence struct {
	text   string
	doc    int
	pos    int // index among its article's content sentences
	words  int
	toks   []string // normalized word tokens
	stems  []string // their stems
	vec    sparse   // stem id → tf·isf, normalized to unit length
	tokSet idSet    // the distinct tokens' ids
	score  float64
}

// Summarize returns the sentences of text, the clean text of an article
// (package analyze cleans it), that best say what happened, joined by
// spaces: never the headline again, at most opt.MaxSentences whole
// sentences in their original order and within opt.MaxChars. If even the
// best sentence is over the budget, it is cut at a word boundary and ends
// with "…". Empty or wordless text gives "".
func Summarize(title, text string, opt Options) string {
	return summarize(title, []*arabic.Text{arabic.Analyze(text)}, opt, defaultWeights())
}

// SummarizeText is Summarize for a text already analysed, as analyze has
// it.
func SummarizeText(title string, text *arabic.Text, opt Options) string {
	return summarize(title, []*arabic.Text{text}, opt, defaultWeights())
}

// SummarizeStory summarizes one event told by several articles (one text
// per outlet): it prefers sentences central to all of them and early in
// their article, and drops near-repeats so that two outlets' versions of
// the same sentence appear once. Options are as for Summarize.
func SummarizeStory(title string, texts []string, opt Options) string {
	analysed := make([]*arabic.Text, len(texts))
	for i, t := range texts {
		analysed[i] = arabic.Analyze(t)
	}
	return summarize(title, analysed, opt, defaultWeights())
}

func summarize(title string, texts []*arabic.Text, opt Options, w weights) string {
	opt = opt.withDefaults()
	words := 0
	for _, t := range texts {
		words += len(t.Tokens())
	}
	// Sized for the text, the maps never grow.
	v := &vocabulary{tokens: make(map[string]int32, words), stems: make(map[string]int32, words)}
	sents := candidates(texts, v)
	if len(sents) == 0 {
		return ""
	}
	titleSet := v.tokenSet(arabic.Tokens(title))
	kept := sents[:0]
	for _, s := range sents {
		if len(titleSet) > 0 && overlap(s.tokSet, titleSet) >= w.headline {
			continue
		}
		kept = append(kept, s)
	}
	sents = kept
	if len(sents) == 0 {
		return ""
	}
	vectorize(sents, v)
	score(sents, title, len(texts), v, w)
	return pick(sents, opt, w)
}

// candidates returns the content sentences of each text.
func candidates(texts []*arabic.Text, v *vocabulary) []*sentence {
	var out []*sentence
	for d, text := range texts {
		pos := 0
		for _, s := range text.Sentences {
			if clean.IsBoilerplateSentence(s.Text, s.Tokens) {
				continue
			}
			out = append(out, &sentence{text: s.Text, doc: d, pos: pos, words: len(s.Tokens), toks: s.Tokens, stems: s.Stems, tokSet: v.tokenSet(s.Tokens)})
			pos++
		}
	}
	return out
}

// terms returns the stems of the content words among toks.
func terms(toks []string) []string {
	out := make([]string, 0, len(toks))
	for _, t := range toks {
		if isTerm(t) {
			out = append(out, arabic.Stem(t))
		}
	}
	return out
}

// isTerm reports whether a token is a content word: not a stop word or a
// number.
func isTerm(t string) bool { return !arabic.IsStopToken(t) && !isNumber(t) }

func isNumber(t string) bool {
	for _, r := range t {
		if !unicode.IsDigit(r) && r != '.' && r != ',' && r != '٫' {
			return false
		}
	}
	return true
}

// pick chooses the best sentences that fit, skipping near-repeats, and
// returns them in their original order.
func pick(sents []*sentence, opt Options, w weights) string {
	order := make([]*sentence, len(sents))
	copy(order, sents)
	slices.SortStableFunc(order, func(a, b *sentence) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		return 0
	})
	var chosen []*sentence
	used := 0
	for _, s := range order {
		if len(chosen) == opt.MaxSentences {
			break
		}
		if len(chosen) > 0 && s.words < w.minWords {
			continue
		}
		n := textcut.Len16(s.text)
		if len(chosen) > 0 {
			n++ // the joining space
		}
		if opt.MaxChars > 0 && used+n > opt.MaxChars {
			continue
		}
		if slices.ContainsFunc(chosen, func(c *sentence) bool { return dot(c.vec, s.vec) >= w.redund }) {
			continue
		}
		chosen = append(chosen, s)
		used += n
	}
	if len(chosen) == 0 {
		// Even the best sentence is over the budget (MaxChars > 0 here).
		return textcut.Words(order[0].text, opt.MaxChars)
	}
	// Original order: article by article, then position.
	slices.SortFunc(chosen, func(a, b *sentence) int {
		if a.doc != b.doc {
			return a.doc - b.doc
		}
		return a.pos - b.pos
	})
	parts := make([]string, len(chosen))
	for i, c := range chosen {
		parts[i] = c.text
	}
	return strings.Join(parts, " ")
}

// maxTellings is how many outlets' tellings a story summary reads: enough
// to find what they agree on, bounded for a story that keeps growing.
const maxTellings = 5

// Tellings is the store of what each outlet published of a story.
type Tellings interface {
	// StoryTellings returns a story and the first article each outlet
	// published of it, oldest first, at most limit of them.
	StoryTellings(ctx context.Context, storyID int64, limit int) (news.Story, []news.Article, error)
}

// StoryWriter writes a story's summary again when another outlet's
// article joins it: the sentences the outlets agree on, from each one's
// first telling and the new article (which stands for its outlet). It is
// the pipeline's StorySummarizer.
type StoryWriter struct {
	tellings Tellings
	opt      Options
}

// NewStoryWriter writes story summaries from t's tellings, within opt.
func NewStoryWriter(t Tellings, opt Options) *StoryWriter {
	return &StoryWriter{tellings: t, opt: opt}
}

// StorySummary is the summary of a's story with a in it; "" when a is the
// story's only outlet so far or brings no text (the story keeps its own).
func (w *StoryWriter) StorySummary(ctx context.Context, a news.Article) (string, error) {
	story, tellings, err := w.tellings.StoryTellings(ctx, a.StoryID, maxTellings)
	if err != nil {
		return "", fmt.Errorf("summary: story %d: %w", a.StoryID, err)
	}
	texts := make([]string, 0, len(tellings)+1)
	for _, t := range tellings {
		if t.Source != a.Source && t.Text != "" {
			texts = append(texts, t.Text)
		}
	}
	if len(texts) == 0 || a.Text == "" {
		return "", nil
	}
	return SummarizeStory(story.Title, append(texts, a.Text), w.opt), nil
}
