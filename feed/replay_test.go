package feed_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ajel-news/ajel/feed"
	"github.com/ajel-news/ajel/internal/testclock"
	"github.com/ajel-news/ajel/news"
)

// A replay runs the real poller, fetcher and schedule on a simulated clock
// against feeds served in-process (a RoundTripper, no sockets), each
// listing its newest 20 items at every moment, and measures how long after
// its publication each item was found and how many requests were made.

// simFeed is a feed of the replay: when its items are published, and what
// date it shows for each (as published, unless show says otherwise; ok
// false leaves the item undated).
type simFeed struct {
	name      string
	published []time.Time
	show      func(published time.Time) (shown time.Time, ok bool)
	breaking  bool
}

// simFeeds serves the replay's feeds at /<name> with an ETag that changes
// with each new item, and records when each was asked for.
type simFeeds struct {
	clock    *testclock.Clock
	feeds    map[string]*simFeed
	mu       sync.Mutex
	requests map[string][]time.Time
}

func (s *simFeeds) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, r)
	resp := rec.Result()
	resp.Request = r
	return resp, nil
}

func (s *simFeeds) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/")
	f, now := s.feeds[name], s.clock.Now()
	if f == nil {
		http.NotFound(w, r)
		return
	}
	s.mu.Lock()
	s.requests[name] = append(s.requests[name], now)
	s.mu.Unlock()
	n, _ := slices.BinarySearchFunc(f.published, now, func(t, now time.Time) int {
		if t.After(now) {
			return 1
		}
		return -1
	})
	etag := `"` + strconv.Itoa(n) + `"`
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/rss+xml")
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>` + name + `</title>`)
	for i := n - 1; i >= max(0, n-20); i-- {
		at := f.published[i]
		// The link carries the true publication time, whatever date is shown.
		fmt.Fprintf(&b, `<item><guid>%s-%d</guid><title>خبر %d</title><link>https://sim.example/%s/%d</link>`,
			name, i, i, name, at.UnixNano())
		shown, ok := at, true
		if f.show != nil {
			shown, ok = f.show(at)
		}
		if ok {
			b.WriteString("<pubDate>" + shown.Format(time.RFC1123Z) + "</pubDate>")
		}
		b.WriteString("</item>")
	}
	b.WriteString("</channel></rss>")
	fmt.Fprint(w, b.String())
}

// found is the replay's handler: it records, for each item pushed, when
// it was published and how long after that it was first handed over.
type found struct {
	clock *testclock.Clock
	mu    sync.Mutex
	seen  map[string]bool
	items map[int64][]foundItem
}

type foundItem struct {
	published time.Time
	delay     time.Duration
}

func (h *found) HandleItems(_ context.Context, f news.Feed, items []news.Article, push bool) (news.PollOutcome, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out news.PollOutcome
	for _, it := range items {
		if h.seen[it.Key] {
			continue
		}
		h.seen[it.Key] = true
		out.New++
		ns, err := strconv.ParseInt(it.URL[strings.LastIndexByte(it.URL, '/')+1:], 10, 64)
		if err != nil {
			return out, fmt.Errorf("item link %q: %w", it.URL, err)
		}
		if at := time.Unix(0, ns); push {
			h.items[f.ID] = append(h.items[f.ID], foundItem{at, h.clock.Now().Sub(at)})
		}
	}
	return out, nil
}

// replayStore is where a replay keeps its feeds: memStore or SQLite.
type replayStore interface {
	feed.Store
	AddFeed(ctx context.Context, f news.Feed) (news.Feed, error)
}

// replayed is what a replay saw of one feed: the items pushed and the
// requests made.
type replayed struct {
	items    []foundItem
	requests []time.Time
}

// window is what happened in [from, to): the delays of the items published
// then, and the requests made then.
func (r replayed) window(from, to time.Time) replayResult {
	in := func(t time.Time) bool { return !t.Before(from) && t.Before(to) }
	out := replayResult{days: to.Sub(from).Hours() / 24}
	for _, it := range r.items {
		if in(it.published) {
			out.delays = append(out.delays, it.delay)
		}
	}
	slices.Sort(out.delays)
	for _, at := range r.requests {
		if in(at) {
			out.requests++
		}
	}
	return out
}

// replayResult is what a replay measured of one feed in a window.
type replayResult struct {
	delays   []time.Duration // sorted
	requests int
	days     float64
}

// worst is the longest delay (0 when no item was published).
func (r replayResult) worst() time.Duration { return r.quantile(1) }

func (r replayResult) quantile(q float64) time.Duration {
	if len(r.delays) == 0 {
		return 0
	}
	return r.delays[max(0, int(float64(len(r.delays))*q+0.999999)-1)]
}

func (r replayResult) perDay() float64 { return float64(r.requests) / r.days }

// replay adds feeds to store, polls each whenever it is due from start to
// end with the real poller (POLL_INTERVAL shortest, POLL_INTERVAL_MAX
// longest, a seeded jitter), and returns per feed name what it saw.
func replay(tb testing.TB, store replayStore, feeds []simFeed, start, end time.Time, shortest, longest time.Duration) map[string]replayed {
	tb.Helper()
	ctx := context.Background()
	clock := testclock.New(start)
	srv := &simFeeds{clock: clock, feeds: map[string]*simFeed{}, requests: map[string][]time.Time{}}
	names := map[int64]string{}
	for i := range feeds {
		f := &feeds[i]
		f.published = slices.Clone(f.published)
		slices.SortFunc(f.published, time.Time.Compare)
		srv.feeds[f.name] = f
		added, err := store.AddFeed(ctx, news.Feed{URL: "https://sim.example/" + f.name, Breaking: f.breaking})
		if err != nil {
			tb.Fatal(err)
		}
		names[added.ID] = f.name
	}
	h := &found{clock: clock, seen: map[string]bool{}, items: map[int64][]foundItem{}}
	p := feed.NewPoller(store, feed.NewFetcher(feed.Options{Client: &http.Client{Transport: srv}, Now: clock.Now}), h, shortest, nil,
		feed.WithClock(clock.Now), feed.WithMaxInterval(longest), feed.WithJitter(feed.RandJitter(rand.New(rand.NewPCG(23, 1)))))
	for {
		list, err := store.Feeds(ctx)
		if err != nil {
			tb.Fatal(err)
		}
		next := list[0]
		for _, f := range list[1:] {
			if f.NextPollAt.Before(next.NextPollAt) {
				next = f
			}
		}
		at := next.NextPollAt
		if at.Before(clock.Now()) {
			at = clock.Now()
		}
		if !at.Before(end) {
			break
		}
		clock.Set(at)
		if err := p.PollNow(ctx, next.ID); err != nil {
			tb.Fatalf("%s at %s: %v", names[next.ID], at, err)
		}
	}
	out := map[string]replayed{}
	for id, name := range names {
		out[name] = replayed{items: h.items[id], requests: srv.requests[name]}
	}
	return out
}

const (
	day  = 24 * time.Hour
	week = 7 * day
)

// publishing lists the moments from from to to, step apart, that fall in
// the UTC hours [first, last).
func publishing(from, to time.Time, step time.Duration, first, last int) []time.Time {
	var out []time.Time
	for t := from; t.Before(to); t = t.Add(step) {
		if h := t.UTC().Hour(); h >= first && h < last {
			out = append(out, t)
		}
	}
	return out
}

// memReplayStore is a memStore that adds feeds as SQLite does.
type memReplayStore struct{ memStore }

func (s *memReplayStore) AddFeed(_ context.Context, f news.Feed) (news.Feed, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f.ID = int64(len(s.feeds) + 1)
	s.feeds = append(s.feeds, f)
	return f, nil
}
