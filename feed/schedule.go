package feed

import (
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/ajel-news/ajel/news"
)

// Schedule limits.
const (
	// MaxBackoff caps the wait after repeated failures (unless the poll
	// interval itself is longer).
	MaxBackoff = time.Hour
	// MaxRetryAfter caps how long a server's Retry-After can silence a feed.
	MaxRetryAfter = 24 * time.Hour
	// minDelay keeps a feed from being polled in a tight loop.
	minDelay = time.Second
)

// NextPoll says when a feed should be polled next. After a success
// (failures == 0) that is interval later, give or take jitter(interval/10).
// After the n-th consecutive failure it is interval·2ⁿ later, capped at
// MaxBackoff (or interval, if longer), with the same ±10% jitter but never
// past the cap; a Retry-After longer than that wins, up to MaxRetryAfter.
// jitter(max) must return a duration in [-max, max]; nil means none.
func NextPoll(now time.Time, interval time.Duration, failures int, retryAfter time.Duration, jitter func(time.Duration) time.Duration) time.Time {
	interval = max(interval, minDelay)
	d := interval
	limit := max(MaxBackoff, interval)
	if failures > 0 {
		for i := 0; i < failures && d < limit; i++ {
			d *= 2
		}
		d = min(d, limit)
	}
	if jitter != nil {
		spread := d / 10
		d += min(max(jitter(spread), -spread), spread)
	}
	if failures > 0 {
		d = min(d, limit)
	}
	if retryAfter > d {
		d = min(retryAfter, MaxRetryAfter)
	}
	return now.Add(max(d, minDelay))
}

// RandJitter returns a jitter function for NextPoll drawing uniformly from
// r; it is safe for concurrent use. Tests pass a seeded *rand.Rand.
func RandJitter(r *rand.Rand) func(time.Duration) time.Duration {
	var mu sync.Mutex
	return func(limit time.Duration) time.Duration {
		if limit <= 0 {
			return 0
		}
		mu.Lock()
		defer mu.Unlock()
		return time.Duration(r.Int64N(2*int64(limit)+1)) - limit
	}
}

// defaultJitter draws from math/rand/v2's concurrency-safe global source.
func defaultJitter(limit time.Duration) time.Duration {
	if limit <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(2*int64(limit)+1)) - limit
}

// DefaultMaxInterval is the longest a quiet feed waits between polls.
const DefaultMaxInterval = 15 * time.Minute

// relaxFactor is how much longer each poll that finds nothing new makes
// the next wait.
const relaxFactor = 1.5

// Cadence is what decides a feed's next interval between polls.
type Cadence struct {
	// Current is the feed's interval so far (0: never polled); QuietPolls
	// the polls in a row, before this one, that found nothing new.
	Current    time.Duration
	QuietPolls int
	// New is how many new items this poll found.
	New int
	// Gap is the median time between the feed's recent items (0: not
	// known), see PublishGap.
	Gap time.Duration
	// Floor is how long the server said its answer stays fresh
	// (Cache-Control max-age, Expires): no sooner than that.
	Floor time.Duration
	// Pushed is set while a WebSub hub pushes the feed's new items: polls
	// are only a safety net then.
	Pushed bool
	// Min and Max are POLL_INTERVAL and POLL_INTERVAL_MAX.
	Min, Max time.Duration
}

// NextInterval adapts a feed's interval to how it publishes and returns it
// with the new count of quiet polls. The base is half the feed's median
// gap between items (a feed that publishes every 10 minutes is polled
// every 5), the shortest when the gap is unknown. A poll that finds
// something new goes back to the base; so does the first that finds
// nothing (half the gap is expected to), and each one after it makes the
// wait 1.5 times longer. The server's freshness is a
// floor; the result stays within [Min, Max]. A feed whose hub pushes is
// polled at Max.
func NextInterval(c Cadence) (time.Duration, int) {
	c.Max = max(c.Max, c.Min)
	clamp := func(d time.Duration) time.Duration { return min(max(d, c.Min), c.Max) }
	quiet := 0
	if c.New == 0 {
		quiet = c.QuietPolls + 1
	}
	if c.Pushed {
		return c.Max, quiet
	}
	d := c.Min
	if c.Gap > 0 {
		d = clamp(c.Gap / 2)
	}
	// One quiet poll is expected (the base is half the gap); later ones
	// say the feed has slowed down.
	for range min(max(quiet-1, 0), 64) {
		if d >= c.Max {
			break
		}
		d = time.Duration(float64(d) * relaxFactor)
	}
	return clamp(max(d, c.Floor)), quiet
}

// PublishGap is the median time between the feed's most recent items
// (up to ten, by their dates); 0 when fewer than two are dated.
func PublishGap(items []news.Article) time.Duration {
	var dates []time.Time
	for _, it := range items {
		if !it.PublishedAt.IsZero() {
			dates = append(dates, it.PublishedAt)
		}
	}
	slices.SortFunc(dates, func(a, b time.Time) int { return b.Compare(a) })
	dates = dates[:min(len(dates), 10)]
	if len(dates) < 2 {
		return 0
	}
	gaps := make([]time.Duration, 0, len(dates)-1)
	for i := 1; i < len(dates); i++ {
		gaps = append(gaps, dates[i-1].Sub(dates[i]))
	}
	slices.Sort(gaps)
	return gaps[len(gaps)/2]
}
