package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ajel-news/ajel/bot/telegramtest"
	"github.com/ajel-news/ajel/demo"
	"github.com/ajel-news/ajel/news"
)

// ownArticles is a corpus written for Ajel: the demo's sample news and a
// few items shaped like what feeds send (markup, a breaking marker at
// either end, a dateline, boilerplate, a body that repeats the headline).
func ownArticles() []news.Article {
	var out []news.Article
	for i, a := range demo.Articles() {
		out = append(out, news.Article{Key: fmt.Sprint("demo-", i), Source: a.Outlet, Title: a.Title, Text: a.Text, URL: a.Link})
	}
	return append(out,
		news.Article{Key: "x1", Source: "وكالة", Title: "<b>عاجل:</b> انفجار في مرفأ بيروت",
			Text: "<p>بيروت - (رويترز) - وقع انفجار كبير في مرفأ بيروت صباح اليوم.</p><p>شارك هذا المقال</p><p>وقالت السلطات اللبنانية إن فرق الإطفاء تعمل على احتواء الحريق.</p>"},
		news.Article{Key: "x2", Source: "وكالة", Title: "زلزال بقوة 5 درجات يضرب جنوب تركيا - عاجل", Text: "ضرب زلزال جنوب تركيا فجر اليوم، وشعر به سكان حلب وإدلب في سوريا."},
		news.Article{Key: "x3", Source: "وكالة", Title: "وزير المالية الأردني يستقيل", Text: "<p>وزير  المالية الأردني يستقيل</p>"},
		news.Article{Key: "x4", Source: "وكالة", Title: "عاجل", Text: "إطلاق صواريخ على شمال إسرائيل من جنوب لبنان. ولم ترد أنباء عن إصابات."},
	)
}

// What `ajel summarize` prints for an article is what the pipeline stores
// for it: one path (package analyze) prepares both.
func TestSummarizeMatchesWhatThePipelineStores(t *testing.T) {
	articles := ownArticles()
	var in strings.Builder
	for i, a := range articles {
		line, _ := json.Marshal(map[string]any{"id": i, "title": a.Title, "text": a.Text, "source": a.Source, "url": a.URL})
		in.Write(line)
		in.WriteByte('\n')
	}
	code, out, stderr := runCLI(t, nil, in.String(), "summarize")
	if code != 0 {
		t.Fatalf("summarize exited %d: %s", code, stderr)
	}
	type result struct {
		ID       int      `json:"id"`
		Summary  string   `json:"summary"`
		Topics   []string `json:"topics"`
		Breaking bool     `json:"breaking"`
	}
	var printed []result
	for line := range strings.Lines(out) {
		var r result
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		printed = append(printed, r)
	}
	if len(printed) != len(articles) {
		t.Fatalf("%d lines printed for %d articles", len(printed), len(articles))
	}

	tg := telegramtest.NewTest(t, testToken)
	a := startApp(t, tg, filepath.Join(t.TempDir(), "ajel.db"), nil)
	for i, art := range articles {
		stored, _, err := a.pipeline.Process(t.Context(), art, false)
		if err != nil {
			t.Fatalf("%s: %v", art.Key, err)
		}
		got, err := a.db.Article(t.Context(), stored.ID)
		if err != nil {
			t.Fatal(err)
		}
		p := printed[i]
		if got.Summary != p.Summary || !slices.Equal(nonNil(got.Topics), p.Topics) || got.Breaking != p.Breaking {
			t.Errorf("%s %q:\n stored  summary %q topics %q breaking %v\n printed summary %q topics %q breaking %v",
				art.Key, art.Title, got.Summary, got.Topics, got.Breaking, p.Summary, p.Topics, p.Breaking)
		}
	}
	// The corpus covers what differs between feeds: some breaking, some
	// not, a headline-only item.
	var breaking, headlineOnly int
	for _, p := range printed {
		if p.Breaking {
			breaking++
		}
		if p.Summary == "" {
			headlineOnly++
		}
	}
	if breaking < 3 || headlineOnly < 1 {
		t.Errorf("the corpus has %d breaking and %d headline-only items; it should have both", breaking, headlineOnly)
	}
}
