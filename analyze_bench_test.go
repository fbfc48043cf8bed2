package main

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ajel-news/ajel/arabic"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/pipeline"
	"github.com/ajel-news/ajel/summary"
	"github.com/ajel-news/ajel/topic"
)

// antSample reads every step-th article of the ANT corpus in
// ../shared/data, skipping the benchmark when it is absent.
func antSample(b *testing.B, step int) []news.Article {
	b.Helper()
	f, err := os.Open(filepath.Join("..", "shared", "data", "ant", "ant-dev.jsonl.gz"))
	if err != nil {
		b.Skipf("ANT corpus not available: %v", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		b.Fatal(err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	var out []news.Article
	for i := 0; sc.Scan(); i++ {
		if i%step != 0 {
			continue
		}
		var d struct{ Source, Title, Text string }
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			b.Fatal(err)
		}
		out = append(out, news.Article{Key: d.Source + d.Title, Title: d.Title, Text: d.Text, Source: d.Source})
	}
	if err := sc.Err(); err != nil {
		b.Fatal(err)
	}
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
// tenth). "summarize+topics+keywords" is the figure: one analysis
// of the clean text, its summary, its section and place topics and the
// match against 10,000 keyword subscriptions. "all" is everything the
// pipeline does before the store: that, plus cleaning the raw body and
// the search text. The other sub-benchmarks are single steps on a text
// already cleaned (and, after "analyse", analysed). One op is one article; it reports
// articles a second.
//
//	go test -run '^$' -bench AnalyzeANT -benchmem -cpu 1 .
func BenchmarkAnalyzeANT(b *testing.B) {
	sample := antSample(b, 10)
	catalogue := topic.Embedded()
	classifier := newClassifier(catalogue)
	keywords := benchKeywords(catalogue, sample, 10_000)
	index := arabic.NewIndex(keywords)
	opt := withArticleSteps(pipeline.Options{Now: time.Now}, catalogue)
	p := pipeline.New(nil, opt)
	matcher := opt.Keywords(keywords)
	// The steps see what the pipeline gives them: clean text. The single
	// steps after the analysis cycle through analyses of the first
	// analysedArticles articles only: keeping every article's tokens alive
	// would make the garbage collector, not the steps, the measure.
	const analysedArticles = 256
	type prepared struct {
		title, text string
		analysis    *arabic.Text // for the first analysedArticles
	}
	clean := make([]prepared, len(sample))
	for i, a := range sample {
		clean[i] = prepared{title: a.Title, text: cleanBody(a.Text)}
		if i < analysedArticles {
			clean[i].analysis = arabic.Analyze(clean[i].text)
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
			classifier.TopicsText(c.title, t)
			index.MatchTokens(append(arabic.Tokens(c.title), t.Tokens()...))
		}},
		{"all", false, func(raw news.Article, _ prepared) {
			a, err := p.Prepare(raw)
			if err != nil {
				b.Fatal(err)
			}
			matcher.Match(a.Title + "\n" + a.Text)
		}},
		{"clean", false, func(raw news.Article, _ prepared) { cleanBody(raw.Text) }},
		{"analyse", false, func(_ news.Article, c prepared) { arabic.Analyze(c.text) }},
		{"summarize", true, func(_ news.Article, c prepared) { summary.SummarizeText(c.title, c.analysis, summary.Options{}) }},
		{"topics", true, func(_ news.Article, c prepared) { classifier.TopicsText(c.title, c.analysis) }},
		{"keywords", true, func(_ news.Article, c prepared) { index.MatchTokens(c.analysis.Tokens()) }},
		{"searchtext", true, func(_ news.Article, c prepared) {
			searchText(&analysed{text: c.analysis, all: c.analysis.Tokens(), allStems: c.analysis.Stems()})
		}},
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
				st.run(sample[i], clean[i])
				if i++; i == n {
					i = 0
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "articles/s")
		})
	}
}
