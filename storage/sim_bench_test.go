package storage_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ajel-news/ajel/internal/benchenv"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/storage"
)

// BenchmarkThirtyDays runs a month of a busy Ajel through the database on
// a simulated clock: AJEL_SIM_READERS readers (default 100,000), each
// following one of five topics, and AJEL_SIM_STORIES stories a day (300),
// each reaching a fifth of them, for AJEL_SIM_DAYS days (30). Every story's
// outbox rows are queued by SaveArticle (timed) and marked sent a minute
// later; retention runs every 10 simulated minutes with the defaults (7
// days of outbox rows, 30 of articles). It reports the database size at
// the end of day 1, 7 and the last day, what one delivery row costs on
// disk, the time to queue one story on day 1, 7 and the last day (median),
// the longest a prune batch held the write lock, and the longest one took
// end to end (its commit, and any checkpoint SQLite ran after it, included).
//
//	go test -run '^$' -bench ThirtyDays -benchtime 1x -timeout 2h ./storage/
//	AJEL_SIM_READERS=10000 go test -run '^$' -bench ThirtyDays -benchtime 1x ./storage/
func BenchmarkThirtyDays(b *testing.B) {
	readers := benchenv.Int(b, "AJEL_SIM_READERS", 100_000)
	perDay := benchenv.Int(b, "AJEL_SIM_STORIES", 300)
	days := benchenv.Int(b, "AJEL_SIM_DAYS", 30)
	topics := []string{"syria", "lebanon", "egypt", "iraq", "economy"}
	retention := storage.Retention{Deliveries: 7 * 24 * time.Hour, Articles: 30 * 24 * time.Hour}
	body := strings.Repeat("نص الخبر كما ترسله الوكالة، جملة بعد جملة. ", 40) // ≈ 1.5 KB, a short article

	for range b.N {
		b.StopTimer()
		ctx := context.Background()
		path := filepath.Join(b.TempDir(), "ajel.db")
		db, err := storage.Open(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return clock }
		if err := db.SeedReaders(ctx, 1, readers, topics); err != nil {
			b.Fatal(err)
		}
		size := func() int64 {
			if err := db.Checkpoint(ctx); err != nil {
				b.Fatal(err)
			}
			return db.Upkeep().Bytes
		}
		base := size()
		var (
			sizes     = map[int]int64{}
			queue     = map[int][]time.Duration{}
			longest   time.Duration
			batch     time.Duration
			rowsDay1  int64
			lastPrune = clock
			story     int
		)
		gap := 24 * time.Hour / time.Duration(perDay)
		b.StartTimer()
		for day := 1; day <= days; day++ {
			for range perDay {
				story++
				topic := topics[story%len(topics)]
				a := news.Article{Source: "وكالة", Key: fmt.Sprint("s", story), URL: fmt.Sprint("https://news.example/", story),
					Title: fmt.Sprint("خبر رقم ", story), Text: body, Summary: "ملخص", Topics: []string{topic},
					SearchText: "خبر رقم " + strconv.Itoa(story), SeenAt: clock}
				began := time.Now()
				saved, n, err := db.SaveArticle(ctx, a, true)
				queue[day] = append(queue[day], time.Since(began))
				if err != nil || n != readers/len(topics) {
					b.Fatalf("story %d queued %d rows (%v), want %d", story, n, err, readers/len(topics))
				}
				if _, err := db.MarkStorySent(ctx, saved.StoryID, clock.Add(time.Minute)); err != nil {
					b.Fatal(err)
				}
				if day == 1 {
					rowsDay1 += int64(n)
				}
				clock = clock.Add(gap)
				if clock.Sub(lastPrune) >= 10*time.Minute {
					p, err := db.Prune(ctx, clock, retention)
					if err != nil {
						b.Fatal(err)
					}
					longest, batch, lastPrune = max(longest, p.LongestLock), max(batch, p.LongestBatch), clock
				}
			}
			if day == 1 || day == 7 || day == days {
				b.StopTimer()
				sizes[day] = size()
				b.StartTimer()
			}
		}
		b.StopTimer()
		median := func(ds []time.Duration) float64 {
			s := slices.Clone(ds)
			slices.Sort(s)
			return float64(s[len(s)/2].Microseconds()) / 1000
		}
		const mb = 1 << 20
		b.ReportMetric(float64(sizes[1])/mb, "MB_day1")
		b.ReportMetric(float64(sizes[7])/mb, "MB_day7")
		b.ReportMetric(float64(sizes[days])/mb, fmt.Sprintf("MB_day%d", days))
		b.ReportMetric(float64(sizes[1]-base)/float64(rowsDay1), "B/delivery_row")
		b.ReportMetric(median(queue[1]), "ms/queue_day1")
		if days >= 7 {
			b.ReportMetric(median(queue[7]), "ms/queue_day7")
		}
		b.ReportMetric(median(queue[days]), fmt.Sprintf("ms/queue_day%d", days))
		b.ReportMetric(float64(longest.Microseconds())/1000, "ms/longest_prune_lock")
		b.ReportMetric(float64(batch.Microseconds())/1000, "ms/longest_prune_batch")
		db.Close()
	}
}
