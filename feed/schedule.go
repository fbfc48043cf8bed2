package feed

import (
	"math/rand/v2"
	"sync"
	"time"
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
