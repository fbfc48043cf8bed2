package main

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/ajel-news/ajel/bot/telegramtest"
	"github.com/ajel-news/ajel/internal/benchenv"
	"github.com/ajel-news/ajel/news"
)

// inlineBenchQueries are what readers type after "@bot": words, a topic's
// name, nothing (the latest breaking), words nothing matches.
var inlineBenchQueries = []string{"حلب", "زلزال", "", "اقتصاد", "سوق الحميدية", "انفجار حمص", "كسوف القمر", "لبنان", "في من"}

// BenchmarkInlineAnswers sends inline queries at AJEL_BENCH_QPS a second
// (default 100) for AJEL_BENCH_SECONDS (default 5) through the whole app,
// with 300 stories stored, against the fake Telegram taking
// AJEL_BENCH_RTT_MS a call (default 150), and reports the time from each query leaving Telegram to
// Telegram having its answer (the long poll's round trip included): p50,
// p95 and the slowest, and how many were answered and dropped.
//
//	go test -run '^$' -bench InlineAnswers -benchtime 1x .
func BenchmarkInlineAnswers(b *testing.B) {
	qps := benchenv.Int(b, "AJEL_BENCH_QPS", 100)
	seconds := benchenv.Int(b, "AJEL_BENCH_SECONDS", 5)
	rtt := time.Duration(benchenv.Int(b, "AJEL_BENCH_RTT_MS", 150)) * time.Millisecond
	for range b.N {
		tg := telegramtest.NewTest(b, testToken, telegramtest.WithLatency(rtt))
		a := benchApp(b, tg, 0, nil)
		ctx := context.Background()
		for i := range 300 {
			tl := []news.Article{
				{Title: "زلزال يضرب حلب ويشعر به سكان إدلب", Text: "ضرب زلزال مدينة حلب السورية فجر اليوم.", Breaking: true},
				{Title: "أسعار سوق الحميدية في دمشق", Text: "تقرير عن الأسعار في سوق الحميدية بدمشق."},
				{Title: "انفجار سيارة مفخخة في حمص", Text: "انفجرت سيارة مفخخة في مدينة حمص السورية.", Breaking: true},
				{Title: "المركزي المصري يبقي الفائدة", Text: "قرر البنك المركزي المصري الإبقاء على أسعار الفائدة."},
				{Title: "الجيش اللبناني ينتشر جنوب لبنان", Text: "بدأ الجيش اللبناني الانتشار في بلدات حدودية."},
			}[i%5]
			tl.Key, tl.Source, tl.URL = "b"+strconv.Itoa(i), fmt.Sprintf("المصدر %d", i%7), "https://news.example/"+strconv.Itoa(i)
			tl.Title += " " + strconv.Itoa(i) // 300 stories, not five
			if _, _, err := a.pipeline.Process(ctx, tl, false); err != nil {
				b.Fatal(err)
			}
		}
		n := qps * seconds
		sent := make(map[string]time.Time, n)
		b.ResetTimer()
		tick := time.NewTicker(time.Second / time.Duration(qps))
		for i := range n {
			<-tick.C
			u := tg.SendInlineQuery(telegramtest.NewUser(int64(2_000_000+i), "قارئ"), inlineBenchQueries[i%len(inlineBenchQueries)], "group")
			sent[u.InlineQueryID] = time.Now()
		}
		tick.Stop()
		// Every query answered, or past the queue's deadline (8 s).
		wctx, cancel := context.WithTimeout(ctx, 12*time.Second)
		_ = tg.WaitFor(wctx, func() bool { return tg.InlineAnswers() == n })
		cancel()
		b.StopTimer()
		var lat []time.Duration
		for id, at := range sent {
			if ans, ok := tg.InlineAnswer(id); ok {
				lat = append(lat, ans.Time.Sub(at))
			}
		}
		if len(lat) == 0 {
			b.Fatal("no query answered")
		}
		slices.Sort(lat)
		pct := func(p float64) float64 { return lat[min(len(lat)-1, int(p*float64(len(lat))))].Seconds() * 1000 }
		b.ReportMetric(pct(0.50), "p50_ms")
		b.ReportMetric(pct(0.95), "p95_ms")
		b.ReportMetric(lat[len(lat)-1].Seconds()*1000, "max_ms")
		b.ReportMetric(float64(len(lat)), "answered")
		b.ReportMetric(float64(n-len(lat)), "dropped")
	}
}
