package feed_test

import (
	"math"
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
		{"jitter never makes it later", time.Minute, 0, 0, maxJitter, 54 * time.Second},
		{"success -10%", time.Minute, 0, 0, minJitter, 54 * time.Second},
		{"jitter clamped", time.Minute, 0, 0, wild, 54 * time.Second},
		{"the shortest allowed is exact", time.Second, 0, 0, maxJitter, time.Second},
		{"1 failure", time.Minute, 1, 0, nil, 2 * time.Minute},
		{"3 failures", time.Minute, 3, 0, nil, 8 * time.Minute},
		{"capped", time.Minute, 10, 0, nil, time.Hour},
		{"huge failure count", time.Minute, 1000, 0, nil, time.Hour},
		{"cap not passed by jitter", time.Minute, 10, 0, maxJitter, 54 * time.Minute},
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
		if d < 54*time.Second || d > 60*time.Second {
			t.Fatalf("NextPoll with jitter = %v, outside 54s–60s", d)
		}
		lo = lo || d < 56*time.Second
		hi = hi || d > 58*time.Second
	}
	if !lo || !hi {
		t.Errorf("jitter does not spread: low %v high %v", lo, hi)
	}
}

// learnt is a rhythm known for three weeks at now, with the given weights
// by UTC hour of the week.
func learnt(now time.Time, weights map[int]float32) news.Rhythm {
	r := news.Rhythm{DecayedAt: now, Since: now.Add(-21 * 24 * time.Hour), LastPublished: now.Add(-5 * time.Hour)}
	for h, w := range weights {
		r.Weights[h] = w
	}
	return r
}

func TestNextInterval(t *testing.T) {
	const m = time.Minute
	// Wednesday 12:30 UTC: hour of the week 3×24+12 = 84.
	now := time.Date(2026, 12, 2, 12, 30, 0, 0, time.UTC)
	const noon = 84
	quiet := learnt(now, map[int]float32{10: 1}) // it published on Sunday morning only
	base := feed.Cadence{Now: now, Rhythm: quiet, Min: m, Max: 15 * m}
	with := func(f func(*feed.Cadence)) feed.Cadence { c := base; f(&c); return c }
	tests := []struct {
		name       string
		c          feed.Cadence
		want       time.Duration
		why        news.PollReason
		wantQuiet  int
		wantUntil  time.Time
		wantUntil0 bool
	}{
		{"a new feed, nothing known: the shortest", with(func(c *feed.Cadence) { c.Rhythm = news.Rhythm{} }), m, news.PollLearning, 0, time.Time{}, true},
		{"learning for its first week", with(func(c *feed.Cadence) { c.Rhythm.Since = now.Add(-6 * 24 * time.Hour) }), m, news.PollLearning, 0, time.Time{}, true},
		{"published in the last hour", with(func(c *feed.Cadence) { c.Rhythm.LastPublished = now.Add(-50 * m); c.QuietPolls = 9 }), m, news.PollRecent, 0, time.Time{}, true},
		{"publishes at this hour of the week", with(func(c *feed.Cadence) { c.Rhythm.Weights[noon] = 0.5 }), m, news.PollRhythm, 0, time.Time{}, true},
		{"or the hour before (daylight saving)", with(func(c *feed.Cadence) { c.Rhythm.Weights[noon-1] = 0.5 }), m, news.PollRhythm, 0, time.Time{}, true},
		{"or at this hour most days", with(func(c *feed.Cadence) {
			for _, day := range []int{0, 1, 5, 6} {
				c.Rhythm.Weights[day*24+12] = 0.6
			}
		}), m, news.PollRhythm, 0, time.Time{}, true},
		{"an item two weeks ago still counts", with(func(c *feed.Cadence) { c.Rhythm.Weights[noon+1] = 0.26 }), m, news.PollRhythm, 0, time.Time{}, true},
		{"an item three weeks ago is forgotten", with(func(c *feed.Cadence) { c.Rhythm.Weights[noon] = 0.125 }), 90 * time.Second, news.PollQuiet, 1, time.Time{}, true},
		{"a quiet hour relaxes", with(func(c *feed.Cadence) { c.QuietPolls = 1 }), 135 * time.Second, news.PollQuiet, 2, time.Time{}, true},
		{"up to the longest", with(func(c *feed.Cadence) { c.QuietPolls = 40 }), 15 * m, news.PollQuiet, 41, time.Time{}, true},
		{"back at the start of a usual hour", with(func(c *feed.Cadence) {
			c.Now = now.Add(25 * m) // 12:55; it publishes at 13:00 most days
			c.QuietPolls = 40
			for _, day := range []int{0, 1, 5, 6} {
				c.Rhythm.Weights[day*24+13] = 0.6
			}
		}), 15 * m, news.PollQuiet, 41, now.Add(30 * m), false},
		{"breaking: the shortest in a quiet hour", with(func(c *feed.Cadence) { c.Breaking = true; c.QuietPolls = 40 }), m, news.PollBreaking, 0, time.Time{}, true},
		{"breaking: the shortest whatever the server says", with(func(c *feed.Cadence) { c.Breaking = true; c.Floor = 10 * m }), m, news.PollBreaking, 0, time.Time{}, true},
		{"breaking: the shortest even when a hub pushes", with(func(c *feed.Cadence) { c.Breaking = true; c.Pushed = true }), m, news.PollBreaking, 0, time.Time{}, true},
		{"a hub pushes: the longest, a safety net", with(func(c *feed.Cadence) { c.Pushed = true; c.Rhythm = news.Rhythm{} }), 15 * m, news.PollWebSub, 0, time.Time{}, true},
		{"max-age is a floor", with(func(c *feed.Cadence) { c.Rhythm = news.Rhythm{}; c.Floor = 10 * m }), 10 * m, news.PollServerFresh, 0, time.Time{}, true},
		{"max-age only up to the longest", with(func(c *feed.Cadence) { c.Rhythm = news.Rhythm{}; c.Floor = 2 * time.Hour }), 15 * m, news.PollServerFresh, 0, time.Time{}, true},
		{"max-age shorter than the wait", with(func(c *feed.Cadence) { c.QuietPolls = 40; c.Floor = 5 * m }), 15 * m, news.PollQuiet, 41, time.Time{}, true},
	}
	for _, tt := range tests {
		p := feed.NextInterval(tt.c)
		if p.Interval != tt.want || p.Reason != tt.why || p.QuietPolls != tt.wantQuiet || !p.Until.Equal(tt.wantUntil) {
			t.Errorf("%s: %s %s, %d quiet, until %s; want %s %s, %d, %s", tt.name, p.Interval, p.Reason, p.QuietPolls, p.Until,
				tt.want, tt.why, tt.wantQuiet, tt.wantUntil)
		}
	}
}

func TestLearn(t *testing.T) {
	now := time.Date(2026, 12, 2, 12, 30, 0, 0, time.UTC) // Wednesday, hour of the week 84
	at := func(d time.Duration) news.Article { return news.Article{PublishedAt: now.Add(d)} }
	// weight is the hour's weight to a tenth: weights fade by the hour
	// (by 1% in 2 hours).
	weight := func(r news.Rhythm, t time.Time) float64 {
		return math.Round(float64(r.Weights[int(t.UTC().Weekday())*24+t.UTC().Hour()])*10) / 10
	}

	t.Run("a first poll learns its dates and since when it knows the feed", func(t *testing.T) {
		var r news.Rhythm
		feed.Learn(&r, []news.Article{at(-time.Hour), at(-26 * time.Hour), at(-26*time.Hour - 20*time.Minute), {}}, time.Time{}, now, 4)
		if !r.Since.Equal(now.Add(-26*time.Hour-20*time.Minute)) || !r.Newest.Equal(now.Add(-time.Hour)) || !r.LastPublished.Equal(now.Add(-time.Hour)) {
			t.Errorf("since %s newest %s last %s", r.Since, r.Newest, r.LastPublished)
		}
		if weight(r, now.Add(-time.Hour)) != 1 || weight(r, now.Add(-26*time.Hour)) != 0.9 { // a day old: 2^(-1/7)
			t.Errorf("weights: %v", r.Weights)
		}
	})
	t.Run("an item is counted once, in the hour it appeared", func(t *testing.T) {
		var r news.Rhythm
		feed.Learn(&r, []news.Article{at(-3 * time.Hour)}, time.Time{}, now.Add(-2*time.Hour), 1)
		// Polled again: the old item, and one dated before the last poll that
		// was not there then (it counts at that poll, not at its date).
		feed.Learn(&r, []news.Article{at(-3 * time.Hour), at(-150 * time.Minute)}, now.Add(-2*time.Hour), now, 1)
		if weight(r, now.Add(-3*time.Hour)) != 1 || weight(r, now.Add(-2*time.Hour)) != 1 || weight(r, now) != 0 {
			t.Errorf("weights: %v", r.Weights)
		}
	})
	t.Run("a feed with no dates: the moment an item was found", func(t *testing.T) {
		var r news.Rhythm
		feed.Learn(&r, []news.Article{{}, {}}, time.Time{}, now, 2)
		if weight(r, now) != 1 || !r.Since.Equal(now) || !r.LastPublished.Equal(now) {
			t.Errorf("%+v", r)
		}
		feed.Learn(&r, []news.Article{{}, {}}, now, now.Add(time.Hour), 0) // nothing new
		if weight(r, now.Add(time.Hour)) != 0 {
			t.Errorf("nothing new was counted: %v", r.Weights)
		}
	})
	t.Run("dates all in the future: the moment found", func(t *testing.T) {
		var r news.Rhythm
		feed.Learn(&r, []news.Article{at(48 * time.Hour), at(50 * time.Hour)}, time.Time{}, now, 2)
		if weight(r, now) != 1 || weight(r, now.Add(48*time.Hour)) != 0 || !r.Newest.IsZero() || !r.Since.Equal(now) {
			t.Errorf("%+v", r)
		}
		// A clock a little fast counts as now.
		feed.Learn(&r, []news.Article{at(130 * time.Minute)}, now, now.Add(2*time.Hour), 1)
		if weight(r, now.Add(2*time.Hour)) != 1 || !r.LastPublished.Equal(now.Add(2*time.Hour)) {
			t.Errorf("%+v", r)
		}
	})
	t.Run("dates all identical: each new item found counts when found", func(t *testing.T) {
		var r news.Rhythm
		same := at(-30 * time.Hour)
		feed.Learn(&r, []news.Article{same, same, same}, time.Time{}, now, 3)
		feed.Learn(&r, []news.Article{same, same, same, same}, now, now.Add(2*time.Hour), 1)
		if weight(r, same.PublishedAt) != 0.9 || weight(r, now.Add(2*time.Hour)) != 1 {
			t.Errorf("%v", r.Weights)
		}
	})
	t.Run("old dates are not counted; weights halve every week", func(t *testing.T) {
		var r news.Rhythm
		feed.Learn(&r, []news.Article{at(-40 * 24 * time.Hour), at(-time.Hour)}, time.Time{}, now, 2)
		if !r.Since.Equal(now.Add(-time.Hour)) {
			t.Errorf("since %s", r.Since)
		}
		later := now.Add(7 * 24 * time.Hour)
		feed.Learn(&r, []news.Article{{PublishedAt: later}}, now, later, 1)
		if w := weight(r, now.Add(-time.Hour)); w != 0.5 {
			t.Errorf("a week later the hour weighs %v, want 0.5", w)
		}
	})
	t.Run("UTC: the same instants in any zone give the same rhythm", func(t *testing.T) {
		var utc, riyadh, newYork news.Rhythm
		dates := []time.Time{now.Add(-time.Hour), now.Add(-25 * time.Hour), now.Add(-49 * time.Hour)}
		articles := func(loc *time.Location) []news.Article {
			var out []news.Article
			for _, d := range dates {
				out = append(out, news.Article{PublishedAt: d.In(loc)})
			}
			return out
		}
		feed.Learn(&utc, articles(time.UTC), time.Time{}, now, 3)
		feed.Learn(&riyadh, articles(time.FixedZone("+03", 3*3600)), time.Time{}, now.In(time.FixedZone("+03", 3*3600)), 3)
		ny, err := time.LoadLocation("America/New_York")
		if err != nil {
			t.Skip("no time zone database:", err)
		}
		feed.Learn(&newYork, articles(ny), time.Time{}, now.In(ny), 3)
		if utc.Weights != riyadh.Weights || utc.Weights != newYork.Weights {
			t.Error("the zone a date is written in moved what was learnt")
		}
		c := feed.Cadence{Rhythm: utc, Min: time.Minute, Max: 15 * time.Minute}
		for _, loc := range []*time.Location{time.UTC, time.FixedZone("+03", 3*3600), ny} {
			c.Now = now.Add(8 * 24 * time.Hour).In(loc)
			if got, want := feed.NextInterval(c), (feed.NextInterval(feed.Cadence{Now: c.Now.UTC(), Rhythm: utc, Min: c.Min, Max: c.Max})); got != want {
				t.Errorf("in %s: %+v, in UTC %+v", loc, got, want)
			}
		}
	})
}
