package bot

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	"github.com/ajel-news/ajel/news"
)

const (
	// shutdownGrace is how long updates being handled when the bot stops
	// may go on; past it they are cut off and stay in the inbox, to be
	// handled again by the next run.
	shutdownGrace = 10 * time.Second
	// handleMargin is added to ReplyRetry to bound one update's handling:
	// a reply may be retried that long, and the rest is quick.
	handleMargin = 30 * time.Second
	// leftoverPage is how many kept updates one read of the inbox takes.
	leftoverPage = 500
	// maxAttempts is how often the handling of one update may begin
	// without finishing (the process died each time, or a shutdown cut it
	// off) before it is parked instead of being tried once more.
	maxAttempts = 3
)

// dispatcher hands the updates kept in the inbox to handlers: one
// goroutine per chat with updates waiting, so a slow round trip for one
// reader does not make everyone wait in one line, and one chat's updates
// are handled in the order they came.
type dispatcher struct {
	b   *Bot
	sem chan struct{} // bounds the chats being handled at once

	mu       sync.Mutex
	started  bool
	loaded   int64 // the highest Seq the start's read of the inbox took
	base     context.Context
	stopping <-chan struct{}
	queues   map[int64][]news.InboundUpdate // per chat, in order
	running  map[int64]bool                 // chats with a handler goroutine
	wg       sync.WaitGroup
}

func newDispatcher(b *Bot, handlers int) *dispatcher {
	return &dispatcher{
		b:       b,
		sem:     make(chan struct{}, handlers),
		queues:  map[int64][]news.InboundUpdate{},
		running: map[int64]bool{},
	}
}

// start handles, from now until ctx ends, the updates already in the inbox
// (what a previous run left) and those given to add. The returned stop
// waits for the updates being handled: they get shutdownGrace after ctx
// ends to finish; those not started stay in the inbox.
func (d *dispatcher) start(ctx context.Context) (stop func()) {
	// run ends when the bot stops: no new update is begun after it. base
	// is what handling runs under: cut off only after the grace period.
	run, endRun := context.WithCancel(ctx)
	base, cutOff := context.WithCancel(context.WithoutCancel(ctx))
	d.mu.Lock()
	d.base, d.stopping = base, run.Done()
	d.loaded, d.started = 0, true
	// Held while reading, so add cannot dispatch an update this read also
	// takes: an update add sees afterwards with a higher Seq is new.
	var leftovers int
	for {
		rctx, rcancel := context.WithTimeout(base, 10*time.Second)
		ups, err := d.b.store.PendingUpdates(rctx, d.loaded, leftoverPage)
		rcancel()
		if err != nil {
			d.b.log.Error("bot: read the updates a previous run left; they wait for the next start", "err", err)
			break
		}
		for _, u := range ups {
			d.dispatchLocked(u)
			d.loaded = u.Seq
		}
		leftovers += len(ups)
		if len(ups) < leftoverPage {
			break
		}
	}
	d.mu.Unlock()
	if leftovers > 0 {
		d.b.log.Info("bot: handling updates a previous run left", "updates", leftovers)
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
		d.wg.Wait()
		close(finished)
		cutOff()
		d.mu.Lock()
		d.started = false
		d.mu.Unlock()
	}
}

// add hands newly kept updates to their chats' handlers. Before start it
// does nothing: start reads them from the inbox.
func (d *dispatcher) add(ups ...news.InboundUpdate) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.started {
		return
	}
	for _, u := range ups {
		if u.Seq > d.loaded {
			d.dispatchLocked(u)
		}
	}
}

func (d *dispatcher) dispatchLocked(u news.InboundUpdate) {
	d.queues[u.ChatID] = append(d.queues[u.ChatID], u)
	if d.running[u.ChatID] {
		return
	}
	d.running[u.ChatID] = true
	d.wg.Add(1)
	go d.drain(u.ChatID, d.base, d.stopping)
}

// drain handles the chat's updates one after another until none is left
// or the bot stops.
func (d *dispatcher) drain(chatID int64, base context.Context, stopping <-chan struct{}) {
	defer d.wg.Done()
	select {
	case d.sem <- struct{}{}:
		defer func() { <-d.sem }()
	case <-stopping:
		d.forget(chatID)
		return
	}
	for {
		d.mu.Lock()
		q := d.queues[chatID]
		stopped := false
		select {
		case <-stopping:
			stopped = true
		default:
		}
		if len(q) == 0 || stopped {
			delete(d.queues, chatID)
			delete(d.running, chatID)
			d.mu.Unlock()
			return
		}
		u := q[0]
		d.queues[chatID] = q[1:]
		d.mu.Unlock()
		d.handle(base, u)
	}
}

// forget drops the chat's queue when the bot stops before handling it:
// the updates stay in the inbox for the next run.
func (d *dispatcher) forget(chatID int64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.queues, chatID)
	delete(d.running, chatID)
}

// handle handles one update and forgets it. An update whose handling was
// cut off by shutdown stays in the inbox and is handled again after the
// restart; one that failed otherwise is logged and not retried, so one bad
// update cannot block a chat. One whose handling panicked, or began
// maxAttempts times without finishing (it killed the process each time),
// is parked: kept for a look, never handled again.
func (d *dispatcher) handle(base context.Context, u news.InboundUpdate) {
	if u.Attempts >= maxAttempts {
		d.b.park(base, u, fmt.Sprintf("its handling began %d times and never finished (the process stopped each time)", u.Attempts), nil)
		return
	}
	bctx, bcancel := context.WithTimeout(base, 10*time.Second)
	if err := d.b.store.BeginUpdate(bctx, u.Seq); err != nil && base.Err() == nil {
		d.b.log.Warn("bot: count an attempt at an update", "update_id", u.UpdateID, "err", err)
	}
	bcancel()
	hctx, cancel := context.WithTimeout(base, d.b.replyRetry+handleMargin)
	stack, err := d.b.handleSafely(hctx, u.Raw)
	cancel()
	if stack != nil {
		d.b.park(base, u, err.Error(), stack)
		return
	}
	if err != nil && base.Err() != nil {
		d.b.log.Warn("bot: stopped while handling an update; it is handled again after the restart",
			"update_id", u.UpdateID, "chat", u.ChatID)
		return
	}
	if err != nil {
		d.b.log.Error("bot: handle update", "update_id", u.UpdateID, "chat", u.ChatID, "err", err)
	}
	// Forgotten even when the grace period has just run out: it was
	// handled, and handling it again would answer twice.
	fctx, fcancel := context.WithTimeout(context.WithoutCancel(base), 10*time.Second)
	defer fcancel()
	if err := d.b.store.FinishUpdate(fctx, u.Seq); err != nil {
		d.b.log.Error("bot: forget a handled update; it may be handled again after a restart",
			"update_id", u.UpdateID, "err", err)
	}
}

// handleSafely is handleRaw with a panic recovered: the error then says
// what panicked and stack is where.
func (b *Bot) handleSafely(ctx context.Context, raw []byte) (stack []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			stack, err = debug.Stack(), fmt.Errorf("handling it panicked: %v", p)
		}
	}()
	return nil, b.handleRaw(ctx, raw)
}
