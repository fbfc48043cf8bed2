package feed_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/ajel-news/ajel/feed"
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
