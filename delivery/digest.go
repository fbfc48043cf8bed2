package delivery

import (
	"context"
	"time"

	"github.com/ajel-news/ajel/news"
)

// DefaultDigestInterval is the longest a story waits in a chat's digest.
const DefaultDigestInterval = 15 * time.Minute

// DefaultBurstPerHour is the hourly cap of a chat that chose none: more
// than one story every two minutes, hour after hour, is a flood, not news.
const DefaultBurstPerHour = 30

// capWindow is the rolling window of a chat's hourly cap.
const capWindow = time.Hour

// perHour is d's chat's hourly cap: its own /limit, else the automatic
// BurstPerHour (not for channels); 0 when there is none.
func (w *Worker) perHour(d news.Delivery) int {
	switch {
	case d.MaxPerHour > 0:
		return d.MaxPerHour
	case d.ChatType == news.ChatChannel || w.opt.BurstPerHour < 0:
		return 0
	}
	return w.opt.BurstPerHour
}

// capped reports whether d is subject to its chat's hourly cap: breaking
// news always goes at once, and without a Digester there is no cap.
func (w *Worker) capped(d news.Delivery) bool {
	return w.perHour(d) > 0 && !d.Push.Breaking && w.opt.Digester != nil
}

// quietHold reports whether d waits for the end of its chat's quiet
// hours: a story that is not breaking, to a chat (not a channel) in its
// quiet hours now, when there is a Digester to send it then.
func (w *Worker) quietHold(d news.Delivery, now time.Time) bool {
	return !d.Push.Breaking && d.ChatType != news.ChatChannel && w.opt.Digester != nil &&
		!QuietEnd(d.Quiet, now, w.opt.Location).IsZero()
}

// holdIfCapped holds d for its chat's digest when the chat already had
// its cap of pushes in the last hour, or has stories held already (so a
// later story never overtakes them). The digest is due when the window
// frees a slot, or DigestInterval after the first story was held,
// whichever comes first. ok is false when the database failed (the pass
// should stop and try again later).
func (w *Worker) holdIfCapped(ctx context.Context, d news.Delivery, now time.Time) (held, ok bool) {
	sctx, cancel := context.WithTimeout(ctx, storeTimeout)
	sent, oldest, heldSince, err := w.store.RecentPushes(sctx, d.ChatID, now.Add(-capWindow))
	cancel()
	if err != nil {
		if ctx.Err() == nil {
			w.storeFailed("count recent pushes", err)
			w.sleep(ctx, w.opt.ErrorPause, nil)
		}
		return false, false
	}
	limit := w.perHour(d)
	if sent < limit && heldSince.IsZero() {
		return false, true
	}
	if heldSince.IsZero() {
		heldSince = now
	}
	due := heldSince.Add(w.opt.DigestInterval)
	if sent < limit {
		due = now // a slot is free: the stories held so far go now
	} else if free := oldest.Add(capWindow); free.Before(due) {
		due = free
	}
	w.record(ctx, "hold", d, func(c context.Context) error {
		return w.store.Hold(c, d.ID, now, due)
	})
	w.log.Debug("delivery: held for the digest", "delivery", d.ID, "chat", d.ChatID, "story", d.StoryID,
		"pushes_this_hour", sent, "digest_at", due)
	return true, true
}

// sendDigest sends every story held for d's chat (or forum thread) in one
// message and marks them all sent in one transaction right after, so a
// crash repeats at most that one digest.
func (w *Worker) sendDigest(ctx context.Context, d news.Delivery) {
	log := w.log.With("chat", d.ChatID)
	sctx, cancel := context.WithTimeout(ctx, storeTimeout)
	rows, err := w.store.HeldDeliveries(sctx, d.Target())
	cancel()
	if err != nil {
		if ctx.Err() == nil {
			w.storeFailed("read held stories", err)
			w.sleep(ctx, w.opt.ErrorPause, nil)
		}
		return
	}
	if len(rows) == 0 {
		return // sent meanwhile
	}
	pushes := make([]news.Push, len(rows))
	ids := make([]int64, len(rows))
	for i, r := range rows {
		pushes[i], ids[i] = r.Push, r.ID
	}
	sctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), w.opt.SendTimeout)
	msgID, err := w.opt.Digester.SendDigest(sctx, d.Target(), pushes)
	cancel()
	at := w.now()
	w.landed(d, at)
	if err != nil {
		w.refused(ctx, log, rows, err, at)
		return
	}
	w.record(ctx, "mark digest sent", d, func(c context.Context) error {
		return w.store.MarkDigestSent(c, ids, msgID, at)
	})
	log.Debug("delivery: digest sent", "message", msgID, "stories", len(rows))
	w.obs.DigestSent(d.ChatID, len(rows))
	for _, r := range rows {
		r.Status, r.MessageID, r.SentAt, r.LastError = news.DeliverySent, msgID, at, ""
		r.Attempts++
		w.obs.Sent(r, at.Sub(r.CreatedAt))
	}
}
