package analyze

import (
	"slices"
	"strings"
	"testing"

	"github.com/ajel-news/ajel/arabic"
	"github.com/ajel-news/ajel/internal/clean"
	"github.com/ajel-news/ajel/internal/corpus"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/summary"
	"github.com/ajel-news/ajel/topic"
)

// antSample reads every step-th article of the ANT corpus in
// ../shared/data, skipping the benchmark when it is absent.
func antSample(b *testing.B, step int) []news.Article {
	b.Helper()
	type doc struct{ Source, Title, Text string }
	var out []news.Article
	corpus.Load(b, "ant/ant-dev.jsonl.gz", func(i int, d doc) (bool, bool) {
		if i%step == 0 {
			out = append(out, news.Article{Key: d.Source + d.Title, Title: d.Title, Text: d.Text, Source: d.Source})
		}
		return false, true
	})
	return out
}

// benchKeywords is n keyword subscriptions as readers would write them:
// every word of the catalogue (places, sections) and then the most
// frequent longer words of the sample's headlines, so that many of them
// match.
func benchKeywords(c *topic.Catalogue, sample []news.Article, n int) []string {
	var kws []string
	for _, t := range c.All() {
		kws = append(kws, t.Name)
		kws = append(kws, t.Words...)
	}
	freq := map[string]int{}
	for _, a := range sample {
		for _, t := range arabic.Tokens(a.Title) {
			if len([]rune(t)) >= 4 && !arabic.IsStopWord(t) {
				freq[t]++
			}
		}
	}
	words := make([]string, 0, len(freq))
	for w := range freq {
		words = append(words, w)
	}
	slices.SortFunc(words, func(a, b string) int {
		if d := freq[b] - freq[a]; d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	for _, w := range words {
		if len(kws) >= n {
			break
		}
		kws = append(kws, w)
	}
	return kws
}

// BenchmarkAnalyzeANT measures what Ajel does to each new article before
// storing it, on one core, over a sample of 2,755 ANT articles (every
// tenth). "summarize+topics+keywords" is one analysis of the clean text,
// its summary, its section and place topics and the match against 10,000
// keyword subscriptions. "all" is Analyze, everything done to an article
// before the store: that, plus cleaning the raw title and body, the
// breaking rule and the search text. The other sub-benchmarks are single
// steps on a text already cleaned (and, after "analyse", analysed). One op
// is one article; it reports articles a second.
//
//	go test -run '^$' -bench AnalyzeANT -benchmem -cpu 1 ./analyze
func BenchmarkAnalyzeANT(b *testing.B) {
	sample := antSample(b, 10)
	catalogue := topic.Embedded()
	an := New(catalogue, Options{})
	keywords := benchKeywords(catalogue, sample, 10_000)
	an.SetKeywords(keywords)
	index := arabic.NewIndex(keywords)
	// The single steps after the analysis cycle through analyses of the
	// first analysedArticles articles only: keeping every article's tokens
	// alive would make the garbage collector, not the steps, the measure.
	const analysedArticles = 256
	type prepared struct {
		title, text string
		analysis    *words // for the first analysedArticles
	}
	cleaned := make([]prepared, len(sample))
	for i, a := range sample {
		cleaned[i] = prepared{title: a.Title, text: clean.Body(a.Text)}
		if i < analysedArticles {
			cleaned[i].analysis = read(a.Title, cleaned[i].text)
		}
	}
	stages := []struct {
		name     string
		analysed bool // runs on the analysed articles only
		run      func(raw news.Article, c prepared)
	}{
		{"summarize+topics+keywords", false, func(_ news.Article, c prepared) {
			t := arabic.Analyze(c.text)
			summary.SummarizeText(c.title, t, summary.Options{})
			an.classifier.TopicsText(c.title, t)
			index.MatchTokens(append(arabic.Tokens(c.title), t.Tokens()...))
		}},
		{"all", false, func(raw news.Article, _ prepared) {
			if _, err := an.Analyze(raw); err != nil {
				b.Fatal(err)
			}
		}},
		{"clean", false, func(raw news.Article, _ prepared) { clean.Body(raw.Text) }},
		{"analyse", false, func(_ news.Article, c prepared) { arabic.Analyze(c.text) }},
		{"summarize", true, func(_ news.Article, c prepared) {
			summary.SummarizeText(c.title, c.analysis.text, summary.Options{})
		}},
		{"topics", true, func(_ news.Article, c prepared) { an.classifier.TopicsText(c.title, c.analysis.text) }},
		{"keywords", true, func(_ news.Article, c prepared) { index.MatchTokens(c.analysis.all) }},
		{"searchtext", true, func(_ news.Article, c prepared) { searchText(c.analysis) }},
	}
	for _, st := range stages {
		b.Run(st.name, func(b *testing.B) {
			b.ReportAllocs()
			n := len(sample)
			if st.analysed {
				n = min(n, analysedArticles)
			}
			i := 0
			for b.Loop() {
				st.run(sample[i], cleaned[i])
				if i++; i == n {
					i = 0
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "articles/s")
		})
	}
}
