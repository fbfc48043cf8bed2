package feed

import (
	"math/rand/v2"
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
// (failures == 0) that is interval later, or up to a tenth earlier by
// jitter: never later, so the shortest interval is kept exactly. After
// the n-th consecutive failure it is interval·2ⁿ later, capped at
// MaxBackoff (or interval, if longer), with the same jitter; a
// Retry-After longer than that wins, up to MaxRetryAfter.
// jitter(max) must return a duration in [-max, max] (its size is what
// counts); nil means none.
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
		j := min(max(jitter(spread), -spread), spread)
		if j < 0 {
			j = -j
		}
		d -= j
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

// relaxFactor is how much longer each poll of a quiet hour makes the
// next wait.
const relaxFactor = 1.5

// Cadence is what decides a feed's interval after a successful poll.
type Cadence struct {
	// Now is when the poll was.
	Now time.Time
	// Rhythm is the feed's rhythm, already taught this poll's dates.
	Rhythm news.Rhythm
	// QuietPolls is how many polls in a row, before this one, fell in a
	// quiet hour.
	QuietPolls int
	// Breaking is set for a feed an operator marked breaking.
	Breaking bool
	// Pushed is set while a WebSub hub pushes the feed's new items: polls
	// are only a safety net then.
	Pushed bool
	// Floor is how long the server said its answer stays fresh
	// (Cache-Control max-age, Expires): no sooner than that, up to Max.
	Floor time.Duration
	// Min and Max are POLL_INTERVAL and POLL_INTERVAL_MAX.
	Min, Max time.Duration
}

// Plan is a feed's schedule after a successful poll.
type Plan struct {
	// Interval is the time to the next poll, before jitter.
	Interval time.Duration
	// Reason is why.
	Reason news.PollReason
	// QuietPolls is the new count of polls in a row in a quiet hour.
	QuietPolls int
	// Until, when set, is the start of an hour the feed usually publishes
	// in, before Interval ends: the next poll is then, not later.
	Until time.Time
}

// NextInterval decides how long a feed waits for its next poll, so that
// news is never found later than by polling at the shortest, Min, while
// hours in which the feed does not publish are polled less:
//
//   - a breaking feed: always Min, whatever its server's freshness (an
//     operator's choice), and even when its hub pushes (the hub is first,
//     the polls its safety net at the shortest);
//   - a feed whose hub pushes: Max, a safety net;
//   - otherwise by its rhythm (see Usual): Min while it is new (its first
//     week), in the hour after it published, and in any hour it usually
//     publishes in; in a quiet hour each poll makes the wait 1.5 times
//     longer, up to Max, and the wait ends at the start of the next usual
//     hour if that comes first.
//
// Otherwise the server's freshness (Floor) is a floor up to Max. The
// result is within [Min, Max].
func NextInterval(c Cadence) Plan {
	c.Min = max(c.Min, minDelay)
	c.Max = max(c.Max, c.Min)
	switch {
	case c.Breaking:
		return Plan{Interval: c.Min, Reason: news.PollBreaking}
	case c.Pushed:
		return Plan{Interval: c.Max, Reason: news.PollWebSub}
	}
	p := Plan{Interval: c.Min}
	r, now := &c.Rhythm, c.Now
	switch {
	case r.Since.IsZero() || now.Sub(r.Since) < LearnRhythmFor:
		p.Reason = news.PollLearning
	case !r.LastPublished.IsZero() && now.Sub(r.LastPublished) < activeAfterPublishing:
		p.Reason = news.PollRecent
	case Usual(r, now):
		p.Reason = news.PollRhythm
	default:
		p.Reason, p.QuietPolls = news.PollQuiet, c.QuietPolls+1
		d := c.Min
		for range min(p.QuietPolls, 64) {
			if d >= c.Max {
				break
			}
			d = time.Duration(float64(d) * relaxFactor)
		}
		p.Interval = min(d, c.Max)
		// Back to the shortest as soon as an hour it usually publishes in
		// begins.
		for h := now.Truncate(time.Hour).Add(time.Hour); h.Before(now.Add(p.Interval)); h = h.Add(time.Hour) {
			if Usual(r, h) {
				p.Until = h
				break
			}
		}
	}
	if floor := min(c.Floor, c.Max); floor > p.Interval {
		p.Interval, p.Reason, p.Until = floor, news.PollServerFresh, time.Time{}
	}
	return p
}
