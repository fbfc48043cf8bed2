package feed

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/ajel-news/ajel/news"
)

// Store is where the poller reads the feeds and saves their state.
type Store interface {
	// Feeds lists every feed to poll.
	Feeds(ctx context.Context) ([]news.Feed, error)
	// UpdateFeed saves ETag, LastModified, Title, Primed, Failures,
	// LastError, LastErrorAt, LastSuccessAt, Held and NextPollAt.
	UpdateFeed(ctx context.Context, f news.Feed) error
}

// Handler receives the items of each successful poll. push is false on a
// feed's first successful poll (priming): the items are recorded, nothing is
// pushed. It must ignore items it already has: after a crash between
// HandleItems and UpdateFeed the same items come again. It returns how many
// items were new, and how many of those it stored without pushing them, and
// why (kept in Feed.Held).
type Handler interface {
	HandleItems(ctx context.Context, f news.Feed, items []news.Article, push bool) (news.PollOutcome, error)
}

// HubWatcher hears, after each poll that fetched a feed, which WebSub hub
// the feed names ("" for none), so it can subscribe, renew, or drop a
// subscription to a hub the feed no longer names.
type HubWatcher interface {
	Discovered(ctx context.Context, f news.Feed, hub, self string)
}

// Observer hears about every poll, for metrics. err is nil on success.
type Observer interface {
	FeedFetched(feedID int64, items int, err error)
}

// PollerOption configures a Poller.
type PollerOption func(*Poller)

// WithClock sets the poller's clock (default time.Now).
func WithClock(now func() time.Time) PollerOption { return func(p *Poller) { p.now = now } }

// WithJitter sets the jitter function passed to NextPoll (default uniform
// random; nil turns jitter off); see RandJitter.
func WithJitter(j func(time.Duration) time.Duration) PollerOption {
	return func(p *Poller) { p.jitter = j }
}

// WithWorkers sets how many feeds are fetched at once (default 4).
func WithWorkers(n int) PollerOption {
	return func(p *Poller) {
		if n > 0 {
			p.workers = n
		}
	}
}

// WithTick sets how often Run looks for due feeds (default the smaller of
// the interval and one second).
func WithTick(d time.Duration) PollerOption {
	return func(p *Poller) {
		if d > 0 {
			p.tick = d
		}
	}
}

// WithMaxInterval sets the longest time between two polls of a quiet feed
// (default DefaultMaxInterval, never below the shortest); see NextInterval.
func WithMaxInterval(d time.Duration) PollerOption {
	return func(p *Poller) { p.maxInterval = d }
}

// WithHubs sets who hears of the WebSub hubs feeds name.
func WithHubs(h HubWatcher) PollerOption { return func(p *Poller) { p.hubs = h } }

// WatchHubs is WithHubs for a watcher that needs the poller to exist
// first (websub.Subscriber delivers to it); call it before Run.
func (p *Poller) WatchHubs(h HubWatcher) { p.hubs = h }

// WithObserver sets a metrics hook.
func WithObserver(o Observer) PollerOption { return func(p *Poller) { p.obs = o } }

// Poller polls every feed on its own schedule: after a success, the
// interval its rhythm calls for (NextInterval: exactly the shortest, or a
// longer wait up to a tenth earlier by jitter), after failures an
// exponential backoff (NextPoll).
type Poller struct {
	store       Store
	fetcher     *Fetcher
	h           Handler
	interval    time.Duration // the shortest
	maxInterval time.Duration // the longest
	hubs        HubWatcher
	log         *slog.Logger
	now         func() time.Time
	jitter      func(time.Duration) time.Duration
	workers     int
	tick        time.Duration
	obs         Observer

	mu    sync.Mutex
	locks map[int64]*sync.Mutex // one per feed: a feed is never polled twice at once
	gen   uint64                // counts completed polls
	done  map[int64]uint64      // feed → gen of its last completed poll
}

// NewPoller returns a poller; interval is the shortest time between two
// polls of a feed (at least one second).
func NewPoller(store Store, fetcher *Fetcher, h Handler, interval time.Duration, logger *slog.Logger, opts ...PollerOption) *Poller {
	interval = max(interval, time.Second)
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	p := &Poller{
		store: store, fetcher: fetcher, h: h, interval: interval, log: logger,
		now: time.Now, jitter: defaultJitter, workers: 4, tick: min(interval, time.Second),
		locks: map[int64]*sync.Mutex{}, done: map[int64]uint64{},
	}
	for _, o := range opts {
		o(p)
	}
	if p.maxInterval <= 0 {
		p.maxInterval = DefaultMaxInterval
	}
	p.maxInterval = max(p.maxInterval, p.interval)
	return p
}

// Run polls due feeds until ctx is done, then waits for polls in flight
// and returns nil. It wakes when the next feed is due (so a feed is
// polled exactly on time), when a poll ends, and at least every tick, to
// reload the feeds: a feed added with /addfeed is picked up within a
// tick. At most the worker count of feeds are fetched at once; a due feed
// that finds no free worker waits for one to end its poll, so a slow feed
// holds one worker, never the loop.
func (p *Poller) Run(ctx context.Context) error {
	sem := make(chan struct{}, p.workers)
	ended := make(chan struct{}, 1)
	var wg sync.WaitGroup
	defer wg.Wait()
	t := time.NewTimer(p.tick)
	defer t.Stop()
	for {
		t.Reset(p.dispatch(ctx, sem, ended, &wg))
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-ended:
		}
	}
}

// dispatch starts a poll for every due feed that has a free worker, and
// says how long to wait before looking again: until the next feed is
// due, at most a tick. Each poll it starts signals ended when it ends.
func (p *Poller) dispatch(ctx context.Context, sem chan struct{}, ended chan<- struct{}, wg *sync.WaitGroup) time.Duration {
	p.mu.Lock()
	gen := p.gen
	p.mu.Unlock()
	feeds, err := p.store.Feeds(ctx)
	if err != nil {
		if ctx.Err() == nil {
			p.log.Error("feed: listing feeds", "err", err)
		}
		return p.tick
	}
	now := p.now()
	wait := p.tick
	for _, fd := range feeds {
		if due := p.due(fd, now); due.After(now) {
			wait = min(wait, due.Sub(now))
			continue
		}
		select {
		case sem <- struct{}{}:
		default:
			return p.tick // all workers busy: the rest wait for one to end
		}
		lock := p.feedLock(fd.ID)
		if !lock.TryLock() {
			<-sem
			continue
		}
		p.mu.Lock()
		stale := p.done[fd.ID] > gen // polled since this list was read
		p.mu.Unlock()
		if stale {
			lock.Unlock()
			<-sem
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				select {
				case ended <- struct{}{}:
				default: // the loop will look anyway
				}
			}()
			defer func() { <-sem }()
			defer lock.Unlock()
			// The poll's own failure is recorded in the feed and logged by poll.
			if _, serr := p.poll(ctx, fd); serr != nil && ctx.Err() == nil {
				p.log.Error("feed: saving feed state", "feed", fd.ID, "err", serr)
			}
		}()
	}
	return wait
}

func (p *Poller) feedLock(id int64) *sync.Mutex {
	p.mu.Lock()
	defer p.mu.Unlock()
	l, ok := p.locks[id]
	if !ok {
		l = &sync.Mutex{}
		p.locks[id] = l
	}
	return l
}

// PollNow polls one feed immediately and waits for it, also when it is
// not due (tests, the demo, /addfeed). It returns the fetch or handler
// error, so the caller can tell the admin what went wrong; the feed's
// state is saved either way. An unknown id gives news.ErrNotFound.
func (p *Poller) PollNow(ctx context.Context, feedID int64) error {
	lock := p.feedLock(feedID)
	lock.Lock()
	defer lock.Unlock()
	feeds, err := p.store.Feeds(ctx)
	if err != nil {
		return fmt.Errorf("feed: listing feeds: %w", err)
	}
	for _, fd := range feeds {
		if fd.ID == feedID {
			return errors.Join(p.poll(ctx, fd))
		}
	}
	return fmt.Errorf("feed: feed %d: %w", feedID, news.ErrNotFound)
}

// poll fetches one feed, hands its items over, then saves its state: in
// that order, so a crash in between only means fetching the items again.
// The caller holds the feed's lock. It returns the poll's failure (also
// recorded in the feed) and the failure to save the state, if any.
func (p *Poller) poll(ctx context.Context, fd news.Feed) (pollErr, saveErr error) {
	start := p.now()
	res, err := p.fetcher.Fetch(ctx, fd)
	items := 0
	if err == nil && fd.Title == "" {
		fd.Title = res.Title
	}
	var outcome news.PollOutcome
	if err == nil && !res.NotModified && len(res.Items) > 0 {
		items = len(res.Items)
		out, herr := p.h.HandleItems(ctx, fd, res.Items, fd.Primed)
		if herr != nil {
			err = fmt.Errorf("feed: handling items: %w", herr)
		} else {
			outcome, fd.Held = out, out.Held
		}
	}
	if ctx.Err() != nil {
		// Shutting down: this is no failure of the feed's.
		return ctx.Err(), nil
	}
	now := p.now()
	if err != nil {
		fd.Failures++
		fd.LastError = oneLine(err)
		fd.LastErrorAt = now
		retryAfter := RetryAfter(err)
		fd.NextPollAt = p.nextPoll(now, NextPoll(start, p.current(fd), fd.Failures, retryAfter, p.jitter))
		fd.PollReason = news.PollFailing
		var fe *FetchError
		if retryAfter > 0 || errors.As(err, &fe) && fe.StatusCode == http.StatusTooManyRequests {
			fd.PollReason = news.PollRetryAfter
		}
		p.log.Warn("feed: poll failed", "feed", fd.ID, "url", fd.URL, "failures", fd.Failures,
			"next", fd.NextPollAt, "err", fd.LastError)
	} else {
		if !res.NotModified {
			// Validators are saved only after the handler took the items:
			// a 304 must never hide items that were not recorded.
			fd.ETag, fd.LastModified = res.ETag, res.LastModified
		} else {
			fd.ETag, fd.LastModified = or(res.ETag, fd.ETag), or(res.LastModified, fd.LastModified)
		}
		Learn(&fd.Rhythm, res.Items, fd.LastSuccessAt, now, outcome.New)
		fd.Primed = true
		fd.Failures = 0
		fd.LastSuccessAt = now
		pushed := fd.WebSub.State == news.WebSubActive && fd.WebSub.LeaseUntil.After(now)
		plan := NextInterval(Cadence{
			Now: now, Rhythm: fd.Rhythm, QuietPolls: fd.QuietPolls, Breaking: fd.Breaking, Pushed: pushed,
			Floor: res.MaxAge, Min: p.interval, Max: p.maxInterval,
		})
		fd.Interval, fd.QuietPolls, fd.PollReason = plan.Interval, plan.QuietPolls, plan.Reason
		jitter := p.jitter
		if plan.Interval <= p.interval {
			jitter = nil // the shortest is exact; longer waits are spread
		}
		next := NextPoll(start, plan.Interval, 0, 0, jitter)
		if !plan.Until.IsZero() && plan.Until.Before(next) {
			next = plan.Until
		}
		fd.NextPollAt = p.nextPoll(now, next)
		p.log.Debug("feed: polled", "feed", fd.ID, "items", items, "new", outcome.New, "not_modified", res.NotModified,
			"interval", fd.Interval, "reason", fd.PollReason)
	}
	if p.obs != nil {
		p.obs.FeedFetched(fd.ID, items, err)
	}
	serr := p.store.UpdateFeed(ctx, fd)
	p.mu.Lock()
	p.gen++
	p.done[fd.ID] = p.gen
	p.mu.Unlock()
	if serr != nil {
		serr = fmt.Errorf("feed: saving feed %d: %w", fd.ID, serr)
	}
	if err == nil && !res.NotModified && p.hubs != nil {
		p.hubs.Discovered(ctx, fd, res.Hub, or(res.Self, fd.URL))
	}
	return err, serr
}

// nextPoll keeps a poll's next one, due counting from the poll's start
// (so polls start exactly an interval apart), from coming right after a
// poll that took longer than its interval: at least a tenth of the
// shortest interval after it ended.
func (p *Poller) nextPoll(end, next time.Time) time.Time {
	if soonest := end.Add(p.interval / 10); next.Before(soonest) {
		return soonest
	}
	return next
}

// due is when a feed is next polled: its NextPollAt, unless that is further
// ahead than the feed could have been told to wait (a server's Retry-After,
// the backoff of a failing feed, else POLL_INTERVAL_MAX): then the clock
// was set back since it was planned, and the feed is due now rather than
// hours late.
func (p *Poller) due(fd news.Feed, now time.Time) time.Time {
	longest := p.maxInterval
	switch fd.PollReason {
	case news.PollRetryAfter:
		longest = MaxRetryAfter
	case news.PollFailing:
		longest = max(MaxBackoff, longest)
	}
	if fd.NextPollAt.Sub(now) > longest+time.Minute {
		return now
	}
	return fd.NextPollAt
}

// current is the feed's interval between polls now: its adapted one, or
// the shortest for a feed never polled.
func (p *Poller) current(fd news.Feed) time.Duration {
	if fd.Interval <= 0 {
		return p.interval
	}
	return min(max(fd.Interval, p.interval), p.maxInterval)
}

// Deliver hands the items a WebSub hub pushed for a feed to the handler,
// as a poll would (under the feed's lock, pushed only once the feed is
// primed), and saves what was held. An unknown feed gives
// news.ErrNotFound.
func (p *Poller) Deliver(ctx context.Context, feedID int64, items []news.Article) (news.PollOutcome, error) {
	lock := p.feedLock(feedID)
	lock.Lock()
	defer lock.Unlock()
	feeds, err := p.store.Feeds(ctx)
	if err != nil {
		return news.PollOutcome{}, fmt.Errorf("feed: listing feeds: %w", err)
	}
	for _, fd := range feeds {
		if fd.ID != feedID {
			continue
		}
		for i := range items {
			a := &items[i]
			a.FeedID = fd.ID
			a.Breaking = a.Breaking || fd.Breaking
			a.ImageURL, _ = PictureURL(a.ImageURL, p.fetcher.opt.AllowPrivate)
		}
		out, err := p.h.HandleItems(ctx, fd, items, fd.Primed)
		if err != nil {
			return out, fmt.Errorf("feed: handling pushed items: %w", err)
		}
		if out.New > 0 {
			Learn(&fd.Rhythm, items, fd.LastSuccessAt, p.now(), out.New)
			fd.Held, fd.QuietPolls = out.Held, 0
			if err := p.store.UpdateFeed(ctx, fd); err != nil {
				return out, fmt.Errorf("feed: saving feed %d: %w", fd.ID, err)
			}
		}
		return out, nil
	}
	return news.PollOutcome{}, fmt.Errorf("feed: feed %d: %w", feedID, news.ErrNotFound)
}
