// Package delivery drains the outbox. A Worker sends each pending delivery
// through a Sender within Telegram's limits — one rate Budget for
// everything the bot sends (replies first), about one message a second into
// one chat, 20 a minute into one group or channel — keeping several
// messages in flight, since a round trip to Telegram, not its limit, would
// otherwise set the pace. A row is marked sent only after Telegram accepted
// it and a flight ends only once its outcome is recorded, so a crash
// repeats at most the messages in flight (Options.Concurrency) and never
// loses one.
package delivery

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ajel-news/ajel/news"
)

// Store is the part of the database the worker uses; *storage.DB implements
// it. Every method must be safe to call again after an error, and from
// several goroutines at once.
type Store interface {
	Outbox
	DigestStore
	EditStore
}

// Outbox is what sending pushes needs.
type Outbox interface {
	// PendingDeliveries returns up to limit pending rows due at now:
	// channel posts first, then breaking stories, then the rest, each
	// oldest first.
	PendingDeliveries(ctx context.Context, now time.Time, limit int) ([]news.Delivery, error)
	// MarkSent records that Telegram accepted the message (paid: with
	// allow_paid_broadcast), written from the row as of its EditPending seq.
	MarkSent(ctx context.Context, id int64, messageID int, at time.Time, paid bool, seq int) error
	// MarkRetry counts an attempt and keeps the row pending until next.
	MarkRetry(ctx context.Context, id int64, next time.Time, reason string) error
	// Postpone keeps the row pending until next without counting an attempt.
	Postpone(ctx context.Context, id int64, next time.Time, reason string) error
	// MarkFailed gives up on the row, keeping the reason.
	MarkFailed(ctx context.Context, id int64, reason string) error
	// DeactivateChat marks a chat inactive and drops its pending rows.
	DeactivateChat(ctx context.Context, chatID int64, reason string) (int, error)
	// MigrateChat moves a chat, its subscriptions and its rows to a new id.
	MigrateChat(ctx context.Context, fromID, toID int64) error
	// MoveThread moves what a deleted forum topic thread followed, and its
	// pending rows, to the chat's main thread (dropping what the main
	// thread already has) and says how many rows it moved.
	MoveThread(ctx context.Context, chatID int64, threadID int) (int, error)
	// RescheduleFuture makes due now the pending rows (pushes and follow
	// updates) queued after now by more than slack — written by a clock
	// ahead of this one — and says how many and how far ahead the
	// furthest was.
	RescheduleFuture(ctx context.Context, now time.Time, slack time.Duration) (int, time.Duration, error)
}

// DigestStore is what a chat's hourly cap and its digests need.
type DigestStore interface {
	// RecentPushes says how many pushes (not digests) went into the chat
	// after since and when the oldest of them went, and since when rows
	// have been held for its digest (zero times when none).
	RecentPushes(ctx context.Context, chatID int64, since time.Time) (sent int, oldest, heldSince time.Time, err error)
	// Hold marks a pending row held for its chat's digest (at, unless it
	// already was) and keeps it until next.
	Hold(ctx context.Context, id int64, at, next time.Time) error
	// HeldDeliveries returns every pending held row of the chat or thread.
	HeldDeliveries(ctx context.Context, to news.Target) ([]news.Delivery, error)
	// MarkDigestSent records in one transaction that the rows went out in
	// one digest message.
	MarkDigestSent(ctx context.Context, ids []int64, messageID int, at time.Time) error
}

// EditStore is what bringing sent pushes, and open comparisons of a
// story's tellings, up to date needs.
type EditStore interface {
	// PendingEdits returns up to limit sent pushes whose story changed.
	PendingEdits(ctx context.Context, limit int) ([]news.Delivery, error)
	// MarkEdited clears a push's pending edit, as of its EditPending seq.
	MarkEdited(ctx context.Context, id int64, seq int) error
	// PendingComparisonEdits returns up to limit open comparisons whose
	// story another outlet joined, not edited within news.EditGap.
	PendingComparisonEdits(ctx context.Context, limit int) ([]news.Comparison, error)
	// MarkComparisonEdited clears a comparison's pending edit, as of its
	// EditPending seq.
	MarkComparisonEdited(ctx context.Context, id int64, seq int) error
}

// Sender sends one push to one chat (or forum thread) and returns
// Telegram's message id; p.Paid asks for allow_paid_broadcast. When
// Telegram refuses the message the error is (or wraps) a *news.SendError;
// any other error counts as news.SendFailed. Several Sends run at once.
type Sender interface {
	Send(ctx context.Context, to news.Target, p news.Push) (messageID int, err error)
}

// Editor brings a push already sent up to date (more outlets carried its
// story). Errors are classified as for Sender; an edit that changes nothing
// is not an error.
type Editor interface {
	EditPush(ctx context.Context, chatID int64, messageID int, p news.Push) error
}

// ComparisonEditor brings an open comparison of a story's tellings up to
// date (another outlet joined the story). Errors are classified as for
// Sender; an edit that changes nothing is not an error.
type ComparisonEditor interface {
	EditComparison(ctx context.Context, c news.Comparison) error
}

// Digester sends several stories to a chat in one digest message and
// returns its message id; errors are classified as for Sender.
type Digester interface {
	SendDigest(ctx context.Context, to news.Target, ps []news.Push) (messageID int, err error)
}

// Noticer tells people what the worker changed on its own. Each call runs
// in a goroutine of its own that Run waits for; a Noticer sends through
// the bot's reply path and must give up when ctx ends.
type Noticer interface {
	// ChannelLost says a channel refused a post (the bot was removed or
	// may no longer post): its topic mappings are off.
	ChannelLost(ctx context.Context, chatID int64, reason string)
	// ThreadMoved says a forum topic thread was deleted: what it followed
	// now goes to the group's main thread.
	ThreadMoved(ctx context.Context, chatID int64, threadID int)
}

// Observer hears what the worker does, for metrics. Its methods are called
// from the goroutines of messages in flight, several at once, and must be
// safe for that and return quickly. Embed NopObserver to implement only
// some of them.
type Observer interface {
	// Sent is called once Telegram accepted a message and the row is marked
	// sent; latency runs from when the row was queued to now.
	Sent(d news.Delivery, latency time.Duration)
	// Retried is called when a send failed and the row will be tried again.
	Retried(d news.Delivery, reason string)
	// Failed is called when a row is given up on; it stays visible as failed.
	Failed(d news.Delivery, reason string)
	// RateLimited is called on a 429; all sending pauses for retryAfter.
	RateLimited(retryAfter time.Duration)
	// ChatDeactivated is called on a 403, with how many pending rows were dropped.
	ChatDeactivated(chatID int64, dropped int)
	// ChatMigrated is called when a group moved to a supergroup id.
	ChatMigrated(fromID, toID int64)
	// StoreError is called each time the database refused a read or write;
	// the worker pauses and tries again.
	StoreError(err error)
	// Edited is called after a sent push was brought up to date (err nil)
	// or Telegram refused the edit (err says why; it is not retried).
	Edited(d news.Delivery, err error)
	// DigestSent is called when stories held for a chat went out in one
	// digest message (each story is also reported to Sent).
	DigestSent(chatID int64, stories int)
	// Rescheduled is called when pending rows were found queued in the
	// future (the clock was set back) and made due now: how many, and how
	// far ahead the furthest was.
	Rescheduled(rows int, ahead time.Duration)
}

// NopObserver ignores everything; embed it in an Observer that cares about
// only some events.
type NopObserver struct{}

// Sent does nothing.
func (NopObserver) Sent(news.Delivery, time.Duration) {}

// Edited does nothing.
func (NopObserver) Edited(news.Delivery, error) {}

// DigestSent does nothing.
func (NopObserver) DigestSent(int64, int) {}

// Retried does nothing.
func (NopObserver) Retried(news.Delivery, string) {}

// Failed does nothing.
func (NopObserver) Failed(news.Delivery, string) {}

// RateLimited does nothing.
func (NopObserver) RateLimited(time.Duration) {}

// ChatDeactivated does nothing.
func (NopObserver) ChatDeactivated(int64, int) {}

// ChatMigrated does nothing.
func (NopObserver) ChatMigrated(int64, int64) {}

// StoreError does nothing.
func (NopObserver) StoreError(error) {}

// Rescheduled does nothing.
func (NopObserver) Rescheduled(int, time.Duration) {}

// Options tune a Worker. Zero fields take the defaults noted on each.
type Options struct {
	// Budget is the rate budget shared with everything else the bot
	// sends (default: one of its own from Rate and PaidRate).
	Budget *Budget
	// Rate is SEND_RATE, used when Budget is nil: messages a second into
	// all chats together (default 25), never more in any one second.
	Rate float64
	// PaidRate is PAID_BROADCAST_RATE, used when Budget is nil (default:
	// off).
	PaidRate float64
	// Concurrency is SEND_CONCURRENCY: the most messages in flight at
	// once (default 16). A crash repeats at most this many.
	Concurrency int
	// PerChatInterval is the least time between two messages into one chat
	// (default 1s).
	PerChatInterval time.Duration
	// GroupPerMinute caps messages into one group, supergroup or channel in
	// any rolling minute (default 20).
	GroupPerMinute int
	// MaxAttempts is how many times a message is tried after network errors
	// and unexplained refusals before it is marked failed (default 8).
	MaxAttempts int
	// Backoff is how long to wait after the attempt-th failed try
	// (default DefaultBackoff).
	Backoff func(attempt int) time.Duration
	// Location is TIMEZONE, in which quiet hours are read (default UTC).
	Location *time.Location
	// FollowButtons puts a "follow" button under pushes to readers (not
	// channels), whose follow updates an Updater sends.
	FollowButtons bool
	// Now is the clock (default time.Now).
	Now func() time.Time
	// After waits on the clock (default time.After); a test pairs it with
	// Now to make a fake clock.
	After func(d time.Duration) <-chan time.Time
	// Logger receives the worker's log (default: discarded).
	Logger *slog.Logger
	// Observer is told about sends, failures and limits (optional).
	Observer Observer
	// PollInterval is how often an idle worker looks at the outbox for rows
	// that became due (default 200ms). Notify wakes it sooner.
	PollInterval time.Duration
	// BatchSize is how many pending rows one look at the outbox reads
	// (default 200).
	BatchSize int
	// ErrorPause is how long to wait before trying the database again after
	// it failed (default 1s).
	ErrorPause time.Duration
	// SendTimeout bounds one Send (default 30s). A Send in flight when Run's
	// context ends still gets this long to finish.
	SendTimeout time.Duration
	// Editor edits pushes already sent when more outlets join their story
	// (optional: without it nothing is edited). Edits go through the same
	// pacing as sends, after the pending sends.
	Editor Editor
	// Comparisons edits open comparisons of a story's tellings when
	// another outlet joins the story (optional: without it none is
	// edited), paced as push edits are, after them.
	Comparisons ComparisonEditor
	// Digester sends digests (optional: without it a chat's MaxPerHour is
	// not enforced). Past its cap, a chat's stories that are not breaking
	// are held and go out together in one digest message.
	Digester Digester
	// DigestInterval is the longest a story is held for a digest (default
	// 15m); a digest also goes as soon as the rolling hour frees a slot.
	// Digests do not count against the cap.
	DigestInterval time.Duration
	// BurstPerHour is the hourly cap of a chat that set none with /limit
	// (default DefaultBurstPerHour; negative: none), so a burst of stories
	// becomes a digest rather than an hour of alerts. Channels have no
	// automatic cap: they are read, not rung.
	BurstPerHour int
	// Noticer tells admins and groups what the worker changed on its own
	// (optional).
	Noticer Noticer
}

// DefaultBackoff waits 5s after the first failure and doubles each time,
// up to 30 minutes: 5s, 10s, 20s … so 8 attempts span about 10 minutes.
func DefaultBackoff(attempt int) time.Duration {
	const first, most = 5 * time.Second, 30 * time.Minute
	if attempt < 1 {
		attempt = 1
	}
	if attempt > 20 { // 5s<<19 is already far past the cap
		return most
	}
	return min(first<<(attempt-1), most)
}

const (
	// storeTimeout bounds one database call, so a stuck disk shows up as
	// an error to retry rather than a silent hang.
	storeTimeout = 30 * time.Second
	// shutdownRecordTries is how often the worker still tries to record an
	// outcome after its context ended before it gives up (the row then
	// stays pending and goes out again after a restart).
	shutdownRecordTries = 3
	// passWindow bounds how long one walk through a batch goes on before
	// the outbox is read again, so a row queued meanwhile with a higher
	// priority (a channel post, a breaking story) waits at most this long.
	passWindow = time.Second
	// noticeTimeout bounds a notice to admins or a group.
	noticeTimeout = 3 * time.Minute
	// clockCheck is how often the outbox is looked at for rows queued in
	// the future (see Outbox.RescheduleFuture); also at start and as soon
	// as the clock is seen going back.
	clockCheck = 30 * time.Second
	// clockSlack is how far in the future a row may be dated before it
	// counts as written by a clock that was ahead.
	clockSlack = 2 * time.Second
)

// Worker drains the outbox. Create it with New and start it with Run.
type Worker struct {
	store   Store
	sender  Sender
	opt     Options
	log     *slog.Logger
	obs     Observer
	budget  *Budget
	wake    chan struct{} // Notify: new rows were queued
	freed   chan struct{} // a flight ended: its chat may take the next row
	slots   chan struct{} // one token per message in flight
	running atomic.Bool
	flights sync.WaitGroup // messages in flight
	notices sync.WaitGroup // Noticer calls

	mu   sync.Mutex // guards the fields below
	pace *pacer
	busy map[int64]bool // chats with a message in flight: one at a time, in order
	// channelPosts counts channel posts in flight: a direct message waits
	// for them to land, so a channel gets a story before any reader.
	channelPosts int
	postLanded   chan struct{}
	// gone marks chats blocked or moved since the batch being walked was
	// read: its rows of them are stale.
	gone map[int64]bool
	// recorded marks chats whose message landed and was recorded since the
	// rows being walked were read: those rows may be stale (one recorded
	// as sent or edited would go again), so the chat waits for a new read.
	recorded map[int64]bool

	lastPrune time.Time // Run's goroutine only
	// lastClock is when the outbox was last looked at for rows dated in
	// the future, and lastNow the clock at the last turn of Run's loop
	// (Run's goroutine only).
	lastClock, lastNow time.Time
}

// New returns a worker that sends store's pending deliveries through sender.
func New(store Store, sender Sender, opt Options) *Worker {
	if opt.Rate <= 0 {
		opt.Rate = 25
	}
	if opt.Concurrency <= 0 {
		opt.Concurrency = 16
	}
	if opt.PerChatInterval <= 0 {
		opt.PerChatInterval = time.Second
	}
	if opt.GroupPerMinute <= 0 {
		opt.GroupPerMinute = 20
	}
	if opt.MaxAttempts <= 0 {
		opt.MaxAttempts = 8
	}
	if opt.Backoff == nil {
		opt.Backoff = DefaultBackoff
	}
	if opt.Location == nil {
		opt.Location = time.UTC
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.After == nil {
		opt.After = time.After
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.Observer == nil {
		opt.Observer = NopObserver{}
	}
	if opt.PollInterval <= 0 {
		opt.PollInterval = 200 * time.Millisecond
	}
	if opt.BatchSize <= 0 {
		opt.BatchSize = 200
	}
	if opt.ErrorPause <= 0 {
		opt.ErrorPause = time.Second
	}
	if opt.SendTimeout <= 0 {
		opt.SendTimeout = 30 * time.Second
	}
	if opt.DigestInterval <= 0 {
		opt.DigestInterval = DefaultDigestInterval
	}
	if opt.BurstPerHour == 0 {
		opt.BurstPerHour = DefaultBurstPerHour
	}
	budget := opt.Budget
	if budget == nil {
		budget = NewBudget(BudgetOptions{Rate: opt.Rate, PaidRate: opt.PaidRate, Now: opt.Now, After: opt.After})
	}
	return &Worker{
		store:    store,
		sender:   sender,
		opt:      opt,
		log:      opt.Logger,
		obs:      opt.Observer,
		budget:   budget,
		wake:     make(chan struct{}, 1),
		freed:    make(chan struct{}, 1),
		slots:    make(chan struct{}, opt.Concurrency),
		pace:     newPacer(opt.PerChatInterval, opt.GroupPerMinute),
		busy:     map[int64]bool{},
		gone:     map[int64]bool{},
		recorded: map[int64]bool{},

		postLanded: make(chan struct{}, 1),
	}
}

// Notify tells the worker new rows were queued, so an idle worker looks at
// the outbox now rather than at its next poll, and a busy one reads it
// again at once (the new rows may come first: a channel post, a breaking
// story). It never blocks.
func (w *Worker) Notify() { signal(w.wake) }

func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default: // a signal is already waiting
	}
}

// Run sends pending deliveries until ctx ends. It resumes whatever was
// pending when a previous run stopped, however it stopped. When ctx ends it
// starts no other message, lets those in flight finish and be recorded,
// and returns nil. Database errors are logged and retried; Run does not
// give up on them. Only one Run may be active per Worker (and there should
// be one Worker per database): the bound on repeats after a crash relies
// on it.
func (w *Worker) Run(ctx context.Context) error {
	if !w.running.CompareAndSwap(false, true) {
		return errors.New("delivery: worker is already running")
	}
	defer w.running.Store(false)
	w.log.Info("delivery: worker started", "rate", w.budget.Rate(), "concurrency", w.opt.Concurrency,
		"paid_broadcast", w.budget.PaidEnabled())
	for ctx.Err() == nil {
		now := w.now()
		if d := w.budget.PausedUntil().Sub(now); d > 0 {
			w.sleep(ctx, d, nil) // Telegram's flood control is bot-wide: no Notify shortcut
			continue
		}
		w.prune(now)
		w.checkClock(ctx, now)
		w.mu.Lock()
		clear(w.gone) // a new read shows blocked and moved chats as they are
		w.mu.Unlock()
		w.freshRead()
		rows, err := w.store.PendingDeliveries(ctx, now, w.opt.BatchSize)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			w.storeFailed("read the outbox", err)
			w.sleep(ctx, w.opt.ErrorPause, nil)
			continue
		}
		p := w.pass(ctx, rows)
		if p.handled > 0 || p.interrupted {
			continue // rows changed state, or new ones came: look again at once
		}
		if len(rows) == w.opt.BatchSize && len(p.skipped) > 0 && !p.waitingOnFlights {
			// A whole batch waits on per-chat limits, and rows of other
			// chats may wait behind it: move the batch out of the way.
			w.spread(ctx, p.skipped)
			continue
		}
		// Nothing left to send now: new stories come first, then edits.
		e := w.editPass(ctx)
		if e.handled > 0 || e.interrupted {
			continue
		}
		c := w.comparisonPass(ctx)
		if c.handled > 0 || c.interrupted {
			continue
		}
		if p.waitingOnFlights && len(w.slots) > 0 {
			// Rows wait for messages in flight: their landing, a round
			// trip away, is the next thing worth looking at.
			w.idle(ctx, 0)
			continue
		}
		wait := w.opt.PollInterval
		for _, t := range []time.Time{p.nextReady, e.nextReady, c.nextReady} {
			if !t.IsZero() {
				wait = min(wait, t.Sub(w.now()))
			}
		}
		w.idle(ctx, max(wait, time.Millisecond))
	}
	w.flights.Wait()
	w.notices.Wait()
	w.log.Info("delivery: worker stopped")
	return nil
}

// idle waits d (0: no limit), or until new rows are queued or a flight
// ends.
func (w *Worker) idle(ctx context.Context, d time.Duration) {
	var timeout <-chan time.Time
	if d > 0 {
		timeout = w.opt.After(d)
	}
	select {
	case <-ctx.Done():
	case <-w.wake:
	case <-w.freed:
	case <-timeout:
	}
}

// passResult is what one walk through a batch of rows did.
type passResult struct {
	handled   int             // rows sent or otherwise moved on
	skipped   []news.Delivery // rows whose chat was not ready yet
	nextReady time.Time       // when the first skipped chat is ready
	// interrupted: new rows were queued during the walk, or it ran for
	// passWindow; the outbox should be read again at once.
	interrupted bool
	// waitingOnFlights: some rows wait only for their chat's message in
	// flight, which wakes the worker when it lands.
	waitingOnFlights bool
}

// pass starts, in order, the rows whose chats are ready, each in a flight
// of its own as soon as the budget and a free flight allow. It stops early
// when ctx ends, when Telegram asks the bot to slow down, when new rows
// are queued, or after passWindow.
func (w *Worker) pass(ctx context.Context, rows []news.Delivery) passResult {
	var res passResult
	digested := map[int64]bool{} // chats whose held rows went in a digest
	started := w.now()
	for _, d := range rows {
		if ctx.Err() != nil {
			return res
		}
		if w.interrupted(started) {
			res.interrupted = true
			return res
		}
		if digested[d.ChatID] && !d.HeldAt.IsZero() {
			continue // sent in the digest
		}
		switch w.chatState(d.ChatID) {
		case chatGone:
			continue // its rows were dropped or moved
		case chatBusy:
			res.waitingOnFlights = true
			res.skipped = append(res.skipped, d)
			continue
		}
		now := w.now()
		if now.Before(w.budget.PausedUntil()) {
			return res
		}
		if d.HeldAt.IsZero() && w.quietHold(d, now) {
			// The chat's quiet hours: the story waits for the digest at
			// their end.
			due := QuietEnd(d.Quiet, now, w.opt.Location)
			w.record(ctx, "hold", d, func(c context.Context) error { return w.store.Hold(c, d.ID, now, due) })
			w.log.Debug("delivery: held for the end of quiet hours", "delivery", d.ID, "chat", d.ChatID, "digest_at", due)
			res.handled++
			continue
		}
		if d.HeldAt.IsZero() && w.capped(d) {
			held, ok := w.holdIfCapped(ctx, d, now)
			if !ok {
				return res
			}
			if held {
				res.handled++
				continue
			}
		}
		if !w.chatReady(d, now, &res) {
			res.skipped = append(res.skipped, d)
			continue
		}
		digest := !d.HeldAt.IsZero() && w.opt.Digester != nil
		if !w.launch(ctx, d, func(paid bool) {
			if digest {
				w.sendDigest(ctx, d)
				return
			}
			w.deliver(ctx, d, paid)
		}) {
			continue
		}
		if digest {
			digested[d.ChatID] = true
		}
		res.handled++
	}
	return res
}

// interrupted reports whether a walk that began at started should make way
// for a fresh read of the outbox.
func (w *Worker) interrupted(started time.Time) bool {
	select {
	case <-w.wake:
		return true
	default:
	}
	return w.now().Sub(started) >= passWindow
}

type chatStatus int

const (
	chatFree chatStatus = iota
	chatBusy            // a message into it is in flight, or landed since the batch was read
	chatGone            // blocked or moved since the batch was read
)

func (w *Worker) chatState(chatID int64) chatStatus {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case w.gone[chatID]:
		return chatGone
	case w.busy[chatID] || w.recorded[chatID]:
		return chatBusy
	}
	return chatFree
}

// freshRead forgets which chats' messages landed: call it right before
// reading rows, which then show what those messages recorded.
func (w *Worker) freshRead() {
	w.mu.Lock()
	clear(w.recorded)
	w.mu.Unlock()
}

// launch waits for a free flight and the budget's turn, then runs send in
// a flight of its own, with d's chat marked busy until it has landed and
// been recorded. It reports false, having started nothing, when ctx ends
// first or d's chat went away meanwhile.
func (w *Worker) launch(ctx context.Context, d news.Delivery, send func(paid bool)) bool {
	channel := d.ChatType == news.ChatChannel
	if !channel && !w.channelPostsLanded(ctx) {
		return false
	}
	select {
	case w.slots <- struct{}{}:
	case <-ctx.Done():
		return false
	}
	paid, ok := w.budget.waitPush(ctx, d.Push.Breaking)
	if !ok {
		<-w.slots
		return false
	}
	w.mu.Lock()
	if w.gone[d.ChatID] || w.busy[d.ChatID] || w.recorded[d.ChatID] {
		// Blocked, moved, taken or sent to while this row waited for its
		// turn; the turn is lost, which costs one interval.
		w.mu.Unlock()
		<-w.slots
		return false
	}
	w.busy[d.ChatID] = true
	if channel {
		w.channelPosts++
	}
	w.mu.Unlock()
	w.flights.Add(1)
	go func() {
		defer func() {
			w.mu.Lock()
			delete(w.busy, d.ChatID)
			w.recorded[d.ChatID] = true
			if channel {
				w.channelPosts--
			}
			w.mu.Unlock()
			<-w.slots
			w.flights.Done()
			signal(w.freed)
			if channel {
				signal(w.postLanded)
			}
		}()
		send(paid)
	}()
	return true
}

// channelPostsLanded waits until no channel post is in flight; false when
// ctx ended first.
func (w *Worker) channelPostsLanded(ctx context.Context) bool {
	for {
		w.mu.Lock()
		n := w.channelPosts
		w.mu.Unlock()
		if n == 0 {
			return true
		}
		select {
		case <-w.postLanded:
		case <-ctx.Done():
			return false
		}
	}
}

// chatReady reports whether d's chat may get a message at now under the
// per-chat pacing; when it may not, res.nextReady notes when it may.
func (w *Worker) chatReady(d news.Delivery, now time.Time, res *passResult) bool {
	w.mu.Lock()
	at := w.pace.readyAt(d.ChatID, d.ChatType)
	w.mu.Unlock()
	if !at.After(now) {
		return true
	}
	if res.nextReady.IsZero() || at.Before(res.nextReady) {
		res.nextReady = at
	}
	return false
}

// landed notes that a message (or an attempt: Telegram counts those too)
// reached d's chat at at.
func (w *Worker) landed(d news.Delivery, at time.Time) {
	w.mu.Lock()
	w.pace.record(d.ChatID, d.ChatType, at)
	w.mu.Unlock()
}

// markGone notes that d's chat was blocked or moved: rows of it read
// before are stale.
func (w *Worker) markGone(chatID int64) {
	w.mu.Lock()
	w.gone[chatID] = true
	w.pace.forget(chatID)
	w.mu.Unlock()
}

// deliver sends one row and records the outcome.
func (w *Worker) deliver(ctx context.Context, d news.Delivery, paid bool) {
	d.Push.Silent = Silent(d.Push, d.Quiet, d.Rings, w.now(), w.opt.Location)
	d.Push.Paid = paid
	d.Push = w.withButtons(d)
	// The message in flight is finished even if ctx ends meanwhile:
	// cutting the request short would leave us not knowing whether
	// Telegram got it.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), w.opt.SendTimeout)
	msgID, err := w.sender.Send(sctx, d.Target(), d.Push)
	cancel()
	at := w.now()
	w.landed(d, at)
	log := w.log.With("delivery", d.ID, "chat", d.ChatID, "story", d.StoryID)
	if d.ThreadID != 0 {
		log = log.With("thread", d.ThreadID)
	}

	if err == nil {
		w.record(ctx, "mark sent", d, func(c context.Context) error {
			return w.store.MarkSent(c, d.ID, msgID, at, paid, d.EditPending)
		})
		d.Status, d.MessageID, d.SentAt, d.LastError = news.DeliverySent, msgID, at, ""
		d.Attempts++
		latency := at.Sub(d.CreatedAt)
		log.Debug("delivery: sent", "message", msgID, "latency", latency, "silent", d.Push.Silent, "paid", paid)
		w.obs.Sent(d, latency)
		return
	}
	w.refused(ctx, log, []news.Delivery{d}, err, at)
}

// refused records that Telegram (or the network) refused the message
// carrying rows, all of one chat, at at.
func (w *Worker) refused(ctx context.Context, log *slog.Logger, rows []news.Delivery, err error, at time.Time) {
	d := rows[0]
	reason := err.Error()
	kind := news.SendFailed
	var se *news.SendError
	if errors.As(err, &se) {
		kind = se.Kind
	}
	switch kind {
	case news.SendRateLimited:
		until := w.rateLimited(log, se, at)
		// Not the message's fault: no attempt is counted.
		for _, d := range rows {
			w.record(ctx, "postpone", d, func(c context.Context) error {
				return w.store.Postpone(c, d.ID, until, reason)
			})
		}
		return

	case news.SendForbidden:
		w.deactivate(ctx, log, d, reason)
		return

	case news.SendMigrated:
		if se.MigrateTo == 0 || se.MigrateTo == d.ChatID {
			w.failAll(ctx, log, rows, reason)
			return
		}
		// The migration carries these rows to the new id; the next look at
		// the outbox sends them there.
		w.record(ctx, "migrate chat", d, func(c context.Context) error {
			return w.store.MigrateChat(c, d.ChatID, se.MigrateTo)
		})
		w.markGone(d.ChatID)
		log.Info("delivery: group became a supergroup; moved", "to", se.MigrateTo)
		w.obs.ChatMigrated(d.ChatID, se.MigrateTo)
		return

	case news.SendThreadGone:
		if d.ThreadID == 0 {
			w.failAll(ctx, log, rows, reason)
			return
		}
		var moved int
		w.record(ctx, "move thread", d, func(c context.Context) error {
			var err error
			moved, err = w.store.MoveThread(c, d.ChatID, d.ThreadID)
			return err
		})
		w.mu.Lock()
		w.gone[d.ChatID] = true // rows read before still name the thread
		w.mu.Unlock()
		log.Info("delivery: forum topic deleted; its subscriptions go to the main thread", "rows_moved", moved)
		w.notice(ctx, func(c context.Context) { w.opt.Noticer.ThreadMoved(c, d.ChatID, d.ThreadID) })
		return

	case news.SendBadRequest:
		w.failAll(ctx, log, rows, reason) // the same request would fail the same way
		return
	}

	attempt := 0
	for _, d := range rows {
		attempt = max(attempt, d.Attempts+1)
	}
	if attempt >= w.opt.MaxAttempts {
		w.failAll(ctx, log, rows, reason)
		return
	}
	next := at.Add(w.opt.Backoff(attempt))
	for _, d := range rows {
		w.record(ctx, "mark retry", d, func(c context.Context) error {
			return w.store.MarkRetry(c, d.ID, next, reason)
		})
	}
	log.Warn("delivery: send failed; will retry", "attempt", attempt, "next", next, "reason", reason)
	for _, d := range rows {
		w.obs.Retried(d, reason)
	}
}

// rateLimited pauses every send for Telegram's retry_after and returns
// when the pause ends.
func (w *Worker) rateLimited(log *slog.Logger, se *news.SendError, at time.Time) time.Time {
	wait := se.RetryAfter
	if wait <= 0 {
		wait = time.Second
	}
	until := at.Add(wait)
	w.budget.Pause(until)
	log.Warn("delivery: telegram asked to slow down; pausing all sends", "retry_after", wait)
	w.obs.RateLimited(wait)
	return until
}

// deactivate records that the chat of d refused the bot for good (a 403,
// or a 400 that means the same). A channel's topic mappings go off with
// it, and the admins are told.
func (w *Worker) deactivate(ctx context.Context, log *slog.Logger, d news.Delivery, reason string) {
	var dropped int
	w.record(ctx, "deactivate chat", d, func(c context.Context) error {
		var err error
		dropped, err = w.store.DeactivateChat(c, d.ChatID, reason)
		return err
	})
	w.markGone(d.ChatID)
	log.Info("delivery: chat refused the bot; deactivated", "type", d.ChatType, "dropped", dropped, "reason", reason)
	w.obs.ChatDeactivated(d.ChatID, dropped)
	if d.ChatType == news.ChatChannel {
		w.notice(ctx, func(c context.Context) { w.opt.Noticer.ChannelLost(c, d.ChatID, reason) })
	}
}

// notice runs a Noticer call in a goroutine Run waits for.
func (w *Worker) notice(ctx context.Context, fn func(context.Context)) {
	if w.opt.Noticer == nil {
		return
	}
	w.notices.Go(func() {
		nctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), noticeTimeout)
		defer cancel()
		fn(nctx)
	})
}

func (w *Worker) failAll(ctx context.Context, log *slog.Logger, rows []news.Delivery, reason string) {
	for _, d := range rows {
		w.fail(ctx, log, d, reason)
	}
}

func (w *Worker) fail(ctx context.Context, log *slog.Logger, d news.Delivery, reason string) {
	w.record(ctx, "mark failed", d, func(c context.Context) error {
		return w.store.MarkFailed(c, d.ID, reason)
	})
	d.Status, d.LastError = news.DeliveryFailed, reason
	d.Attempts++
	log.Warn("delivery: gave up", "attempts", d.Attempts, "reason", reason)
	w.obs.Failed(d, reason)
}

// record writes an outcome, trying until the database takes it: the flight
// does not end before, so at most Concurrency messages are ever sent and
// not recorded, which bounds what a crash can repeat. After ctx ends it
// tries only a few more times.
func (w *Worker) record(ctx context.Context, what string, d news.Delivery, write func(context.Context) error) {
	for late := 0; ; {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), storeTimeout)
		err := write(sctx)
		cancel()
		if err == nil {
			return
		}
		if errors.Is(err, news.ErrNotFound) {
			// The row stopped being pending meanwhile (its chat was
			// deleted with /stop, or merged by a migration).
			w.log.Info("delivery: row no longer pending", "op", what, "delivery", d.ID, "chat", d.ChatID)
			return
		}
		w.storeFailed(what, err)
		if ctx.Err() == nil {
			w.sleep(ctx, w.opt.ErrorPause, nil)
			continue
		}
		if late++; late > shutdownRecordTries {
			w.log.Error("delivery: stopping without recording an outcome; the row stays pending and is tried again on restart",
				"op", what, "delivery", d.ID, "chat", d.ChatID)
			return
		}
		<-w.opt.After(min(w.opt.ErrorPause, 200*time.Millisecond))
	}
}

// spread postpones rows that wait on their chat's limit to the times their
// chat will take them, one slot each, keeping their order and their reason.
func (w *Worker) spread(ctx context.Context, rows []news.Delivery) {
	seen := map[int64]int{}
	for _, d := range rows {
		if ctx.Err() != nil {
			return
		}
		k := seen[d.ChatID]
		seen[d.ChatID]++
		w.mu.Lock()
		next := w.pace.readyAt(d.ChatID, d.ChatType).Add(time.Duration(k) * w.pace.spacing(d.ChatType))
		w.mu.Unlock()
		w.record(ctx, "postpone", d, func(c context.Context) error {
			return w.store.Postpone(c, d.ID, next, d.LastError)
		})
	}
}

func (w *Worker) storeFailed(what string, err error) {
	w.log.Error("delivery: database error; will retry", "op", what, "err", err)
	w.obs.StoreError(err)
}

func (w *Worker) prune(now time.Time) {
	if now.Sub(w.lastPrune) < 10*time.Second {
		return
	}
	w.lastPrune = now
	w.mu.Lock()
	w.pace.prune(now)
	w.mu.Unlock()
}

// checkClock makes due the rows queued in the future, at start, every
// clockCheck and whenever the clock went back since the last turn: a
// clock set back would otherwise keep pushes waiting, in silence, until it
// caught up. The observer hears of it (/healthz lists it).
func (w *Worker) checkClock(ctx context.Context, now time.Time) {
	// The wall clocks are compared (Round(0) drops the monotonic reading
	// time.Now carries): the database's times are wall times, and the
	// monotonic clock never goes back. (The rate budget and the per-chat
	// pacing compare readings of one process, monotonic, and need nothing.)
	now = now.Round(0)
	back := !w.lastNow.IsZero() && now.Before(w.lastNow.Add(-clockSlack))
	w.lastNow = now
	if !back && !w.lastClock.IsZero() && now.Sub(w.lastClock) < clockCheck && now.After(w.lastClock) {
		return
	}
	w.lastClock = now
	sctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	rows, ahead, err := w.store.RescheduleFuture(sctx, now, clockSlack)
	switch {
	case err != nil:
		if ctx.Err() == nil {
			w.storeFailed("reschedule rows dated in the future", err)
		}
	case rows > 0:
		w.log.Warn("delivery: pending pushes were dated in the future (the clock went back?); sending them now",
			"rows", rows, "furthest_ahead", ahead.Round(time.Second))
		w.obs.Rescheduled(rows, ahead)
	}
}

func (w *Worker) now() time.Time { return w.opt.Now() }

// sleep waits d, or until wake fires, or ctx ends. It reports whether ctx
// is still live.
func (w *Worker) sleep(ctx context.Context, d time.Duration, wake <-chan struct{}) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	select {
	case <-ctx.Done():
		return false
	case <-wake:
	case <-w.opt.After(d):
	}
	return ctx.Err() == nil
}
