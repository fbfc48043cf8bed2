package feed_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ajel-news/ajel/feed"
	"github.com/ajel-news/ajel/internal/testclock"
	"github.com/ajel-news/ajel/news"
)

type memStore struct {
	mu    sync.Mutex
	feeds []news.Feed
}

func (s *memStore) Feeds(context.Context) ([]news.Feed, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.feeds), nil
}

func (s *memStore) UpdateFeed(_ context.Context, f news.Feed) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.feeds {
		if s.feeds[i].ID == f.ID {
			s.feeds[i] = f
			return nil
		}
	}
	return news.ErrNotFound
}

func (s *memStore) add(f news.Feed) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.feeds = append(s.feeds, f)
}

func (s *memStore) get(t *testing.T, id int64) news.Feed {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.feeds {
		if f.ID == id {
			return f
		}
	}
	t.Fatalf("feed %d not found", id)
	return news.Feed{}
}

type call struct {
	feedID int64
	items  int
	push   bool
}

type recorder struct {
	mu    sync.Mutex
	calls []call
	fail  error
	held  news.HeldItems // what every call reports held back
}

func (r *recorder) HandleItems(_ context.Context, f news.Feed, items []news.Article, push bool) (news.PollOutcome, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return news.PollOutcome{}, r.fail
	}
	r.calls = append(r.calls, call{f.ID, len(items), push})
	return news.PollOutcome{New: len(items), Held: r.held}, nil
}

func (r *recorder) snapshot() []call {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.calls)
}

type observer struct{ fetched, failed atomic.Int32 }

func (o *observer) FeedFetched(_ int64, _ int, err error) {
	if err != nil {
		o.failed.Add(1)
	} else {
		o.fetched.Add(1)
	}
}

// feedServer serves an RSS feed whose ETag changes with its item count.
func feedServer(t *testing.T, items *atomic.Int32) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := items.Load()
		etag := fmt.Sprintf(`"n%d"`, n)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		fmt.Fprint(w, `<rss version="2.0"><channel><title>مصدر الاختبار</title>`)
		for i := range n {
			fmt.Fprintf(w, `<item><title>خبر %d</title><guid>g%d</guid></item>`, i, i)
		}
		fmt.Fprint(w, `</channel></rss>`)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestPollerPrimesThenPushes(t *testing.T) {
	var n atomic.Int32
	n.Store(2)
	srv := feedServer(t, &n)
	store := &memStore{feeds: []news.Feed{{ID: 1, URL: srv.URL}}}
	rec := &recorder{}
	obs := &observer{}
	now := time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC)
	p := feed.NewPoller(store, fetcher(feed.Options{}), rec, time.Minute, nil,
		feed.WithClock(func() time.Time { return now }), feed.WithJitter(nil), feed.WithObserver(obs))

	if err := p.PollNow(t.Context(), 1); err != nil {
		t.Fatal(err)
	}
	f := store.get(t, 1)
	if !f.Primed || f.Title != "مصدر الاختبار" || f.ETag != `"n2"` || !f.LastSuccessAt.Equal(now) || !f.NextPollAt.Equal(now.Add(time.Minute)) {
		t.Errorf("after priming: %+v", f)
	}

	// Unchanged: a 304, nothing handed over.
	if err := p.PollNow(t.Context(), 1); err != nil {
		t.Fatal(err)
	}
	n.Store(3)
	if err := p.PollNow(t.Context(), 1); err != nil {
		t.Fatal(err)
	}
	want := []call{{1, 2, false}, {1, 3, true}}
	if got := rec.snapshot(); !slices.Equal(got, want) {
		t.Errorf("handler calls %v, want %v", got, want)
	}
	if obs.fetched.Load() != 3 {
		t.Errorf("observer saw %d fetches", obs.fetched.Load())
	}
	if err := p.PollNow(t.Context(), 99); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("PollNow(99) = %v", err)
	}
}

// The handler's count of items held back is the feed's status until the
// next poll that lists items: a 304 keeps it, a quiet poll clears it.
func TestPollerKeepsWhatWasHeldBack(t *testing.T) {
	var n atomic.Int32
	n.Store(2)
	srv := feedServer(t, &n)
	store := &memStore{feeds: []news.Feed{{ID: 1, URL: srv.URL, Primed: true}}}
	rec := &recorder{held: news.HeldItems{Old: 1, OverLimit: 3}}
	p := feed.NewPoller(store, fetcher(feed.Options{}), rec, time.Minute, nil, feed.WithJitter(nil))

	if err := p.PollNow(t.Context(), 1); err != nil {
		t.Fatal(err)
	}
	if got := store.get(t, 1).Held; got != rec.held {
		t.Fatalf("held after the poll: %+v, want %+v", got, rec.held)
	}
	if err := p.PollNow(t.Context(), 1); err != nil { // 304
		t.Fatal(err)
	}
	if got := store.get(t, 1).Held; got != rec.held {
		t.Errorf("a 304 changed what was held: %+v", got)
	}
	rec.mu.Lock()
	rec.held = news.HeldItems{}
	rec.mu.Unlock()
	n.Store(3)
	if err := p.PollNow(t.Context(), 1); err != nil {
		t.Fatal(err)
	}
	if got := store.get(t, 1).Held; got.Total() != 0 {
		t.Errorf("a poll that held nothing kept %+v", got)
	}
}

func TestPollerFailureBackoff(t *testing.T) {
	status := atomic.Int32{}
	status.Store(http.StatusInternalServerError)
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s := int(status.Load()); s != 200 {
			if s == http.StatusTooManyRequests {
				w.Header().Set("Retry-After", "7200")
			}
			w.WriteHeader(s)
			return
		}
		fmt.Fprint(w, `<rss version="2.0"><channel><title>عاد</title><item><title>x</title></item></channel></rss>`)
	}))
	defer bad.Close()
	// Breaking: failures back off and Retry-After is honoured all the same.
	store := &memStore{feeds: []news.Feed{{ID: 1, URL: bad.URL, Breaking: true}}}
	now := time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC)
	p := feed.NewPoller(store, fetcher(feed.Options{}), &recorder{}, time.Minute, nil,
		feed.WithClock(func() time.Time { return now }), feed.WithJitter(nil))

	var waits []time.Duration
	for range 3 {
		err := p.PollNow(t.Context(), 1)
		if !errors.Is(err, feed.ErrHTTPStatus) {
			t.Fatalf("err = %v", err)
		}
		f := store.get(t, 1)
		waits = append(waits, f.NextPollAt.Sub(now))
		if f.LastError != "feed: server answered 500 Internal Server Error" || !f.LastErrorAt.Equal(now) || f.Primed || f.PollReason != news.PollFailing {
			t.Errorf("feed after failure: %+v", f)
		}
	}
	if want := []time.Duration{2 * time.Minute, 4 * time.Minute, 8 * time.Minute}; !slices.Equal(waits, want) {
		t.Errorf("backoff %v, want %v", waits, want)
	}

	status.Store(http.StatusTooManyRequests)
	p.PollNow(t.Context(), 1)
	if f := store.get(t, 1); f.Failures != 4 || f.NextPollAt.Sub(now) != 2*time.Hour || f.PollReason != news.PollRetryAfter {
		t.Errorf("Retry-After not honoured: failures %d next +%v (%s)", f.Failures, f.NextPollAt.Sub(now), f.PollReason)
	}

	status.Store(200)
	if err := p.PollNow(t.Context(), 1); err != nil {
		t.Fatal(err)
	}
	f := store.get(t, 1)
	if f.Failures != 0 || !f.Primed || f.NextPollAt.Sub(now) != time.Minute || f.LastError == "" {
		t.Errorf("after recovery (last error kept for /feeds): %+v", f)
	}
}

func TestPollerHandlerErrorIsAFailure(t *testing.T) {
	var n atomic.Int32
	n.Store(1)
	srv := feedServer(t, &n)
	store := &memStore{feeds: []news.Feed{{ID: 1, URL: srv.URL}}}
	rec := &recorder{fail: errors.New("database is locked")}
	p := feed.NewPoller(store, fetcher(feed.Options{}), rec, time.Minute, nil, feed.WithJitter(nil))
	if err := p.PollNow(t.Context(), 1); err == nil {
		t.Fatal("want the handler's error")
	}
	f := store.get(t, 1)
	if f.Primed || f.Failures != 1 || f.ETag != "" || f.LastError != "feed: handling items: database is locked" {
		t.Errorf("after a handler failure (not primed, validators not saved): %+v", f)
	}
	rec.mu.Lock()
	rec.fail = nil
	rec.mu.Unlock()
	if err := p.PollNow(t.Context(), 1); err != nil {
		t.Fatal(err)
	}
	if got := rec.snapshot(); !slices.Equal(got, []call{{1, 1, false}}) {
		t.Errorf("calls %v: the items must come again, still as priming", got)
	}
}

func TestPollerRun(t *testing.T) {
	var n atomic.Int32
	n.Store(1)
	good := feedServer(t, &n)
	hang := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-hang:
		}
	}))
	defer slow.Close()
	defer close(hang)

	store := &memStore{feeds: []news.Feed{
		{ID: 1, URL: good.URL},
		{ID: 2, URL: good.URL + "/404-is-not-served-differently"},
		{ID: 3, URL: "http://127.0.0.1:1/refused"},
		{ID: 4, URL: slow.URL},
	}}
	rec := &recorder{}
	p := feed.NewPoller(store, fetcher(feed.Options{Timeout: 30 * time.Second}), rec, time.Hour, nil,
		feed.WithTick(5*time.Millisecond), feed.WithWorkers(2))

	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()

	waitFor := func(what string, cond func() bool) {
		t.Helper()
		for !cond() {
			select {
			case err := <-done:
				t.Fatalf("Run returned early: %v", err)
			case <-time.After(2 * time.Millisecond):
			}
			if t.Context().Err() != nil {
				t.Fatalf("gave up waiting for %s", what)
			}
		}
	}
	// Feed 4 hangs in one worker; the others still get polled, and a feed
	// added while Run runs is picked up.
	waitFor("feeds 1 to 3", func() bool {
		return store.get(t, 1).Primed && store.get(t, 2).Primed && store.get(t, 3).Failures > 0
	})
	store.add(news.Feed{ID: 5, URL: good.URL})
	waitFor("feed 5", func() bool { return store.get(t, 5).Primed })
	if f := store.get(t, 3); f.LastError == "" || f.NextPollAt.IsZero() {
		t.Errorf("failing feed: %+v", f)
	}

	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v", err)
	}
	if f := store.get(t, 4); f.Failures != 0 || f.LastError != "" {
		t.Errorf("a poll cut short by shutdown is not a failure: %+v", f)
	}
	for _, c := range rec.snapshot() {
		if c.push {
			t.Errorf("nothing should be pushed while priming: %v", c)
		}
	}
}

// Each feed's interval and why, through the real poller: a new feed at
// the shortest while its rhythm is learnt; a quiet hour relaxing, and back
// to the shortest when an item comes or a usual hour begins; the server's
// max-age a floor up to the longest; a breaking feed at the shortest
// whatever the server says; a feed whose hub pushes at the longest.
func TestPollerIntervalAndWhy(t *testing.T) {
	var maxAge atomic.Value
	maxAge.Store("")
	var items atomic.Int32
	items.Store(1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if v := maxAge.Load().(string); v != "" {
			w.Header().Set("Cache-Control", "max-age="+v)
		}
		etag := fmt.Sprintf(`"n%d"`, items.Load())
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		fmt.Fprint(w, `<rss version="2.0"><channel><title>t</title>`)
		for i := range items.Load() {
			fmt.Fprintf(w, `<item><title>خبر %d</title><guid>g%d</guid></item>`, i, i)
		}
		fmt.Fprint(w, `</channel></rss>`)
	}))
	defer srv.Close()
	clock := testclock.New(time.Date(2026, 12, 2, 12, 30, 0, 0, time.UTC)) // a Wednesday
	store := &memStore{feeds: []news.Feed{{ID: 1, URL: srv.URL}, {ID: 2, URL: srv.URL, Breaking: true}}}
	p := feed.NewPoller(store, fetcher(feed.Options{}), &recorder{}, time.Minute, nil,
		feed.WithClock(clock.Now), feed.WithJitter(nil), feed.WithMaxInterval(10*time.Minute))
	poll := func(id int64, wantEvery time.Duration, wantWhy news.PollReason) news.Feed {
		t.Helper()
		if err := p.PollNow(t.Context(), id); err != nil {
			t.Fatal(err)
		}
		f := store.get(t, id)
		if f.Interval != wantEvery || f.PollReason != wantWhy {
			t.Errorf("feed %d: every %s (%s), want %s (%s)", id, f.Interval, f.PollReason, wantEvery, wantWhy)
		}
		return f
	}
	f := poll(1, time.Minute, news.PollLearning)
	if !f.NextPollAt.Equal(clock.Now().Add(time.Minute)) || f.Rhythm.Since.IsZero() {
		t.Errorf("a new feed: next poll %s, rhythm %+v", f.NextPollAt, f.Rhythm)
	}

	// Three weeks on, at an hour it has never published in.
	clock.Add(21 * 24 * time.Hour)
	poll(1, 90*time.Second, news.PollQuiet)
	f = poll(1, 135*time.Second, news.PollQuiet)
	if !f.NextPollAt.Equal(clock.Now().Add(135 * time.Second)) {
		t.Errorf("quiet: next poll %s, want in 135s", f.NextPollAt)
	}
	items.Store(2) // something new: the shortest at once
	poll(1, time.Minute, news.PollRecent)

	// The server's freshness: a floor, up to the longest.
	maxAge.Store("240")
	poll(1, 4*time.Minute, news.PollServerFresh)
	maxAge.Store("3000")
	poll(1, 10*time.Minute, news.PollServerFresh)
	poll(2, time.Minute, news.PollBreaking)
	maxAge.Store("")

	// At 12:55, quiet, before an hour it publishes in on most days: the
	// wait ends at 13:00.
	store.mu.Lock()
	r := &store.feeds[0].Rhythm
	r.LastPublished, r.Weights, r.DecayedAt = time.Time{}, [news.HoursPerWeek]float32{}, clock.Now()
	for _, day := range []int{0, 1, 2, 4, 5, 6} { // 13:00 UTC every day but Wednesday, a week ago
		r.Weights[day*24+13] = 0.5
	}
	store.feeds[0].QuietPolls = 20
	store.mu.Unlock()
	clock.Add(25 * time.Minute)
	f = poll(1, 10*time.Minute, news.PollQuiet)
	if want := time.Date(2026, 12, 23, 13, 0, 0, 0, time.UTC); !f.NextPollAt.Equal(want) {
		t.Errorf("quiet before a usual hour: next poll %s, want %s", f.NextPollAt, want)
	}
	clock.Add(5 * time.Minute)
	poll(1, time.Minute, news.PollRhythm)

	// A hub pushes: polls are a safety net.
	store.mu.Lock()
	store.feeds[0].WebSub = news.WebSubStatus{State: news.WebSubActive, LeaseUntil: clock.Now().Add(time.Hour)}
	store.mu.Unlock()
	poll(1, 10*time.Minute, news.PollWebSub)
}

// Run starts each poll when the feed is due, not at the next tick: with
// POLL_INTERVAL=1s and ticks an hour apart, the feed is still polled every
// second.
func TestPollerRunPollsWhenDue(t *testing.T) {
	var polls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		polls.Add(1)
		w.Header().Set("ETag", `"same"`)
		if r.Header.Get("If-None-Match") == `"same"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		fmt.Fprint(w, `<rss version="2.0"><channel><title>t</title><item><title>a</title><guid>a</guid></item></channel></rss>`)
	}))
	defer srv.Close()
	store := &memStore{feeds: []news.Feed{{ID: 1, URL: srv.URL}}}
	p := feed.NewPoller(store, fetcher(feed.Options{}), &recorder{}, time.Second, nil, feed.WithTick(time.Hour))
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	for polls.Load() < 3 {
		select {
		case err := <-done:
			t.Fatalf("Run returned early: %v", err)
		case <-t.Context().Done():
			t.Fatalf("only %d polls: the loop waits for its tick", polls.Load())
		case <-time.After(20 * time.Millisecond):
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v", err)
	}
}

// A clock set back (NTP stepping, a VM restored from a snapshot) leaves
// feeds planned hours "ahead": a plan further ahead than the feed could
// have been told to wait is due now, while a server's Retry-After, which
// may be that long, is still honoured.
func TestPollerClockSetBack(t *testing.T) {
	var clockBack, retryAfter atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/retry" {
			retryAfter.Add(1)
		} else {
			clockBack.Add(1)
		}
		fmt.Fprint(w, `<rss version="2.0"><channel><title>t</title><item><title>a</title><guid>a</guid></item></channel></rss>`)
	}))
	defer srv.Close()
	later := time.Now().Add(2 * time.Hour)
	store := &memStore{feeds: []news.Feed{
		{ID: 1, URL: srv.URL + "/back", Primed: true, NextPollAt: later, PollReason: news.PollRhythm},
		{ID: 2, URL: srv.URL + "/retry", Primed: true, NextPollAt: later, PollReason: news.PollRetryAfter},
	}}
	p := feed.NewPoller(store, fetcher(feed.Options{}), &recorder{}, time.Second, nil,
		feed.WithMaxInterval(15*time.Minute), feed.WithTick(time.Hour))
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	// Two polls of the first feed: the loop has looked at both feeds more
	// than once since it started.
	for clockBack.Load() < 2 {
		select {
		case err := <-done:
			t.Fatalf("Run returned early: %v", err)
		case <-t.Context().Done():
			t.Fatalf("a feed planned 2 h ahead after the clock went back was polled %d times", clockBack.Load())
		case <-time.After(20 * time.Millisecond):
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v", err)
	}
	if n := retryAfter.Load(); n != 0 {
		t.Errorf("the feed its server told to wait 2 h was polled %d times", n)
	}
}
