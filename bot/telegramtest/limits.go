package telegramtest

import (
	"math"
	"time"
)

// RateLimits are the flood limits the server enforces on send methods when
// enabled with WithRateLimits. Each is a token bucket: Rate tokens a second,
// at most Burst stored. A zero Rate disables that limit.
type RateLimits struct {
	// Global limits sends across all chats (Telegram: about 30 a second).
	Global      float64
	GlobalBurst int
	// Private limits sends into one private chat (Telegram: about 1 a second).
	Private      float64
	PrivateBurst int
	// Group limits sends into one group, supergroup or channel (Telegram: 20 a minute).
	Group      float64
	GroupBurst int
	// Paid limits sends with allow_paid_broadcast, which skip Global
	// (Telegram: up to 1000 a second); 0 means 1000.
	Paid float64
}

// DefaultRateLimits are Telegram's documented limits with bursts wide enough
// that a client pacing itself at those rates never trips them: 30/s with a
// burst of 30 overall, 1/s with a burst of 3 per private chat, 20/min with a
// burst of 3 per group.
func DefaultRateLimits() RateLimits {
	return RateLimits{
		Global: 30, GlobalBurst: 30,
		Private: 1, PrivateBurst: 3,
		Group: 20.0 / 60, GroupBurst: 3,
	}
}

// tokenEpsilon forgives rounding (float tokens, nanosecond durations) so
// that a client whose own bucket holds exactly one token is never refused.
const tokenEpsilon = 1e-3

type bucket struct {
	rate   float64
	burst  float64
	tokens float64
	last   time.Time
}

func newBucket(rate float64, burst int, now time.Time) *bucket {
	if burst < 1 {
		burst = 1
	}
	return &bucket{rate: rate, burst: float64(burst), tokens: float64(burst), last: now}
}

func (b *bucket) refill(now time.Time) {
	if now.After(b.last) {
		b.tokens = math.Min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
		b.last = now
	}
}

// wait is how long until one token is available (0 when it is now).
func (b *bucket) wait(now time.Time) time.Duration {
	b.refill(now)
	if b.tokens >= 1-tokenEpsilon {
		return 0
	}
	return time.Duration((1 - b.tokens) / b.rate * float64(time.Second))
}

func (b *bucket) take() { b.tokens-- }

// retryAfter rounds a wait up to whole seconds, at least 1, as Telegram does.
func retryAfter(d time.Duration) int {
	s := int(math.Ceil(d.Seconds()))
	return max(s, 1)
}
