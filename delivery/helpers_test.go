package delivery_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/ajel-news/ajel/delivery"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/storage"
)

// fakeClock is virtual time that moves only when the worker waits: After
// advances it by d and fires at once, so minutes of pacing take no real time.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
	// held, when set, is as far as idle waits move the clock (Hold).
	held time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to t, backwards too (a clock set back).
func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// Hold keeps the worker's idle waits from moving the clock past t (zero:
// no bound), for a test that needs "still within the hour" however long
// the machine takes between its steps: an idle worker otherwise spins
// through virtual time at the machine's pace. The test's own clock.After
// still moves it.
func (c *fakeClock) Hold(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.held = t
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	return c.after(d, true)
}

// Advance moves the clock by d, past any Hold.
func (c *fakeClock) Advance(d time.Duration) { c.after(d, false) }

func (c *fakeClock) after(d time.Duration, idle bool) <-chan time.Time {
	c.mu.Lock()
	atHold := false
	if d > 0 {
		next := c.now.Add(d)
		if idle && !c.held.IsZero() && next.After(c.held) {
			next, atHold = c.held, true
		}
		c.now = later(c.now, next)
	}
	now := c.now
	c.mu.Unlock()
	if atHold {
		time.Sleep(time.Millisecond) // nothing is due before the test moves on: don't spin
	}
	runtime.Gosched() // an idle worker spins through virtual time; let the test run
	ch := make(chan time.Time, 1)
	ch <- now
	return ch
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// sent is one call to the fake sender.
type sent struct {
	chatID int64
	thread int
	push   news.Push
	at     time.Time
	err    error
}

// fakeSender records every call. script[chat] lists errors to return, one
// per call into that chat, before sends there succeed; onSend runs inside
// each call with its 1-based number; latency, when set, is how long each
// call takes in real time.
type fakeSender struct {
	now     func() time.Time
	onSend  func(n int)
	latency time.Duration

	mu       sync.Mutex
	script   map[int64][]error
	calls    []sent
	nextID   int
	inFlight int
	most     int            // the most calls in flight at once
	chatBusy map[int64]bool // a call into the chat is in flight
	overlap  []int64        // chats that had two calls in flight at once
}

func newSender(now func() time.Time) *fakeSender {
	return &fakeSender{now: now, script: map[int64][]error{}, chatBusy: map[int64]bool{}}
}

func (s *fakeSender) Send(ctx context.Context, to news.Target, p news.Push) (int, error) {
	chatID := to.ChatID
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("send on a dead context: %w", err)
	}
	s.mu.Lock()
	var err error
	if q := s.script[chatID]; len(q) > 0 {
		err, s.script[chatID] = q[0], q[1:]
	}
	s.calls = append(s.calls, sent{chatID: chatID, thread: to.ThreadID, push: p, at: s.now(), err: err})
	n := len(s.calls)
	s.nextID++
	id := s.nextID
	hook := s.onSend
	s.inFlight++
	s.most = max(s.most, s.inFlight)
	if s.chatBusy[chatID] {
		s.overlap = append(s.overlap, chatID)
	}
	s.chatBusy[chatID] = true
	s.mu.Unlock()
	if s.latency > 0 {
		time.Sleep(s.latency)
	}
	if hook != nil {
		hook(n)
	}
	s.mu.Lock()
	s.inFlight--
	delete(s.chatBusy, chatID)
	s.mu.Unlock()
	if err != nil {
		return 0, err
	}
	return id, nil
}

func (s *fakeSender) all() []sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]sent(nil), s.calls...)
}

// delivered counts successful sends by chat and title.
func (s *fakeSender) delivered() map[string]int {
	out := map[string]int{}
	for _, c := range s.all() {
		if c.err == nil {
			out[fmt.Sprintf("%d/%s", c.chatID, c.push.Title)]++
		}
	}
	return out
}

// to lists the calls into one chat.
func (s *fakeSender) to(chatID int64) []sent {
	var out []sent
	for _, c := range s.all() {
		if c.chatID == chatID {
			out = append(out, c)
		}
	}
	return out
}

// countingObserver counts events.
type countingObserver struct {
	mu                                                    sync.Mutex
	sent, retried, failed, limited, deactivated, migrated int
	storeErrors, rescheduled                              int
	edited, editRefused, digests, digestStories           int
	latencies                                             []time.Duration
	onRateLimited                                         func() // runs as the worker reports a 429
}

func (o *countingObserver) Sent(_ news.Delivery, l time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sent++
	o.latencies = append(o.latencies, l)
}

func (o *countingObserver) Retried(news.Delivery, string)  { o.inc(&o.retried) }
func (o *countingObserver) Failed(news.Delivery, string)   { o.inc(&o.failed) }
func (o *countingObserver) ChatDeactivated(int64, int)     { o.inc(&o.deactivated) }
func (o *countingObserver) ChatMigrated(int64, int64)      { o.inc(&o.migrated) }
func (o *countingObserver) StoreError(error)               { o.inc(&o.storeErrors) }
func (o *countingObserver) Rescheduled(int, time.Duration) { o.inc(&o.rescheduled) }

func (o *countingObserver) RateLimited(time.Duration) {
	o.inc(&o.limited)
	if o.onRateLimited != nil {
		o.onRateLimited()
	}
}

func (o *countingObserver) Edited(_ news.Delivery, err error) {
	if err != nil {
		o.inc(&o.editRefused)
	} else {
		o.inc(&o.edited)
	}
}

func (o *countingObserver) DigestSent(_ int64, stories int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.digests++
	o.digestStories += stories
}

func (o *countingObserver) inc(n *int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	*n++
}

func (o *countingObserver) get(n *int) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return *n
}

// addStory stores a new article on topic and queues it for every subscriber.
func addStory(tb testing.TB, db *storage.DB, title, topic string, breaking bool) int {
	tb.Helper()
	_, n, err := db.SaveArticle(context.Background(), news.Article{
		Key: title, Source: "وكالة", URL: "https://example.com/" + title, Title: title,
		Summary: "ملخص " + title, Topics: []string{topic}, Breaking: breaking,
	}, true)
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// start runs w in the background; the returned stop cancels it and checks
// that Run returned nil.
func start(t *testing.T, w *delivery.Worker) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Run: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// waitBound is how long waitFor waits: far beyond what a healthy run
// takes on a loaded machine under -race, so only a real hang fails.
const waitBound = time.Minute

// waitFor polls cond until it holds, failing the test after waitBound.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitBound)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// drained waits until nothing is pending in db. A big fan-out takes as
// long as the machine needs: the test fails only when the outbox stops
// going down for waitBound.
func drained(t *testing.T, db *storage.DB) {
	t.Helper()
	last, progress := -1, time.Now()
	for {
		s, err := db.Outbox(context.Background())
		switch {
		case err == nil && s.Pending == 0:
			return
		case err == nil && s.Pending != last:
			last, progress = s.Pending, time.Now()
		case time.Since(progress) > waitBound:
			t.Fatalf("the outbox stalled at %d pending rows for %s (%v)", last, waitBound, err)
		}
		time.Sleep(10 * time.Millisecond) // a query that counts the outbox: not too often

	}
}

func delivery1(t *testing.T, db *storage.DB, chatID int64) []news.Delivery {
	t.Helper()
	ds, err := db.Deliveries(t.Context(), chatID)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// flakyStore wraps a Store and fails calls while fail says so, or for good
// once crashed.
type flakyStore struct {
	delivery.Store
	mu      sync.Mutex
	calls   map[string]int
	fail    func(method string, n int) bool // n: 1-based call number of method
	crashed bool
	onFetch func() // after each successful PendingDeliveries
}

var errDisk = errors.New("disk I/O error")

func (s *flakyStore) check(method string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.calls == nil {
		s.calls = map[string]int{}
	}
	s.calls[method]++
	if s.crashed || (s.fail != nil && s.fail(method, s.calls[method])) {
		return fmt.Errorf("%s: %w", method, errDisk)
	}
	return nil
}

func (s *flakyStore) PendingDeliveries(ctx context.Context, now time.Time, limit int) ([]news.Delivery, error) {
	if err := s.check("PendingDeliveries"); err != nil {
		return nil, err
	}
	ds, err := s.Store.PendingDeliveries(ctx, now, limit)
	if err == nil && s.onFetch != nil {
		s.onFetch()
	}
	return ds, err
}

func (s *flakyStore) MarkSent(ctx context.Context, id int64, messageID int, at time.Time, paid bool, seq int) error {
	if err := s.check("MarkSent"); err != nil {
		return err
	}
	return s.Store.MarkSent(ctx, id, messageID, at, paid, seq)
}

func (s *flakyStore) MarkRetry(ctx context.Context, id int64, next time.Time, reason string) error {
	if err := s.check("MarkRetry"); err != nil {
		return err
	}
	return s.Store.MarkRetry(ctx, id, next, reason)
}

func (s *flakyStore) Postpone(ctx context.Context, id int64, next time.Time, reason string) error {
	if err := s.check("Postpone"); err != nil {
		return err
	}
	return s.Store.Postpone(ctx, id, next, reason)
}
