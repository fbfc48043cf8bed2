package delivery_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/ajel-news/ajel/delivery"
)

// manualClock is virtual time that moves only when the test says so:
// After's channel fires once Advance passes its deadline.
type manualClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []manualTimer
}

type manualTimer struct {
	at time.Time
	ch chan time.Time
}

func newManualClock() *manualClock {
	return &manualClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *manualClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- c.now
		return ch
	}
	c.timers = append(c.timers, manualTimer{at: c.now.Add(d), ch: ch})
	return ch
}

// waiting is how many After channels have not fired yet.
func (c *manualClock) waiting() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// Advance moves the clock by d, firing every timer due.
func (c *manualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	kept := c.timers[:0]
	for _, t := range c.timers {
		if t.at.After(c.now) {
			kept = append(kept, t)
			continue
		}
		t.ch <- c.now
	}
	c.timers = kept
}

// turns takes n push turns one after another on the fake clock and
// returns when each was granted and whether it was paid.
func turns(t *testing.T, b *delivery.Budget, n int, breaking bool, now func() time.Time) (at []time.Time, paid int) {
	t.Helper()
	for range n {
		p, ok := delivery.WaitPush(t.Context(), b, breaking)
		if !ok {
			t.Fatal("waitPush gave up on a live context")
		}
		if p {
			paid++
		}
		at = append(at, now())
	}
	return at, paid
}

// mostInOneSecond is the largest number of times within any half-open
// one-second window.
func mostInOneSecond(ats []time.Time) int {
	most, lo := 0, 0
	for hi := range ats {
		for ats[hi].Sub(ats[lo]) >= time.Second {
			lo++
		}
		most = max(most, hi-lo+1)
	}
	return most
}

func TestBudgetKeepsTheRate(t *testing.T) {
	for _, rate := range []float64{1, 7.5, 25, 30} {
		clock := newFakeClock()
		b := delivery.NewBudget(delivery.BudgetOptions{Rate: rate, Now: clock.Now, After: clock.After})
		n := int(rate * 20)
		at, paid := turns(t, b, n, true, clock.Now)
		if paid != 0 {
			t.Errorf("rate %v: %d paid turns with paid broadcast off", rate, paid)
		}
		if most := mostInOneSecond(at); float64(most) > rate {
			t.Errorf("rate %v: %d turns within one second", rate, most)
		}
		// Over 20 seconds the turns keep the rate: no slower than the
		// whole-number cap per second allows.
		span := at[len(at)-1].Sub(at[0]).Seconds()
		want := float64(int(rate)) // the per-second cap binds for a fractional rate
		if got := float64(n-1) / span; got < want*0.97 {
			t.Errorf("rate %v: %.2f turns a second, want about %v", rate, got, want)
		}
	}
}

func TestBudgetPaidBroadcastOnlyForBreaking(t *testing.T) {
	clock := newFakeClock()
	b := delivery.NewBudget(delivery.BudgetOptions{Rate: 10, PaidRate: 40, Now: clock.Now, After: clock.After})
	at, paid := turns(t, b, 400, true, clock.Now)
	if most := mostInOneSecond(at); most > 40 {
		t.Errorf("breaking: %d turns within one second, want ≤ 40 free and paid together", most)
	}
	span := at[len(at)-1].Sub(at[0]).Seconds()
	if got := 399 / span; got < 38 {
		t.Errorf("breaking: %.1f turns a second, want about 40", got)
	}
	// About 10 of every 40 are free, the rest paid.
	if paid < 280 || paid > 310 {
		t.Errorf("%d of 400 breaking turns paid, want about 300", paid)
	}

	at, paid = turns(t, b, 100, false, clock.Now)
	if paid != 0 {
		t.Errorf("%d paid turns for stories that are not breaking", paid)
	}
	if most := mostInOneSecond(at); most > 10 {
		t.Errorf("not breaking: %d turns within one second, want ≤ 10", most)
	}
}

func TestBudgetPauseStopsEveryTurn(t *testing.T) {
	clock := newFakeClock()
	b := delivery.NewBudget(delivery.BudgetOptions{Rate: 25, Now: clock.Now, After: clock.After})
	turns(t, b, 3, false, clock.Now)
	paused := clock.Now().Add(7 * time.Second)
	b.Pause(paused)
	b.Pause(paused.Add(-time.Second)) // a shorter pause changes nothing
	if got := b.PausedUntil(); !got.Equal(paused) {
		t.Fatalf("PausedUntil %v, want %v", got, paused)
	}
	at, _ := turns(t, b, 1, true, clock.Now)
	if at[0].Before(paused) {
		t.Errorf("a push went %s before the pause ended", paused.Sub(at[0]))
	}
	b.Pause(clock.Now().Add(3 * time.Second))
	until := b.PausedUntil()
	if err := b.WaitReply(t.Context()); err != nil {
		t.Fatal(err)
	}
	if clock.Now().Before(until) {
		t.Errorf("a reply went before the pause ended")
	}
}

// A reply that comes while a push is waiting for its turn goes first.
func TestBudgetRepliesGoFirst(t *testing.T) {
	clock := newManualClock()
	b := delivery.NewBudget(delivery.BudgetOptions{Rate: 10, Now: clock.Now, After: clock.After})
	ctx := t.Context()
	if _, ok := delivery.WaitPush(ctx, b, false); !ok { // takes the free turn now
		t.Fatal("first push refused")
	}
	order := make(chan string, 2)
	go func() {
		if _, ok := delivery.WaitPush(ctx, b, false); ok {
			order <- "push"
		}
	}()
	waitFor(t, "the push to wait", func() bool { return clock.waiting() == 1 })
	go func() {
		if err := b.WaitReply(ctx); err == nil {
			order <- "reply"
		}
	}()
	waitFor(t, "the reply to wait", func() bool { return clock.waiting() == 2 })
	var got []string
	for len(got) < 2 {
		clock.Advance(5 * time.Millisecond)
		select {
		case s := <-order:
			got = append(got, s)
		case <-time.After(time.Millisecond):
		}
	}
	if got[0] != "reply" {
		t.Errorf("order %v: the reply should go before the push that waited", got)
	}
}

func TestBudgetGivesUpWhenTheContextEnds(t *testing.T) {
	clock := newManualClock()
	b := delivery.NewBudget(delivery.BudgetOptions{Rate: 1, Now: clock.Now, After: clock.After})
	b.Pause(clock.Now().Add(time.Hour))
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan bool, 2)
	go func() { _, ok := delivery.WaitPush(ctx, b, true); done <- ok }()
	go func() { done <- b.WaitReply(ctx) == nil }()
	cancel()
	for range 2 {
		if <-done {
			t.Error("a wait succeeded after its context ended")
		}
	}
}
