package summary_test

import (
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ajel-news/ajel/analyze"
	"github.com/ajel-news/ajel/arabic"
	"github.com/ajel-news/ajel/feed"
	"github.com/ajel-news/ajel/feed/page"
	"github.com/ajel-news/ajel/internal/corpus"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/summary"
	"github.com/ajel-news/ajel/topic"
)

// teaserWords is how much of an article a simulated teaser feed carries.
const teaserWords = 15

// TestEvaluateFullText simulates teaser feeds on the ANT corpus: each
// item carries its title and the first 15 words of its text; its page
// (served here, wrapped in a menu, a cookie notice and a footer written by
// us) has the whole article. It prints, with full text off (the teaser
// alone) and on (the page read through page.Reader, as the pipeline
// does): ROUGE F1 of the push summary against the lead-3 of the full
// text, and the keyword subscriptions (every word of the topic catalogue)
// each article matches — those found only in the body are what readers
// of a teaser feed miss. It fails if full text does not beat the teaser on
// both, or if pages are refused. The corpus is read from ../shared/data.
//
//	go test ./summary -run TestEvaluateFullText -v
func TestEvaluateFullText(t *testing.T) {
	type doc struct{ Source, Title, Text string }
	kept := 0
	docs := corpus.Load(t, "ant/ant-dev.jsonl.gz", func(i int, d doc) (bool, bool) {
		keep := i%40 == 0 && len(strings.Fields(d.Text)) >= 80
		if keep {
			kept++
		}
		return keep, kept < 400
	})

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/a/"))
		if err != nil || i < 0 || i >= len(docs) {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, simulatedPage(docs[i].Title, docs[i].Text))
	}))
	defer srv.Close()
	pages := page.NewReader(feed.NewFetcher(feed.Options{AllowPrivate: true}), page.Options{Gap: time.Nanosecond})

	catalogue := topic.Embedded()
	var keywords []string
	for _, tp := range catalogue.All() {
		for _, w := range append([]string{tp.Name}, tp.Words...) {
			if k := arabic.KeywordForm(w); k != "" {
				keywords = append(keywords, k)
			}
		}
	}
	an := analyze.New(catalogue, analyze.Options{})
	an.SetKeywords(keywords)

	type score struct{ r1, r2, rl float64 }
	var off, on score
	hitsOff, hitsOn, onlyInBody, used := 0, 0, 0, 0
	reasons := map[string]int{}
	for i, d := range docs {
		words := strings.Fields(d.Text)
		item := news.Article{Key: strconv.Itoa(i), Title: d.Title, Source: d.Source,
			Text: strings.Join(words[:teaserWords], " ") + "…", URL: srv.URL + "/a/" + strconv.Itoa(i)}
		completed, read, err := pages.Complete(t.Context(), item, news.FullTextAuto)
		if !read {
			t.Fatalf("article %d: a 15-word teaser was not taken for a teaser", i)
		}
		reasons[page.Failure(err)]++
		if err == nil {
			used++
		}
		if frame := []string{"نستخدم ملفات تعريف الارتباط لتحسين تجربتك", "جميع الحقوق محفوظة", "خبر ثالث"}; slices.ContainsFunc(frame, func(f string) bool {
			return strings.Contains(completed.Text, f) && !strings.Contains(d.Text, f)
		}) {
			t.Errorf("article %d: the page's frame was taken for the story: %.200q", i, completed.Text)
		}
		teaser, err1 := an.Analyze(item)
		full, err2 := an.Analyze(completed)
		if err1 != nil || err2 != nil {
			t.Fatalf("article %d: %v %v", i, err1, err2)
		}
		ref := summary.Lead(d.Text, 3)
		add := func(s *score, cand string) {
			r1, r2, rl := summary.ROUGE(cand, ref)
			s.r1, s.r2, s.rl = s.r1+r1, s.r2+r2, s.rl+rl
		}
		add(&off, teaser.Summary)
		add(&on, full.Summary)
		hitsOff += len(teaser.Keywords)
		hitsOn += len(full.Keywords)
		for _, k := range full.Keywords {
			if !slices.Contains(teaser.Keywords, k) {
				onlyInBody++
			}
		}
	}
	n := float64(len(docs))
	if n == 0 {
		t.Skip("no ANT articles of 80 words or more")
	}
	t.Logf("%d ANT articles (every 40th of 80+ words), teaser = title + first %d words; %d keyword subscriptions (the catalogue's words)", len(docs), teaserWords, len(keywords))
	t.Logf("pages used: %d of %d (%v)", used, len(docs), reasons)
	t.Logf("summary ROUGE F1 x100 against the lead-3 of the full text: teaser only %.1f / %.1f / %.1f, full text %.1f / %.1f / %.1f",
		100*off.r1/n, 100*off.r2/n, 100*off.rl/n, 100*on.r1/n, 100*on.r2/n, 100*on.rl/n)
	t.Logf("keyword hits: teaser only %d, full text %d, found only in the body %d (%.1f a article)",
		hitsOff, hitsOn, onlyInBody, float64(onlyInBody)/n)
	if used*100 < len(docs)*95 {
		t.Errorf("only %d of %d article pages were used", used, len(docs))
	}
	if on.r1 <= off.r1 || on.rl <= off.rl || hitsOn <= hitsOff {
		t.Error("full text does not beat the teaser")
	}
}

// simulatedPage is an article page as a news site serves it: a menu, a
// cookie notice, the article (a paragraph a line), related links and a
// footer. The frame is ours; the article is the corpus's.
func simulatedPage(title, text string) string {
	var b strings.Builder
	b.WriteString(`<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>` + html.EscapeString(title) + `</title></head><body>
<header><nav><ul><li><a href="/">الرئيسية</a></li><li><a href="/news">أخبار</a></li><li><a href="/economy">اقتصاد</a></li><li><a href="/sport">رياضة</a></li></ul></nav></header>
<div class="cookies">نستخدم ملفات تعريف الارتباط لتحسين تجربتك. <a href="/privacy">سياسة الخصوصية</a> <button>موافق</button></div>
<main><article><h1>` + html.EscapeString(title) + `</h1><div class="body">`)
	for _, p := range strings.Split(text, "\n") {
		if p = strings.TrimSpace(p); p != "" {
			b.WriteString("<p>" + html.EscapeString(p) + "</p>\n")
		}
	}
	b.WriteString(`</div></article>
<aside><h3>اقرأ أيضا</h3><ul><li><a href="/a/1">خبر آخر</a></li><li><a href="/a/2">خبر ثالث</a></li></ul></aside></main>
<footer>جميع الحقوق محفوظة · <a href="/about">من نحن</a></footer></body></html>`)
	return b.String()
}
