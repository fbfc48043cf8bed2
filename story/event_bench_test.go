package story

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/topic"
)

// benchStories is how many stories the benchmarks hold open: a busy day.
const benchStories = 5000

// loadDay records stories, spread over the 24 hours before start, and
// returns the detector with the heap they take.
func loadDay(b *testing.B, stories []news.Article, start time.Time, now *time.Time) (*Detector, uint64) {
	b.Helper()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	*now = start.Add(-24 * time.Hour)
	d := NewDetector(Options{Now: func() time.Time { return *now }, Places: topic.Embedded().Places()})
	step := 24 * time.Hour / time.Duration(len(stories))
	for i, a := range stories {
		*now = (*now).Add(step)
		a.SeenAt, a.PublishedAt = *now, *now
		d.Add(int64(i+1), a)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	return d, after.HeapAlloc - before.HeapAlloc
}

// BenchmarkDecideANT measures the time to decide the story of one ANT
// article against a day of 5,000 open stories of ANT articles (real
// words, real shared names), and the memory those stories take.
func BenchmarkDecideANT(b *testing.B) {
	arts := loadANT(b, benchStories+2000, 3)
	var now time.Time
	start := time.Date(2018, 5, 1, 12, 0, 0, 0, time.UTC)
	d, heap := loadDay(b, arts[:benchStories], start, &now)
	probes := arts[benchStories:]
	joined, i := 0, 0
	for b.Loop() {
		a := probes[i%len(probes)]
		i++
		a.SeenAt, a.PublishedAt = now, now
		if d.Decide(a).StoryID != 0 {
			joined++
		}
	}
	b.ReportMetric(float64(d.Len()), "stories")
	b.ReportMetric(float64(heap)/(1<<20), "MiB")
	b.ReportMetric(float64(joined)/float64(b.N), "joined/op")
}

// BenchmarkDecideSynthetic is BenchmarkDecideANT on items written by the
// tests' generator (runs without ../shared/data).
func BenchmarkDecideSynthetic(b *testing.B) {
	var now time.Time
	start := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	arts := syntheticItems(benchStories+1000, start)
	d, heap := loadDay(b, arts[:benchStories], start, &now)
	probes := arts[benchStories:]
	i := 0
	for b.Loop() {
		a := probes[i%len(probes)]
		i++
		a.SeenAt, a.PublishedAt = now, now
		d.Decide(a)
	}
	b.ReportMetric(float64(d.Len()), "stories")
	b.ReportMetric(float64(heap)/(1<<20), "MiB")
}

// syntheticItems returns n items about different events, in our words.
func syntheticItems(n int, start time.Time) []news.Article {
	syl := []string{"سا", "مي", "رو", "ها", "دي", "نو", "كا", "بي", "تو", "فا", "زو", "ري", "قو", "حي", "جا", "طو"}
	name := func(i int) string {
		return syl[i%16] + syl[(i/16)%16] + syl[(i/256)%16] + syl[(i/4096)%16] + "ن"
	}
	verbs := []string{"يفتتح", "يزور", "يكرم", "يستقبل", "يدشن", "يغادر", "ينتقد", "يعلن"}
	things := []string{"مستشفى", "مدرسة", "جسرا", "ملعبا", "مكتبة", "ميناء", "مصنعا", "حديقة", "سدا", "مطارا"}
	out := make([]news.Article, n)
	for i := range out {
		who, where, thing := name(i), name(i+30000), things[(i/8)%10]
		out[i] = news.Article{
			Source: fmt.Sprintf("منفذ %d", i%7),
			Title:  fmt.Sprintf("%s %s %s في %s", who, verbs[i%8], thing, where),
			Text: fmt.Sprintf("قال %s إن %s الجديد في %s يخدم نحو %d ساكن، وإن العمل فيه بدأ قبل %d شهرا. "+
				"وأضاف أن الكلفة بلغت %d ألفا وأن %s ستتولى إدارته.", who, thing, where, 1000+i, 2+i%30, 50+i, name(i+50000)),
		}
	}
	return out
}

// BenchmarkWarmANT measures the warm-up after a restart: rebuilding the
// detector (signatures, profiles, word frequencies, candidate index) from
// the stored articles of a day of 5,000 stories.
func BenchmarkWarmANT(b *testing.B) {
	arts := loadANT(b, benchStories, 3)
	start := time.Date(2018, 5, 1, 12, 0, 0, 0, time.UTC)
	step := 24 * time.Hour / time.Duration(len(arts))
	for i := range arts {
		arts[i].StoryID = int64(i + 1)
		arts[i].SeenAt = start.Add(-24*time.Hour + time.Duration(i)*step)
		arts[i].PublishedAt = arts[i].SeenAt
	}
	for b.Loop() {
		d := NewDetector(Options{Now: func() time.Time { return start }, Places: topic.Embedded().Places()})
		d.Load(arts)
		if d.Len() != benchStories {
			b.Fatalf("%d stories after the warm-up, want %d", d.Len(), benchStories)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/warm-up")
}
