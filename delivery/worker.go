// Package delivery drains the outbox. A Worker sends each pending delivery
// through a Sender, one message at a time, within Telegram's limits (a global
// rate, about one message a second into one chat, 20 a minute into one group),
// and records every outcome in the Store before it sends the next one, so a
// crash repeats at most the message in flight and never loses one.
package delivery

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/ajel-news/ajel/news"
)

// Store is the part of the database the worker uses; *storage.DB implements
// it. Every method must be safe to call again after an error.
type Store interface {
	// PendingDeliveries returns up to limit pending rows due at now, oldest first.
	PendingDeliveries(ctx context.Context, now time.Time, limit int) ([]news.Delivery, error)
	// MarkSent records that Telegram accepted the message.
	MarkSent(ctx context.Context, id int64, messageID int, at time.Time) error
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

	// RecentPushes says how many pushes (not digests) went into the chat
	// after since and when the oldest of them went, and since when rows
	// have been held for its digest (zero times when none).
	RecentPushes(ctx context.Context, chatID int64, since time.Time) (sent int, oldest, heldSince time.Time, err error)
	// Hold marks a pending row held for its chat's digest (at, unless it
	// already was) and keeps it until next.
	Hold(ctx context.Context, id int64, at, next time.Time) error
	// HeldDeliveries returns every pending held row of the chat.
	HeldDeliveries(ctx context.Context, chatID int64) ([]news.Delivery, error)
	// MarkDigestSent records in one transaction that the rows went out in
	// one digest message.
	MarkDigestSent(ctx context.Context, ids []int64, messageID int, at time.Time) error
	// PendingEdits returns up to limit sent pushes whose story changed.
	PendingEdits(ctx context.Context, limit int) ([]news.Delivery, error)
	// MarkEdited clears a push's pending edit, as of its EditPending seq.
	MarkEdited(ctx context.Context, id int64, seq int) error
}

// Sender sends one push to one chat and returns Telegram's message id. When
// Telegram refuses the message the error is (or wraps) a *news.SendError;
// any other error counts as news.SendFailed.
type Sender interface {
	Send(ctx context.Context, chatID int64, p news.Push) (messageID int, err error)
}

// Editor brings a push already sent up to date (more outlets carried its
// story). Errors are classified as for Sender; an edit that changes nothing
// is not an error.
type Editor interface {
	EditPush(ctx context.Context, chatID int64, messageID int, p news.Push) error
}

// Digester sends several stories to a chat in one digest message and
// returns its message id; errors are classified as for Sender.
type Digester interface {
	SendDigest(ctx context.Context, chatID int64, ps []news.Push) (messageID int, err error)
}

// Observer hears what the worker does, for metrics. Its methods are called
// from the worker's goroutine, one at a time, and must return quickly.
// Embed NopObserver to implement only some of them.
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

// Options tune a Worker. Zero fields take the defaults noted on each.
type Options struct {
	// Rate is SEND_RATE: messages a second into all chats together
	// (default 25). The worker never goes above it over time; in any one
	// second at most a tenth of Rate more may go out, to make up for a
	// late wake-up.
	Rate float64
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
	// Digester sends digests (optional: without it a chat's MaxPerHour is
	// not enforced). Past its cap, a chat's stories that are not breaking
	// are held and go out together in one digest message.
	Digester Digester
	// DigestInterval is the longest a story is held for a digest (default
	// 15m); a digest also goes as soon as the rolling hour frees a slot.
	// Digests do not count against the cap.
	DigestInterval time.Duration
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
)

// Worker drains the outbox. Create it with New and start it with Run.
type Worker struct {
	store   Store
	sender  Sender
	opt     Options
	log     *slog.Logger
	obs     Observer
	limiter *rate.Limiter
	wake    chan struct{}
	running atomic.Bool

	// Owned by Run's goroutine.
	pace        *pacer
	pausedUntil time.Time // a 429 stops every send until then
	lastPrune   time.Time
}

// New returns a worker that sends store's pending deliveries through sender.
func New(store Store, sender Sender, opt Options) *Worker {
	if opt.Rate <= 0 {
		opt.Rate = 25
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
	return &Worker{
		store:  store,
		sender: sender,
		opt:    opt,
		log:    opt.Logger,
		obs:    opt.Observer,
		// A small burst (a tenth of a second's worth) lets the worker make
		// up for a send or a wake-up that came late (a busy CPU, a slow
		// disk) so a long fan-out still runs at Rate; it never runs above
		// it: in any stretch T at most Rate·T + burst messages go out.
		limiter: rate.NewLimiter(rate.Limit(opt.Rate), max(1, int(opt.Rate/10))),
		wake:    make(chan struct{}, 1),
		pace:    newPacer(opt.PerChatInterval, opt.GroupPerMinute),
	}
}

// Notify tells the worker new rows were queued, so an idle worker looks at
// the outbox now rather than at its next poll. It never blocks.
func (w *Worker) Notify() {
	select {
	case w.wake <- struct{}{}:
	default: // a wake-up is already waiting
	}
}

// Run sends pending deliveries until ctx ends. It resumes whatever was
// pending when a previous run stopped, however it stopped. When ctx ends it
// finishes and records the message in flight, starts no other, and returns
// nil. Database errors are logged and retried; Run does not give up on them.
// Only one Run may be active per Worker (and there should be one Worker per
// database): the guarantee of at most one repeat relies on sending one
// message at a time.
func (w *Worker) Run(ctx context.Context) error {
	if !w.running.CompareAndSwap(false, true) {
		return errors.New("delivery: worker is already running")
	}
	defer w.running.Store(false)
	w.log.Info("delivery: worker started", "rate", w.opt.Rate)
	for ctx.Err() == nil {
		if d := w.pausedUntil.Sub(w.now()); d > 0 {
			w.sleep(ctx, d, nil) // Telegram's flood control is bot-wide: no Notify shortcut
			continue
		}
		now := w.now()
		w.prune(now)
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
		if p.handled > 0 {
			continue // rows changed state: look again at once
		}
		if len(rows) == w.opt.BatchSize && len(p.skipped) > 0 {
			// A whole batch waits on per-chat limits, and rows of other
			// chats may wait behind it: move the batch out of the way.
			w.spread(ctx, p.skipped)
			continue
		}
		// Nothing left to send now: new stories come first, then edits.
		e := w.editPass(ctx)
		if e.handled > 0 {
			continue
		}
		wait := w.opt.PollInterval
		for _, t := range []time.Time{p.nextReady, e.nextReady} {
			if !t.IsZero() {
				wait = min(wait, t.Sub(w.now()))
			}
		}
		w.sleep(ctx, wait, w.wake)
	}
	w.log.Info("delivery: worker stopped")
	return nil
}

// passResult is what one walk through a batch of rows did.
type passResult struct {
	handled   int             // rows sent or otherwise moved on
	skipped   []news.Delivery // rows whose chat was not ready yet
	nextReady time.Time       // when the first skipped chat is ready
}

// pass sends, in order, the rows whose chats are ready. It stops early when
// ctx ends or Telegram asks the bot to slow down.
func (w *Worker) pass(ctx context.Context, rows []news.Delivery) passResult {
	var res passResult
	gone := map[int64]bool{}     // chats blocked or migrated during this pass
	digested := map[int64]bool{} // chats whose held rows went in a digest
	for _, d := range rows {
		if ctx.Err() != nil {
			return res
		}
		if gone[d.ChatID] || (digested[d.ChatID] && !d.HeldAt.IsZero()) {
			continue // its rows were dropped, moved, or sent
		}
		now := w.now()
		if now.Before(w.pausedUntil) {
			return res
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
		if !w.waitTurn(ctx) {
			return res
		}
		res.handled++
		if !d.HeldAt.IsZero() && w.opt.Digester != nil {
			digested[d.ChatID] = true
			gone[d.ChatID] = w.sendDigest(ctx, d)
			continue
		}
		gone[d.ChatID] = w.deliver(ctx, d)
	}
	return res
}

// waitTurn waits until the global rate allows one more message. It reports
// false, having sent nothing, when ctx ends first.
func (w *Worker) waitTurn(ctx context.Context) bool {
	now := w.now()
	r := w.limiter.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 && !w.sleep(ctx, d, nil) {
		r.CancelAt(w.now())
		return false
	}
	return true
}

// chatReady reports whether d's chat may get a message at now under the
// per-chat pacing; when it may not, res.nextReady notes when it may.
func (w *Worker) chatReady(d news.Delivery, now time.Time, res *passResult) bool {
	at := w.pace.readyAt(d.ChatID, d.ChatType)
	if !at.After(now) {
		return true
	}
	if res.nextReady.IsZero() || at.Before(res.nextReady) {
		res.nextReady = at
	}
	return false
}

// deliver sends one row and records the outcome. It reports whether the
// chat is gone (blocked the bot, or migrated), so the rest of the batch
// skips the rows it had.
func (w *Worker) deliver(ctx context.Context, d news.Delivery) (chatGone bool) {
	d.Push.Silent = Silent(d.Push, d.Quiet, w.now(), w.opt.Location)
	// The message in flight is finished even if ctx ends meanwhile:
	// cutting the request short would leave us not knowing whether
	// Telegram got it.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), w.opt.SendTimeout)
	msgID, err := w.sender.Send(sctx, d.ChatID, d.Push)
	cancel()
	at := w.now()
	w.pace.record(d.ChatID, d.ChatType, at)
	log := w.log.With("delivery", d.ID, "chat", d.ChatID, "story", d.StoryID)

	if err == nil {
		w.record(ctx, "mark sent", d, func(c context.Context) error {
			return w.store.MarkSent(c, d.ID, msgID, at)
		})
		d.Status, d.MessageID, d.SentAt, d.LastError = news.DeliverySent, msgID, at, ""
		d.Attempts++
		latency := at.Sub(d.CreatedAt)
		log.Debug("delivery: sent", "message", msgID, "latency", latency, "silent", d.Push.Silent)
		w.obs.Sent(d, latency)
		return false
	}

	return w.refused(ctx, log, []news.Delivery{d}, err, at)
}

// refused records that Telegram (or the network) refused the message
// carrying rows, all of one chat, at at. It reports whether the chat is
// gone (blocked the bot, or migrated).
func (w *Worker) refused(ctx context.Context, log *slog.Logger, rows []news.Delivery, err error, at time.Time) (chatGone bool) {
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
		return false

	case news.SendForbidden:
		w.deactivate(ctx, log, d, reason)
		return true

	case news.SendMigrated:
		if se.MigrateTo == 0 || se.MigrateTo == d.ChatID {
			w.failAll(ctx, log, rows, reason)
			return false
		}
		// The migration carries these rows to the new id; the next look at
		// the outbox sends them there.
		w.record(ctx, "migrate chat", d, func(c context.Context) error {
			return w.store.MigrateChat(c, d.ChatID, se.MigrateTo)
		})
		w.pace.forget(d.ChatID)
		log.Info("delivery: group became a supergroup; moved", "to", se.MigrateTo)
		w.obs.ChatMigrated(d.ChatID, se.MigrateTo)
		return true

	case news.SendBadRequest:
		w.failAll(ctx, log, rows, reason) // the same request would fail the same way
		return false
	}

	attempt := 0
	for _, d := range rows {
		attempt = max(attempt, d.Attempts+1)
	}
	if attempt >= w.opt.MaxAttempts {
		w.failAll(ctx, log, rows, reason)
		return false
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
	return false
}

// rateLimited pauses every send for Telegram's retry_after and returns
// when the pause ends.
func (w *Worker) rateLimited(log *slog.Logger, se *news.SendError, at time.Time) time.Time {
	wait := se.RetryAfter
	if wait <= 0 {
		wait = time.Second
	}
	until := at.Add(wait)
	if until.After(w.pausedUntil) {
		w.pausedUntil = until
	}
	log.Warn("delivery: telegram asked to slow down; pausing all sends", "retry_after", wait)
	w.obs.RateLimited(wait)
	return until
}

// deactivate records that the chat of d refused the bot (403).
func (w *Worker) deactivate(ctx context.Context, log *slog.Logger, d news.Delivery, reason string) {
	var dropped int
	w.record(ctx, "deactivate chat", d, func(c context.Context) error {
		var err error
		dropped, err = w.store.DeactivateChat(c, d.ChatID, reason)
		return err
	})
	w.pace.forget(d.ChatID)
	log.Info("delivery: chat refused the bot; deactivated", "dropped", dropped, "reason", reason)
	w.obs.ChatDeactivated(d.ChatID, dropped)
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

// record writes an outcome, trying until the database takes it: the next
// message must not go out before this one is recorded, or a crash could
// repeat more than one. After ctx ends it tries only a few more times.
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
		next := w.pace.readyAt(d.ChatID, d.ChatType).Add(time.Duration(k) * w.pace.spacing(d.ChatType))
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
	w.pace.prune(now)
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
