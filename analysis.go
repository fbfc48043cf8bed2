package main

import (
	"strings"
	"sync"

	"github.com/ajel-news/ajel/arabic"
	"github.com/ajel-news/ajel/pipeline"
	"github.com/ajel-news/ajel/summary"
	"github.com/ajel-news/ajel/topic"
)

// withArticleSteps fills in the pipeline steps that read an article:
// cleaning, the summary, the topics of catalogue c, the keyword index and
// the search text. The last four share one analysis of each article's
// words (see articleWords).
func withArticleSteps(opt pipeline.Options, c *topic.Catalogue) pipeline.Options {
	words := &articleWords{}
	classifier := newClassifier(c)
	opt.Clean = cleanBody
	opt.Summarizer = pipeline.SummarizerFunc(func(title, text string) string {
		return summary.SummarizeText(title, words.of(title, text).text, summary.Options{})
	})
	opt.Classifier = pipeline.ClassifierFunc(func(title, text string) []string {
		return classifier.TopicsText(title, words.of(title, text).text)
	})
	opt.Keywords = func(keys []string) pipeline.KeywordMatcher {
		return keywordMatcher{index: arabic.NewIndex(keys), words: words}
	}
	opt.Normalize = func(s string) string { return searchText(words.ofJoined(s)) }
	return opt
}

// articleWords lets the steps of the pipeline that read an article's
// words share one analysis of them: the pipeline calls the summarizer,
// the classifier, the search text and the keyword matcher one after
// another on the same title and text, and tokenizing once instead of four
// times is most of what makes an article cheap to process (see
// BenchmarkAnalyzeANT). It keeps the last article; another replaces it.
// Safe for concurrent use: pipelines preparing different articles at
// once only analyse them more often.
type articleWords struct {
	mu    sync.Mutex
	title string
	text  string
	last  *analysed
}

// analysed is one article's words.
type analysed struct {
	text *arabic.Text
	// all and allStems are the tokens of title + "\n" + text and their
	// stems, which the search text and the keyword matcher read.
	all, allStems []string
}

// of returns the analysis of the article with this title and clean text.
func (w *articleWords) of(title, text string) *analysed {
	w.mu.Lock()
	last := w.last
	same := last != nil && w.title == title && w.text == text
	w.mu.Unlock()
	if same {
		return last
	}
	a := &analysed{text: arabic.Analyze(text)}
	a.all = append(arabic.Tokens(title), a.text.Tokens()...)
	a.allStems = make([]string, 0, len(a.all))
	for _, t := range a.all[:len(a.all)-len(a.text.Tokens())] {
		a.allStems = append(a.allStems, arabic.Stem(t))
	}
	a.allStems = append(a.allStems, a.text.Stems()...)
	w.mu.Lock()
	w.title, w.text, w.last = title, text, a
	w.mu.Unlock()
	return a
}

// ofJoined returns the words of s, which the pipeline builds as
// title + "\n" + text: those of the article kept when s is its title and
// text, else s analysed as one text.
func (w *articleWords) ofJoined(s string) *analysed {
	w.mu.Lock()
	last, title, text := w.last, w.title, w.text
	w.mu.Unlock()
	if last != nil && len(s) == len(title)+1+len(text) &&
		strings.HasPrefix(s, title) && s[len(title)] == '\n' && strings.HasSuffix(s, text) {
		return last
	}
	t := arabic.Analyze(s)
	return &analysed{text: t, all: t.Tokens(), allStems: t.Stems()}
}

// keywordMatcher matches keyword subscriptions in the article's shared
// analysis.
type keywordMatcher struct {
	index *arabic.Index
	words *articleWords
}

func (m keywordMatcher) Match(s string) []string {
	return m.index.MatchTokens(m.words.ofJoined(s).all)
}

// searchText is what /search looks through: each word of an article (in
// matching form) and its stem, so "إدلب" finds "وإدلب" and "السوريين"
// finds "سوريين".
func searchText(a *analysed) string {
	out := make([]string, 0, 2*len(a.all))
	for i, t := range a.all {
		out = append(out, t)
		if st := a.allStems[i]; st != t {
			out = append(out, st)
		}
	}
	return strings.Join(out, " ")
}
