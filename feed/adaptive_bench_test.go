package feed_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ajel-news/ajel/feed"
	"github.com/ajel-news/ajel/internal/corpus"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/storage/storagetest"
)

// pollingRun is one way of polling measured in a replay: POLL_INTERVAL
// and POLL_INTERVAL_MAX (equal: fixed polling).
type pollingRun struct {
	name              string
	shortest, longest time.Duration
}

// pollingRuns are fixed polling at POLL_INTERVAL and the adaptive
// schedule between the defaults.
var pollingRuns = []pollingRun{
	{"fixed 60s", time.Minute, time.Minute},
	{"adaptive", time.Minute, 15 * time.Minute},
}

// replayTable replays feeds with each run, through the real poller and
// SQLite, from start to end, and returns the markdown rows of what was
// measured from measureFrom on: per feed and run, the delay from
// publication to discovery (p50 / p95 / max) and the requests a day.
func replayTable(b *testing.B, feeds []simFeed, start, measureFrom, end time.Time) []string {
	var rows []string
	results := map[string]map[string]replayResult{}
	for _, run := range pollingRuns {
		got := replay(b, storagetest.Open(b), feeds, start, end, run.shortest, run.longest)
		results[run.name] = map[string]replayResult{}
		for name, r := range got {
			results[run.name][name] = r.window(measureFrom, end)
		}
	}
	for _, f := range feeds {
		fixed := results[pollingRuns[0].name][f.name]
		for _, run := range pollingRuns {
			r := results[run.name][f.name]
			ratio := "—"
			if fixed.quantile(0.95) > 0 {
				ratio = fmt.Sprintf("%.2f×", r.quantile(0.95).Seconds()/fixed.quantile(0.95).Seconds())
			}
			rows = append(rows, fmt.Sprintf("| %s | %s | %d | %.1f s | %.1f s (%s fixed) | %.1f min | %.0f (%.0f%% of fixed) |",
				f.name, run.name, len(r.delays), r.quantile(0.5).Seconds(), r.quantile(0.95).Seconds(), ratio,
				r.worst().Minutes(), r.perDay(), 100*r.perDay()/fixed.perDay()))
			key := metricKey(f.name) + "_" + metricKey(run.name)
			b.ReportMetric(r.quantile(0.95).Seconds(), key+"_p95_s")
			b.ReportMetric(r.perDay(), key+"_requests/day")
		}
	}
	return rows
}

// metricKey keeps a name's ASCII letters and digits, lower-cased, the
// rest turned into single underscores: "Sky News Arabia" → "sky_news_arabia".
func metricKey(name string) string {
	var b strings.Builder
	gap := false
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if gap && b.Len() > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
			gap = false
		} else {
			gap = true
		}
	}
	return b.String()
}

const replayHeader = "| outlet | polling | items | p50 | p95 | max | requests a day |\n|---|---|---|---|---|---|---|"

// BenchmarkAdaptivePollingANT replays the real publication times of the
// four outlets of ANT (../shared/data/ant; skipped without it) through
// the real poller, fetcher, schedule and SQLite on a simulated clock,
// each feed listing its newest 20 items, with fixed polling at
// POLL_INTERVAL=60s and with the adaptive schedule (POLL_INTERVAL_MAX
// 15m). Two spans of five weeks: 12 March–15 April 2018 (with the
// daylight-saving change of 25 March in Europe and Lebanon) and 30
// April–3 June 2018 (Ramadan began on 16 May). The feeds are added on
// the first day; the first two weeks are learning, weeks 3 to 5 are
// measured. It prints the tables in the README.
//
//	go test -run '^$' -bench AdaptivePollingANT -benchtime 1x -timeout 1h ./feed
func BenchmarkAdaptivePollingANT(b *testing.B) {
	type rec struct {
		Source    string `json:"source"`
		Published string `json:"published"`
	}
	outlets := map[string]string{"alarabia": "Al Arabiya", "BBC": "BBC Arabic", "CNN": "CNN Arabic", "skynews": "Sky News Arabia"}
	dates := map[string][]time.Time{}
	corpus.Load(b, "ant/ant-dev.jsonl.gz", func(_ int, r rec) (bool, bool) {
		if t, err := time.Parse(time.RFC3339, r.Published); err == nil && outlets[r.Source] != "" {
			dates[outlets[r.Source]] = append(dates[outlets[r.Source]], t)
		}
		return false, true
	})
	for b.Loop() {
		for _, span := range []time.Time{
			time.Date(2018, 3, 12, 0, 0, 0, 0, time.UTC),
			time.Date(2018, 4, 30, 0, 0, 0, 0, time.UTC),
		} {
			var feeds []simFeed
			for _, name := range []string{"Al Arabiya", "BBC Arabic", "CNN Arabic", "Sky News Arabia"} {
				feeds = append(feeds, simFeed{name: name, published: dates[name]})
			}
			end := span.Add(5 * week)
			rows := replayTable(b, feeds, span, span.Add(2*week), end)
			fmt.Printf("%s – %s, weeks 3–5 measured:\n%s\n%s\n\n", span.Format("2 Jan 2006"), end.Add(-day).Format("2 Jan 2006"),
				replayHeader, strings.Join(rows, "\n"))
		}
	}
}

// BenchmarkAdaptivePollingWeeks is the same with three feeds of ours, for
// a clone without the shared data: one publishing every 5 minutes from
// 06:00 to 22:00 UTC, one twice a day (08:00 and 20:00), one never; three
// weeks, the third measured.
//
//	go test -run '^$' -bench AdaptivePollingWeeks -benchtime 1x ./feed
func BenchmarkAdaptivePollingWeeks(b *testing.B) {
	start := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	end := start.Add(3 * week)
	const off = 23 * time.Second // not on the minute, where polls fall
	var twice []time.Time
	for t := start.Add(-2 * day); t.Before(end); t = t.Add(12 * time.Hour) {
		twice = append(twice, t.Add(8*time.Hour+off))
	}
	feeds := []simFeed{
		{name: "every 5 min, 06–22", published: publishing(start.Add(-day+off), end, 5*time.Minute, 6, 22)},
		{name: "twice a day", published: twice},
		{name: "never", published: []time.Time{start.AddDate(0, -2, 0)}},
	}
	for b.Loop() {
		rows := replayTable(b, feeds, start, start.Add(2*week), end)
		fmt.Printf("week 3 measured:\n%s\n%s\n\n", replayHeader, strings.Join(rows, "\n"))
	}
}

// BenchmarkPollerShortestInterval runs the real poll loop (Run) on the
// wall clock with POLL_INTERVAL=1s and POLL_INTERVAL_MAX=1s and reports
// the mean time between the polls of a feed: it must be the second asked
// for (the loop used to wake once a second after the wait, so a feed due
// every second was polled every two).
//
//	go test -run '^$' -bench PollerShortestInterval -benchtime 1x ./feed
func BenchmarkPollerShortestInterval(b *testing.B) {
	const polls = 8
	for b.Loop() {
		var mu sync.Mutex
		var at []time.Time
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			at = append(at, time.Now())
			mu.Unlock()
			w.Header().Set("ETag", `"same"`)
			if r.Header.Get("If-None-Match") == `"same"` {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			fmt.Fprint(w, `<rss version="2.0"><channel><title>t</title><item><title>a</title><guid>a</guid></item></channel></rss>`)
		}))
		store := &memStore{feeds: []news.Feed{{ID: 1, URL: srv.URL}}}
		p := feed.NewPoller(store, feed.NewFetcher(feed.Options{AllowPrivate: true}), &recorder{}, time.Second, nil,
			feed.WithMaxInterval(time.Second))
		ctx, cancel := context.WithCancel(b.Context())
		done := make(chan error, 1)
		go func() { done <- p.Run(ctx) }()
		for {
			mu.Lock()
			n := len(at)
			mu.Unlock()
			if n >= polls {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		cancel()
		<-done
		srv.Close()
		mu.Lock()
		b.ReportMetric(at[polls-1].Sub(at[0]).Seconds()/(polls-1), "s/poll")
		mu.Unlock()
	}
}
