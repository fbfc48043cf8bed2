package delivery

import (
	"context"
	"math"
	"sync"
	"time"
)

// Budget is the bot's one rate budget: every message Ajel sends — command
// replies, callback answers, keyboards, pushes, edits, digests — takes a
// turn from it, because Telegram counts them all against one limit per
// bot. Replies go first: a reply reserves the next free turn at once,
// while a push takes a turn only when one is free now and no reply is
// waiting, so a surge of readers is answered even in the middle of a
// fan-out to thousands.
//
// It never grants more than ⌊Rate⌋ turns in any one second, and paces them
// evenly, 1/Rate apart on average (a turn taken up to half an interval
// late does not push the schedule back, so timer lateness costs nothing). A 429 from Telegram pauses every turn until its retry_after
// (Pause). With a paid rate, breaking pushes that find no free turn take a
// paid one (sent with allow_paid_broadcast), so free and paid together stay
// within PaidRate a second.
//
// A Budget is safe for concurrent use; share one between the bot and the
// delivery worker.
type Budget struct {
	now   func() time.Time
	after func(time.Duration) <-chan time.Time

	mu          sync.Mutex
	free        *pacing
	paid        *pacing // nil: paid broadcast off
	pausedUntil time.Time
	replies     int // replies holding a reserved turn they have not reached yet
}

// BudgetOptions configure a Budget.
type BudgetOptions struct {
	// Rate is SEND_RATE: free messages a second, all chats together
	// (default 25).
	Rate float64
	// PaidRate is PAID_BROADCAST_RATE: the most messages a second, free
	// and paid together, when breaking pushes may be paid. 0, or no more
	// than Rate, leaves paid broadcast off.
	PaidRate float64
	// Now and After are the clock (default time.Now and time.After).
	Now   func() time.Time
	After func(time.Duration) <-chan time.Time
}

// NewBudget returns a budget with no turn taken yet.
func NewBudget(o BudgetOptions) *Budget {
	if o.Rate <= 0 {
		o.Rate = 25
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.After == nil {
		o.After = time.After
	}
	b := &Budget{now: o.Now, after: o.After, free: newPacing(o.Rate)}
	if o.PaidRate > o.Rate {
		b.paid = newPacing(o.PaidRate - o.Rate)
	}
	return b
}

// Rate is the free rate, messages a second.
func (b *Budget) Rate() float64 { return b.free.rate }

// PaidEnabled reports whether breaking pushes may be paid.
func (b *Budget) PaidEnabled() bool { return b.paid != nil }

// WaitReply waits for a reply's turn: the next free one, ahead of every
// push. It returns ctx's error when ctx ends first (the turn is then
// lost, which costs the others nothing but a few milliseconds).
func (b *Budget) WaitReply(ctx context.Context) error {
	for {
		b.mu.Lock()
		now := b.now()
		at := b.free.earliest(maxTime(now, b.pausedUntil))
		b.free.take(at)
		b.replies++
		b.mu.Unlock()
		ok := b.sleep(ctx, at.Sub(now))
		b.mu.Lock()
		b.replies--
		paused := b.now().Before(b.pausedUntil)
		b.mu.Unlock()
		if !ok {
			return ctx.Err()
		}
		if !paused {
			return nil
		}
		// A 429 arrived while this reply waited: its turn is void.
	}
}

// waitPush waits for a push's turn. A breaking push that finds no free
// turn takes a paid one when paid broadcast is on; paid reports which. It
// reports ok false, having taken nothing, when ctx ends first.
func (b *Budget) waitPush(ctx context.Context, breaking bool) (paid, ok bool) {
	for {
		b.mu.Lock()
		now := b.now()
		if wait := b.pausedUntil.Sub(now); wait > 0 {
			b.mu.Unlock()
			if !b.sleep(ctx, wait) {
				return false, false
			}
			continue
		}
		next := b.free.earliest(now)
		if b.replies == 0 && !next.After(now) {
			b.free.take(now)
			b.mu.Unlock()
			return false, true
		}
		if breaking && b.paid != nil {
			p := b.paid.earliest(now)
			if !p.After(now) {
				b.paid.take(now)
				b.mu.Unlock()
				return true, true
			}
			next = minTime(next, p)
		}
		b.mu.Unlock()
		// Waiting replies hold the next turns: look again shortly.
		if !b.sleep(ctx, max(next.Sub(now), time.Millisecond)) {
			return false, false
		}
	}
}

// Pause stops every turn until until (Telegram's retry_after after a 429;
// its limit is per bot, so a reply's 429 pauses pushes too and the other
// way round). A shorter pause than one already set changes nothing.
func (b *Budget) Pause(until time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if until.After(b.pausedUntil) {
		b.pausedUntil = until
	}
}

// PauseFor is Pause for d from now.
func (b *Budget) PauseFor(d time.Duration) { b.Pause(b.now().Add(d)) }

// PausedUntil is when the current pause ends (zero or past: none).
func (b *Budget) PausedUntil() time.Time {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.pausedUntil
}

func (b *Budget) sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	select {
	case <-ctx.Done():
		return false
	case <-b.after(d):
		return ctx.Err() == nil
	}
}

// sendSlack is how much later than the turn a request may reach Telegram
// (the goroutine that sends it has to run): a second's worth of turns is
// spread over a second and this much, so Telegram too counts no more.
const sendSlack = 5 * time.Millisecond

// pacing spaces turns 1/rate apart (a generic cell rate algorithm with
// half an interval of tolerance, so a wake-up that late keeps the
// schedule) and keeps the times of the last ⌊rate⌋ turns, so no second
// ever holds more.
type pacing struct {
	rate      float64
	interval  time.Duration
	tolerance time.Duration
	tat       time.Time   // the theoretical time of the next turn
	last      []time.Time // ring of the most recent turns
	pos       int         // next slot of last to overwrite
	full      bool
}

func newPacing(rate float64) *pacing {
	n := max(1, int(math.Floor(rate)))
	interval := time.Duration(float64(time.Second) / rate)
	return &pacing{rate: rate, interval: interval, tolerance: interval / 2, last: make([]time.Time, n)}
}

// earliest is the first moment at or after t when a turn may be taken.
func (p *pacing) earliest(t time.Time) time.Time {
	at := maxTime(t, p.tat.Add(-p.tolerance))
	if p.full {
		// The ⌊rate⌋-th latest turn must be a whole second back, and a
		// little more: a request leaves a moment after its turn, and
		// Telegram counts when it arrives.
		at = maxTime(at, p.last[p.pos].Add(time.Second+sendSlack))
	}
	return at
}

// take records a turn at at, which earliest allowed; turns are taken in
// time order.
func (p *pacing) take(at time.Time) {
	p.tat = maxTime(p.tat, at).Add(p.interval)
	p.last[p.pos] = at
	p.pos++
	if p.pos == len(p.last) {
		p.pos, p.full = 0, true
	}
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
