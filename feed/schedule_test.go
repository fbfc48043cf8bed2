package feed_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/ajel-news/ajel/feed"
	"github.com/ajel-news/ajel/news"
)

func TestNextPoll(t *testing.T) {
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	maxJitter := func(d time.Duration) time.Duration { return d }
	minJitter := func(d time.Duration) time.Duration { return -d }
	wild := func(d time.Duration) time.Duration { return 100 * d } // clamped
	tests := []struct {
		name       string
		interval   time.Duration
		failures   int
		retryAfter time.Duration
		jitter     func(time.Duration) time.Duration
		want       time.Duration
	}{
		{"success", time.Minute, 0, 0, nil, time.Minute},
		{"success +10%", time.Minute, 0, 0, maxJitter, 66 * time.Second},
		{"success -10%", time.Minute, 0, 0, minJitter, 54 * time.Second},
		{"jitter clamped", time.Minute, 0, 0, wild, 66 * time.Second},
		{"1 failure", time.Minute, 1, 0, nil, 2 * time.Minute},
		{"3 failures", time.Minute, 3, 0, nil, 8 * time.Minute},
		{"capped", time.Minute, 10, 0, nil, time.Hour},
		{"huge failure count", time.Minute, 1000, 0, nil, time.Hour},
		{"cap not passed by jitter", time.Minute, 10, 0, maxJitter, time.Hour},
		{"cap with negative jitter", time.Minute, 10, 0, minJitter, 54 * time.Minute},
		{"interval longer than cap", 2 * time.Hour, 3, 0, nil, 2 * time.Hour},
		{"retry-after longer wins", time.Minute, 1, 10 * time.Minute, nil, 10 * time.Minute},
		{"retry-after shorter ignored", time.Minute, 3, time.Minute, nil, 8 * time.Minute},
		{"retry-after capped", time.Minute, 1, 1000 * time.Hour, nil, feed.MaxRetryAfter},
		{"tiny interval", time.Millisecond, 0, 0, nil, time.Second},
	}
	for _, tt := range tests {
		if got := feed.NextPoll(now, tt.interval, tt.failures, tt.retryAfter, tt.jitter).Sub(now); got != tt.want {
			t.Errorf("%s: NextPoll = +%v, want +%v", tt.name, got, tt.want)
		}
	}
}

func TestRandJitterBounds(t *testing.T) {
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	j := feed.RandJitter(rand.New(rand.NewPCG(1, 2)))
	var lo, hi bool
	for range 2000 {
		d := feed.NextPoll(now, time.Minute, 0, 0, j).Sub(now)
		if d < 54*time.Second || d > 66*time.Second {
			t.Fatalf("NextPoll with jitter = %v, outside 60s ± 10%%", d)
		}
		lo = lo || d < 57*time.Second
		hi = hi || d > 63*time.Second
	}
	if !lo || !hi {
		t.Errorf("jitter does not spread: low %v high %v", lo, hi)
	}
}

func TestNextInterval(t *testing.T) {
	const m = time.Minute
	base := feed.Cadence{Min: m, Max: 15 * m}
	with := func(f func(*feed.Cadence)) feed.Cadence { c := base; f(&c); return c }
	tests := []struct {
		name      string
		c         feed.Cadence
		want      time.Duration
		wantQuiet int
	}{
		{"a new feed, nothing known", with(func(c *feed.Cadence) { c.New = 3 }), m, 0},
		{"publishes every 10 min: every 5", with(func(c *feed.Cadence) { c.New = 1; c.Gap = 10 * m }), 5 * m, 0},
		{"publishes every 20 s: the shortest", with(func(c *feed.Cadence) { c.New = 1; c.Gap = 20 * time.Second }), m, 0},
		{"twice a day: the longest", with(func(c *feed.Cadence) { c.New = 1; c.Gap = 12 * time.Hour }), 15 * m, 0},
		{"one quiet poll is expected", with(func(c *feed.Cadence) { c.Gap = 4 * m }), 2 * m, 1},
		{"a second relaxes", with(func(c *feed.Cadence) { c.Gap = 4 * m; c.QuietPolls = 1 }), 3 * m, 2},
		{"three quiet polls", with(func(c *feed.Cadence) { c.Gap = 4 * m; c.QuietPolls = 2 }), 4*m + 30*time.Second, 3},
		{"quiet for long: the longest", with(func(c *feed.Cadence) { c.QuietPolls = 40 }), 15 * m, 41},
		{"new items tighten again", with(func(c *feed.Cadence) { c.Gap = 4 * m; c.QuietPolls = 9; c.New = 2 }), 2 * m, 0},
		{"max-age is a floor", with(func(c *feed.Cadence) { c.New = 1; c.Gap = 4 * m; c.Floor = 10 * m }), 10 * m, 0},
		{"max-age past the longest", with(func(c *feed.Cadence) { c.New = 1; c.Floor = 2 * time.Hour }), 15 * m, 0},
		{"a hub pushes: the longest", with(func(c *feed.Cadence) { c.New = 1; c.Gap = 2 * m; c.Pushed = true }), 15 * m, 0},
	}
	for _, tt := range tests {
		got, quiet := feed.NextInterval(tt.c)
		if got != tt.want || quiet != tt.wantQuiet {
			t.Errorf("%s: %s, %d quiet; want %s, %d", tt.name, got, quiet, tt.want, tt.wantQuiet)
		}
	}
}

func TestPublishGap(t *testing.T) {
	at := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	var items []news.Article
	for _, minutes := range []int{0, 10, 20, 25, 40, 50} { // gaps 10 10 5 15 10
		items = append(items, news.Article{PublishedAt: at.Add(-time.Duration(minutes) * time.Minute)})
	}
	items = append(items, news.Article{}) // undated: ignored
	if got := feed.PublishGap(items); got != 10*time.Minute {
		t.Errorf("gap %s, want the median 10m", got)
	}
	if got := feed.PublishGap(items[:1]); got != 0 {
		t.Errorf("one item: %s", got)
	}
}
