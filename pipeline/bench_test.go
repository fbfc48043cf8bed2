package pipeline_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ajel-news/ajel/analyze"
	"github.com/ajel-news/ajel/feed"
	"github.com/ajel-news/ajel/feed/page"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/pipeline"
	"github.com/ajel-news/ajel/storage/storagetest"
	"github.com/ajel-news/ajel/topic"
)

// benchStory is an article of ours, a paragraph a line.
var benchStory = []string{
	"أعلنت السلطات في مدينة حلب السورية اليوم افتتاح مستشفى جديد للأطفال في حي الشعار، بعد عامين من أعمال البناء والتجهيز.",
	"ويضم المستشفى مئة وعشرين سريرا وقسما للعناية المركزة وآخر للطوارئ يعمل على مدار الساعة.",
	"وقال مدير الصحة في المحافظة إن المستشفى سيستقبل المرضى من المدينة والأرياف المجاورة، وإن العلاج فيه سيكون مجانيا في عامه الأول.",
	"وأضاف أن ثلاثين طبيبا ومئة ممرض انضموا إلى فريق المستشفى، وأن دفعة جديدة من الأجهزة ستصل الشهر المقبل.",
	"وكان سكان الحي يقطعون مسافات طويلة إلى وسط المدينة لعلاج أطفالهم، في رحلة تستغرق أكثر من ساعة في أيام الزحام.",
}

// BenchmarkFullTextLatency measures what reading an article page adds to
// the time from an item's arrival in a poll to its outbox rows being
// queued, with the real analyzer and SQLite, against a page served on
// loopback: 30 polls of one new item each, 600 ms apart (items arrive
// apart; one host is asked at most every 500 ms), once with the whole
// text in the feed and once as a 15-word teaser whose page is read. Then
// a poll of 20 teasers of one host (read one after the other, 500 ms
// apart: politeness has its price in a burst), and one poll with two teasers on two hosts, one of whose pages never
// answers: the other's push is queued at once; the silent one's after
// the page bound (3 s here; 10 s by default), with its teaser. It reports p50 and p95 in ms.
//
//	go test -run '^$' -bench FullTextLatency -benchtime 1x ./pipeline
func BenchmarkFullTextLatency(b *testing.B) {
	articleHTML := "<!doctype html><html lang=\"ar\"><head><meta charset=\"utf-8\"><title>مستشفى جديد للأطفال في حلب</title></head><body>" +
		"<nav><a href=\"/\">الرئيسية</a> <a href=\"/syria\">سوريا</a></nav><article><h1>افتتاح مستشفى جديد للأطفال في حلب</h1><p>" +
		strings.Join(benchStory, "</p><p>") + "</p></article><footer>موقع تجريبي</footer></body></html>"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/never" {
			<-r.Context().Done()
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, articleHTML)
	}))
	defer srv.Close()
	// Both on loopback: "localhost" names a second host.
	otherHost := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)

	db := storagetest.Open(b)
	storagetest.Readers(b, db, 1, 100, "syria")
	reader := page.NewReader(feed.NewFetcher(feed.Options{AllowPrivate: true}), page.Options{Timeout: 3 * time.Second})
	notes := &timedNotifier{}
	p := pipeline.New(db, pipeline.Options{Analyzer: analyze.New(topic.Embedded(), analyze.Options{}), Pages: reader, Notifier: notes})
	f, err := db.AddFeed(b.Context(), news.Feed{URL: srv.URL + "/rss"})
	if err != nil {
		b.Fatal(err)
	}
	whole := strings.Join(benchStory, "\n")
	teaser := strings.Join(strings.Fields(whole)[:15], " ") + "…"
	key := 0
	item := func(text, url string) news.Article {
		key++
		return news.Article{Key: fmt.Sprint("k", key), Title: fmt.Sprintf("افتتاح مستشفى جديد للأطفال في حلب (%d)", key),
			Text: text, URL: fmt.Sprintf("%s/story/%d", url, key), PublishedAt: time.Now()}
	}
	measure := func(b *testing.B, text string) {
		var took []time.Duration
		for range 30 {
			start := time.Now()
			if _, err := p.HandleItems(b.Context(), f, []news.Article{item(text, srv.URL)}, true); err != nil {
				b.Fatal(err)
			}
			took = append(took, time.Since(start))
			time.Sleep(600 * time.Millisecond)
		}
		p50, p95 := quantiles(took)
		b.ReportMetric(ms(p50), "p50_ms")
		b.ReportMetric(ms(p95), "p95_ms")
	}
	b.Run("whole-text", func(b *testing.B) {
		for b.Loop() {
			measure(b, whole)
		}
	})
	b.Run("teaser-page-read", func(b *testing.B) {
		for b.Loop() {
			before, _ := db.Feed(b.Context(), f.ID)
			measure(b, teaser)
			after, _ := db.Feed(b.Context(), f.ID)
			if used := (after.Pages.Read - after.Pages.Failed) - (before.Pages.Read - before.Pages.Failed); used != 30 {
				b.Fatalf("%d of 30 pages used (%s)", used, after.LastPageError)
			}
		}
	})
	b.Run("twenty-teasers-one-host", func(b *testing.B) {
		for b.Loop() {
			notes.reset()
			var items []news.Article
			for range 20 {
				items = append(items, item(teaser, srv.URL))
			}
			start := time.Now()
			if _, err := p.HandleItems(b.Context(), f, items, true); err != nil {
				b.Fatal(err)
			}
			at := notes.times()
			if len(at) != 20 {
				b.Fatalf("%d pushes queued, want 20", len(at))
			}
			b.ReportMetric(ms(at[0].Sub(start)), "first_ms")
			b.ReportMetric(ms(at[19].Sub(start)), "last_ms")
		}
	})
	b.Run("one-page-never-answers", func(b *testing.B) {
		for b.Loop() {
			notes.reset()
			start := time.Now()
			slow, fast := item(teaser, srv.URL), item(teaser, otherHost)
			slow.URL = srv.URL + "/never"
			if _, err := p.HandleItems(b.Context(), f, []news.Article{slow, fast}, true); err != nil {
				b.Fatal(err)
			}
			at := notes.times()
			if len(at) != 2 {
				b.Fatalf("%d pushes queued, want 2", len(at))
			}
			b.ReportMetric(ms(at[0].Sub(start)), "other_ms")
			b.ReportMetric(ms(at[1].Sub(start)), "silent_ms")
		}
	})
}

// timedNotifier records when pushes were queued.
type timedNotifier struct {
	mu sync.Mutex
	at []time.Time
}

func (n *timedNotifier) Notify() {
	n.mu.Lock()
	n.at = append(n.at, time.Now())
	n.mu.Unlock()
}

func (n *timedNotifier) reset() {
	n.mu.Lock()
	n.at = nil
	n.mu.Unlock()
}

func (n *timedNotifier) times() []time.Time {
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Clone(n.at)
}

func quantiles(d []time.Duration) (p50, p95 time.Duration) {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2], s[min(len(s)-1, len(s)*95/100)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
