package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/ajel-news/ajel/internal/textcut"
	"github.com/ajel-news/ajel/internal/wait"
	"github.com/ajel-news/ajel/news"
)

// InboxStore keeps the updates Telegram sent until they are handled, so
// that a restart neither loses nor repeats them, and the offset of the
// next one; *storage.DB implements it.
type InboxStore interface {
	UpdateOffset(ctx context.Context) (int, error)
	// QueueUpdates keeps updates and saves offset in one transaction and
	// returns those really queued (not kept already), with their Seq.
	QueueUpdates(ctx context.Context, ups []news.InboundUpdate, offset int) ([]news.InboundUpdate, error)
	// PendingUpdates returns up to limit kept updates after Seq after, in
	// order.
	PendingUpdates(ctx context.Context, after int64, limit int) ([]news.InboundUpdate, error)
	// FinishUpdate forgets a handled update.
	FinishUpdate(ctx context.Context, seq int64) error
	// BeginUpdate counts an attempt at handling a kept update (its
	// Attempts when PendingUpdates returns it again).
	BeginUpdate(ctx context.Context, seq int64) error
	// ParkUpdate sets an update aside for a look, with the reason: out of
	// the inbox when it was kept there (Seq set), never handled again.
	ParkUpdate(ctx context.Context, u news.InboundUpdate, reason string) error
}

// UpdateObserver hears about the updates the inbox set aside, for
// metrics; *metrics.Metrics implements it.
type UpdateObserver interface {
	// UpdateSkipped: an update Ajel cannot use was skipped (its offset
	// saved).
	UpdateSkipped()
	// UpdateParked: handling an update panicked, or began again and again
	// without finishing; it was parked and the bot went on.
	UpdateParked()
}

// Faults is where the inbox reports trouble it keeps working through
// (another process polling with the same token, a parked update), for
// /healthz; *faults.Tracker implements it.
type Faults interface {
	Report(component, message string)
	Clear(component string)
}

// Components the inbox reports faults under: getting updates from
// Telegram, and handling one of them.
const (
	FaultUpdates  = "telegram_updates"
	FaultHandling = "update_handling"
)

// Handler handles one update. An error means a Telegram or storage call
// failed; it is logged, and the update is not handled again (unless the
// inbox was stopping: see Inbox).
type Handler func(ctx context.Context, u *Update) error

// InboxOptions configure an Inbox. Store and Handle are required.
type InboxOptions struct {
	Store  InboxStore
	Handle Handler
	// Handlers bounds how many chats have an update handled at once; 0
	// means 64. One chat's updates are always handled in order.
	Handlers int
	// HandleTimeout bounds the handling of one update; 0 means ReplyRetry
	// and 30 seconds (a reply may be retried that long; the rest is quick).
	HandleTimeout time.Duration
	// Faults hears of trouble the inbox keeps working through; nil: none.
	Faults Faults
	// Observer hears about updates skipped or parked; nil: nobody.
	Observer UpdateObserver
	// Logger receives the inbox's logs; nil: the client's.
	Logger *slog.Logger
	// Inline answers inline queries, which are never kept in the inbox;
	// nil: inline queries are skipped as updates Ajel cannot use.
	Inline *InlineQueue
}

const (
	// shutdownGrace is how long updates being handled when the bot stops
	// may go on; past it they are cut off and stay in the inbox, to be
	// handled again by the next run.
	shutdownGrace = 10 * time.Second
	// leftoverPage is how many kept updates one read of the inbox takes.
	leftoverPage = 500
	// maxAttempts is how often the handling of one update may begin
	// without finishing (the process died each time, or a shutdown cut it
	// off) before it is parked instead of being tried once more.
	maxAttempts = 3
)

// Inbox receives the updates Telegram sends — by long polling (Poll) or
// through the webhook (Listen and WebhookHandler) — keeps each in the
// store with the next offset before it is confirmed to Telegram, and
// hands them to Handle from there: one goroutine per chat with updates
// waiting, so a slow round trip for one reader does not make everyone
// wait in one line, and one chat's updates in the order they came.
//
// An update being handled when the process died is handled again after
// the restart; one whose handling panicked, or began maxAttempts times
// without finishing, is parked: kept for a look, never handled again. An
// update Ajel cannot use (a kind it did not ask for, unreadable JSON) is
// skipped, only its offset saved.
type Inbox struct {
	tg       *Client
	store    InboxStore
	handle   Handler
	timeout  time.Duration
	faults   Faults
	observer UpdateObserver
	log      *slog.Logger
	sem      chan struct{} // bounds the chats being handled at once
	inline   *InlineQueue

	mu       sync.Mutex
	started  bool
	loaded   int64 // the highest Seq the start's read of the inbox took
	base     context.Context
	stopping <-chan struct{}
	queues   map[int64][]news.InboundUpdate // per chat, in order
	running  map[int64]bool                 // chats with a handler goroutine
	wg       sync.WaitGroup

	hook webhookState
}

// NewInbox returns the inbox of the bot c talks for.
func (c *Client) NewInbox(o InboxOptions) *Inbox {
	in := &Inbox{tg: c, store: o.Store, handle: o.Handle, timeout: o.HandleTimeout, faults: o.Faults,
		observer: o.Observer, log: o.Logger, inline: o.Inline,
		queues: map[int64][]news.InboundUpdate{}, running: map[int64]bool{}}
	if in.timeout <= 0 {
		in.timeout = c.conn.replyRetry + 30*time.Second
	}
	if in.observer == nil {
		in.observer = nopObserver{}
	}
	if in.log == nil {
		in.log = c.conn.log
	}
	handlers := o.Handlers
	if handlers <= 0 {
		handlers = 64
	}
	in.sem = make(chan struct{}, handlers)
	return in
}

// nopObserver is the UpdateObserver of an inbox nobody observes.
type nopObserver struct{}

func (nopObserver) UpdateSkipped() {}
func (nopObserver) UpdateParked()  {}

// Poll receives updates by long polling until ctx is done. Each batch is
// kept in the inbox, with the next offset, before Telegram is asked for
// more (which confirms it), and handled from there. A webhook left by a
// webhook-mode run is deleted first (it would make getUpdates answer
// 409), keeping its pending updates. It returns nil when ctx ends, after
// the updates being handled finished (or a grace period ran out); the
// *Error when Telegram refuses the token; an error when the offset cannot
// be read.
func (in *Inbox) Poll(ctx context.Context) error {
	offset, err := in.store.UpdateOffset(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("telegram: read update offset: %w", err)
	}
	if err := in.tg.DeleteWebhook(ctx); err != nil && ctx.Err() == nil {
		in.log.Warn("telegram: delete webhook", "err", err)
	}
	stop := in.start(ctx)
	defer stop()
	backoff := time.Second
	for {
		if ctx.Err() != nil {
			return nil
		}
		raws, err := in.tg.updates(ctx, offset)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			pause := backoff
			te := asError(err)
			if te != nil && te.RetryAfter > 0 {
				pause = te.RetryAfter
			}
			switch {
			case te != nil && te.TokenRefused():
				return te
			case te != nil && te.WebhookConflict():
				// The deletion at start failed (or another process set one).
				if derr := in.tg.DeleteWebhook(ctx); derr != nil && ctx.Err() == nil {
					in.log.Warn("telegram: delete webhook", "err", derr)
				}
				in.fault("409 Conflict: a webhook is set for this token (another process in webhook mode?); deleting it and polling again")
			case te != nil && te.Conflict():
				// Telegram gives updates to one poller: with two, each
				// misses what the other takes.
				in.fault("409 Conflict: another process is polling Telegram with this bot's token; stop it, or this bot misses the updates it takes")
				in.log.Error("telegram: another process is polling Telegram with this bot's token (409 Conflict); retrying", "retry_in", pause)
			default:
				in.fault("getUpdates failed; trying again: " + textcut.Line(err.Error(), 300))
			}
			in.log.Warn("telegram: getUpdates failed", "err", err, "retry_in", pause)
			if !wait.Sleep(ctx, pause) {
				return nil
			}
			backoff = min(backoff*2, time.Minute)
			continue
		}
		backoff = time.Second
		if in.faults != nil {
			in.faults.Clear(FaultUpdates)
		}
		if len(raws) == 0 {
			continue
		}
		next, ok := in.keepPolled(ctx, raws, offset)
		if !ok {
			if !wait.Sleep(ctx, backoff) {
				return nil
			}
			continue
		}
		offset = next
	}
}

// keepPolled keeps a batch of polled updates with the offset after them,
// which it returns, and hands them to their chats' handlers. When the
// store does not take them it returns false: they are not confirmed to
// Telegram, so the same updates come again.
func (in *Inbox) keepPolled(ctx context.Context, raws []json.RawMessage, offset int) (int, bool) {
	ups := make([]news.InboundUpdate, 0, len(raws))
	next := offset
	for _, raw := range raws {
		u, skip, _ := in.receive(ctx, raw)
		if u.UpdateID <= 0 {
			continue // no update_id: nothing to confirm
		}
		if u.UpdateID < offset {
			// The offset confirmed every update below it, so this is not
			// a repeat: after a week without updates Telegram numbers them
			// again from a random id. Skipping it would leave the bot
			// deaf, asking for it again and again.
			in.log.Info("telegram: update ids restarted below the offset", "update_id", u.UpdateID, "offset", offset)
		}
		next = u.UpdateID + 1
		if !skip {
			ups = append(ups, u)
		}
	}
	// Kept even while stopping: Telegram has sent them, and the next run
	// handles what this one does not get to.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	queued, err := in.store.QueueUpdates(sctx, ups, next)
	cancel()
	if err != nil {
		in.log.Error("telegram: keep updates; asking Telegram for them again", "updates", len(ups), "err", err)
		return offset, false
	}
	in.add(queued...)
	return next, true
}

// fault tells Faults what keeps updates from coming.
func (in *Inbox) fault(msg string) {
	if in.faults != nil {
		in.faults.Report(FaultUpdates, msg)
	}
}

// receive reads one update Telegram sent (long polling or webhook) for
// the inbox. An update Ajel cannot use is logged once, counted and
// skipped (skip): only its offset is saved. An inline query goes to the
// inline queue (inline), and is not kept either (skip). Reading never
// stops the bot: a panic is recovered and the update parked instead.
func (in *Inbox) receive(ctx context.Context, raw json.RawMessage) (u news.InboundUpdate, skip, inline bool) {
	defer func() {
		if p := recover(); p != nil {
			in.park(ctx, u, fmt.Sprintf("reading it panicked: %v", p), debug.Stack())
			skip, inline = true, false
		}
	}()
	u, iq, err := inbound(raw)
	if err == nil && iq != nil && in.inline == nil {
		err = errors.New("inline_query: inline mode is off in this bot")
	}
	if err != nil {
		in.log.Warn("telegram: an update Ajel cannot use; skipped", "update_id", u.UpdateID, "why", err)
		in.observer.UpdateSkipped()
		return u, true, false
	}
	if iq != nil {
		in.inline.Offer(iq)
		return u, true, true
	}
	return u, false, false
}

// park sets an update aside that made the bot panic (or that never
// finished): logged with the stack, counted, kept in the database for a
// look and never handled again, and listed in /healthz for a while.
func (in *Inbox) park(ctx context.Context, u news.InboundUpdate, reason string, stack []byte) {
	attrs := []any{"update_id", u.UpdateID, "chat", u.ChatID, "reason", reason}
	if len(stack) > 0 {
		attrs = append(attrs, "stack", string(stack))
	}
	in.log.Error("telegram: an update could not be handled; parked, not retried", attrs...)
	in.observer.UpdateParked()
	if in.faults != nil {
		in.faults.Report(FaultHandling, fmt.Sprintf("update %d parked: %s", u.UpdateID, textcut.Line(reason, 200)))
	}
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := in.store.ParkUpdate(pctx, u, textcut.Line(reason, 500)); err != nil {
		in.log.Error("telegram: park an update", "update_id", u.UpdateID, "err", err)
	}
}

// start handles, from now until ctx ends, the updates already in the inbox
// (what a previous run left) and those given to add. The returned stop
// waits for the updates being handled: they get shutdownGrace after ctx
// ends to finish; those not started stay in the inbox.
func (in *Inbox) start(ctx context.Context) (stop func()) {
	// run ends when the bot stops: no new update is begun after it. base
	// is what handling runs under: cut off only after the grace period.
	run, endRun := context.WithCancel(ctx)
	base, cutOff := context.WithCancel(context.WithoutCancel(ctx))
	in.mu.Lock()
	in.base, in.stopping = base, run.Done()
	in.loaded, in.started = 0, true
	// Held while reading, so add cannot dispatch an update this read also
	// takes: an update add sees afterwards with a higher Seq is new.
	var leftovers int
	for {
		rctx, rcancel := context.WithTimeout(base, 10*time.Second)
		ups, err := in.store.PendingUpdates(rctx, in.loaded, leftoverPage)
		rcancel()
		if err != nil {
			in.log.Error("telegram: read the updates a previous run left; they wait for the next start", "err", err)
			break
		}
		for _, u := range ups {
			in.dispatchLocked(u)
			in.loaded = u.Seq
		}
		leftovers += len(ups)
		if len(ups) < leftoverPage {
			break
		}
	}
	in.mu.Unlock()
	if leftovers > 0 {
		in.log.Info("telegram: handling updates a previous run left", "updates", leftovers)
	}
	if in.inline != nil {
		// Inline answers end with the run: a query not answered by then
		// is past any use after a restart.
		in.wg.Go(func() { in.inline.Run(run) })
	}
	finished := make(chan struct{})
	go func() {
		<-run.Done()
		t := time.NewTimer(shutdownGrace)
		defer t.Stop()
		select {
		case <-t.C:
			cutOff() // what is still being handled stays in the inbox
		case <-finished:
		}
	}()
	return func() {
		endRun()
		in.wg.Wait()
		close(finished)
		cutOff()
		in.mu.Lock()
		in.started = false
		in.mu.Unlock()
	}
}

// add hands newly kept updates to their chats' handlers. Before start it
// does nothing: start reads them from the inbox.
func (in *Inbox) add(ups ...news.InboundUpdate) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if !in.started {
		return
	}
	for _, u := range ups {
		if u.Seq > in.loaded {
			in.dispatchLocked(u)
		}
	}
}

func (in *Inbox) dispatchLocked(u news.InboundUpdate) {
	in.queues[u.ChatID] = append(in.queues[u.ChatID], u)
	if in.running[u.ChatID] {
		return
	}
	in.running[u.ChatID] = true
	in.wg.Add(1)
	go in.drain(u.ChatID, in.base, in.stopping)
}

// drain handles the chat's updates one after another until none is left
// or the bot stops.
func (in *Inbox) drain(chatID int64, base context.Context, stopping <-chan struct{}) {
	defer in.wg.Done()
	select {
	case in.sem <- struct{}{}:
		defer func() { <-in.sem }()
	case <-stopping:
		in.forget(chatID)
		return
	}
	for {
		in.mu.Lock()
		q := in.queues[chatID]
		stopped := false
		select {
		case <-stopping:
			stopped = true
		default:
		}
		if len(q) == 0 || stopped {
			delete(in.queues, chatID)
			delete(in.running, chatID)
			in.mu.Unlock()
			return
		}
		u := q[0]
		in.queues[chatID] = q[1:]
		in.mu.Unlock()
		in.handleKept(base, u)
	}
}

// forget drops the chat's queue when the bot stops before handling it:
// the updates stay in the inbox for the next run.
func (in *Inbox) forget(chatID int64) {
	in.mu.Lock()
	defer in.mu.Unlock()
	delete(in.queues, chatID)
	delete(in.running, chatID)
}

// handleKept handles one kept update and forgets it. An update whose
// handling was cut off by shutdown stays in the inbox and is handled again
// after the restart; one that failed otherwise is logged and not retried,
// so one bad update cannot block a chat. One whose handling panicked, or
// began maxAttempts times without finishing (it killed the process each
// time), is parked.
func (in *Inbox) handleKept(base context.Context, u news.InboundUpdate) {
	if u.Attempts >= maxAttempts {
		in.park(base, u, fmt.Sprintf("its handling began %d times and never finished (the process stopped each time)", u.Attempts), nil)
		return
	}
	bctx, bcancel := context.WithTimeout(base, 10*time.Second)
	if err := in.store.BeginUpdate(bctx, u.Seq); err != nil && base.Err() == nil {
		in.log.Warn("telegram: count an attempt at an update", "update_id", u.UpdateID, "err", err)
	}
	bcancel()
	hctx, cancel := context.WithTimeout(base, in.timeout)
	stack, err := in.handleSafely(hctx, u.Raw)
	cancel()
	if stack != nil {
		in.park(base, u, err.Error(), stack)
		return
	}
	if err != nil && base.Err() != nil {
		in.log.Warn("telegram: stopped while handling an update; it is handled again after the restart",
			"update_id", u.UpdateID, "chat", u.ChatID)
		return
	}
	if err != nil {
		in.log.Error("telegram: handle update", "update_id", u.UpdateID, "chat", u.ChatID, "err", err)
	}
	// Forgotten even when the grace period has just run out: it was
	// handled, and handling it again would answer twice.
	fctx, fcancel := context.WithTimeout(context.WithoutCancel(base), 10*time.Second)
	defer fcancel()
	if err := in.store.FinishUpdate(fctx, u.Seq); err != nil {
		in.log.Error("telegram: forget a handled update; it may be handled again after a restart",
			"update_id", u.UpdateID, "err", err)
	}
}

// handleSafely decodes a kept update, once, and handles it, with a panic
// recovered: the error then says what panicked and stack is where.
func (in *Inbox) handleSafely(ctx context.Context, raw []byte) (stack []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			stack, err = debug.Stack(), fmt.Errorf("handling it panicked: %v", p)
		}
	}()
	var u Update
	if err := json.Unmarshal(raw, &u); err != nil {
		return nil, fmt.Errorf("telegram: read update: %w", err)
	}
	return nil, in.handle(ctx, &u)
}
