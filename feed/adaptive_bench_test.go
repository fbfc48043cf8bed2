package feed_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ajel-news/ajel/feed"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/storage/storagetest"
)

// newItems counts, per feed, the items a handler has not seen before and
// when each was first seen.
type newItems struct {
	mu     sync.Mutex
	seen   map[string]bool
	now    func() time.Time
	delays map[int64][]time.Duration // feed → publication to first poll
}

func (n *newItems) HandleItems(_ context.Context, f news.Feed, items []news.Article, push bool) (news.PollOutcome, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := news.PollOutcome{}
	for _, it := range items {
		if n.seen[it.Key] {
			continue
		}
		n.seen[it.Key] = true
		out.New++
		if push {
			n.delays[f.ID] = append(n.delays[f.ID], n.now().Sub(it.PublishedAt))
		}
	}
	return out, nil
}

// BenchmarkAdaptivePollingDay runs the real poller, fetcher and SQLite
// through one simulated day (a clock the poller reads) against three
// feeds served here with ETags: one that publishes every 5 minutes, one
// twice a day (08:00 and 20:00), one never. POLL_INTERVAL=1m and
// POLL_INTERVAL_MAX=15m. It reports each feed's requests against the
// 1,440 of fixed 60 s polling, and the busy feed's time from publication
// to the poll that finds the item (p50, p95).
//
//	go test -run '^$' -bench AdaptivePollingDay -benchtime 1x ./feed
func BenchmarkAdaptivePollingDay(b *testing.B) {
	for b.Loop() {
		start := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
		clock := &fakeClock{now: start}
		published := map[string][]time.Time{}
		for t := start.Add(-time.Hour); t.Before(start.Add(24 * time.Hour)); t = t.Add(5 * time.Minute) {
			published["busy"] = append(published["busy"], t)
		}
		for d := -1; d <= 0; d++ {
			day := start.AddDate(0, 0, d)
			published["twice"] = append(published["twice"], day.Add(8*time.Hour), day.Add(20*time.Hour))
		}
		published["twice"] = append(published["twice"], start.Add(8*time.Hour), start.Add(20*time.Hour))
		published["never"] = []time.Time{start.AddDate(0, -2, 0), start.AddDate(0, -3, 0)}
		var mu sync.Mutex
		requests := map[string]int{}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			name := strings.TrimPrefix(r.URL.Path, "/")
			now := clock.Now()
			var live []time.Time
			for _, t := range published[name] {
				if !t.After(now) {
					live = append(live, t)
				}
			}
			slices.SortFunc(live, func(a, b time.Time) int { return b.Compare(a) })
			live = live[:min(len(live), 20)]
			mu.Lock()
			requests[name]++
			mu.Unlock()
			etag := fmt.Sprintf(`"%s-%d"`, name, len(live))
			if len(live) > 0 {
				etag = fmt.Sprintf(`"%s-%d"`, name, live[0].Unix())
			}
			w.Header().Set("ETag", etag)
			if r.Header.Get("If-None-Match") == etag {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			var body strings.Builder
			body.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>` + name + `</title>`)
			for _, t := range live {
				fmt.Fprintf(&body, "<item><guid>%s-%d</guid><title>خبر %d</title><pubDate>%s</pubDate></item>", name, t.Unix(), t.Unix(), t.Format(time.RFC1123Z))
			}
			body.WriteString("</channel></rss>")
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprint(w, body.String())
		}))
		db := storagetest.Open(b)
		ids := map[string]int64{}
		for _, name := range []string{"busy", "twice", "never"} {
			f, err := db.AddFeed(b.Context(), news.Feed{URL: srv.URL + "/" + name})
			if err != nil {
				b.Fatal(err)
			}
			ids[name] = f.ID
		}
		h := &newItems{seen: map[string]bool{}, now: clock.Now, delays: map[int64][]time.Duration{}}
		p := feed.NewPoller(db, feed.NewFetcher(feed.Options{AllowPrivate: true}), h, time.Minute, nil,
			feed.WithClock(clock.Now), feed.WithMaxInterval(15*time.Minute))
		end := start.Add(24 * time.Hour)
		for {
			feeds, err := db.Feeds(b.Context())
			if err != nil {
				b.Fatal(err)
			}
			next := feeds[0]
			for _, f := range feeds[1:] {
				if f.NextPollAt.Before(next.NextPollAt) {
					next = f
				}
			}
			at := next.NextPollAt
			if at.Before(clock.Now()) {
				at = clock.Now()
			}
			if !at.Before(end) {
				break
			}
			clock.mu.Lock()
			clock.now = at
			clock.mu.Unlock()
			if err := p.PollNow(b.Context(), next.ID); err != nil {
				b.Fatal(err)
			}
		}
		srv.Close()
		for _, name := range []string{"busy", "twice", "never"} {
			b.ReportMetric(float64(requests[name]), name+"_requests")
		}
		b.ReportMetric(1440, "fixed60s_requests")
		d := h.delays[ids["busy"]]
		slices.Sort(d)
		if len(d) > 0 {
			b.ReportMetric(d[len(d)/2].Seconds(), "busy_p50_s")
			b.ReportMetric(d[(len(d)*95+99)/100-1].Seconds(), "busy_p95_s")
		}
		if t := h.delays[ids["twice"]]; len(t) > 0 {
			b.ReportMetric(slices.Max(t).Seconds(), "twice_max_s")
		}
	}
}
