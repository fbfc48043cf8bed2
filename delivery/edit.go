package delivery

import (
	"context"
	"errors"

	"github.com/ajel-news/ajel/news"
)

// editPass edits, in order, the sent pushes whose story changed and whose
// chats are ready, each through the same budget, flights and per-chat
// pacing as a send (Telegram counts edits too). Edits are best-effort: any
// refusal but a 429 clears the edit.
func (w *Worker) editPass(ctx context.Context) passResult {
	var res passResult
	if w.opt.Editor == nil {
		return res
	}
	w.freshRead()
	rows, err := w.store.PendingEdits(ctx, w.opt.BatchSize)
	if err != nil {
		if ctx.Err() == nil {
			w.storeFailed("read pending edits", err)
		}
		return res
	}
	started := w.now()
	for _, d := range rows {
		if ctx.Err() != nil {
			return res
		}
		if w.interrupted(started) {
			res.interrupted = true
			return res
		}
		if w.chatState(d.ChatID) != chatFree {
			continue
		}
		now := w.now()
		if now.Before(w.budget.PausedUntil()) {
			return res
		}
		if !w.chatReady(d, now, &res) {
			continue
		}
		if w.launch(ctx, d, func(bool) { w.edit(ctx, d) }) {
			res.handled++
		}
	}
	return res
}

// followable is the story d's push may be followed for (0: no button).
func (w *Worker) followable(d news.Delivery) int64 {
	if !w.opt.FollowButtons || d.ChatType == news.ChatChannel {
		return 0
	}
	return d.StoryID
}

// edit brings one sent push up to date and records it.
func (w *Worker) edit(ctx context.Context, d news.Delivery) {
	d.Push.FollowStory = w.followable(d) // an edit without it would drop the button
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), w.opt.SendTimeout)
	err := w.opt.Editor.EditPush(sctx, d.ChatID, d.MessageID, d.Push)
	cancel()
	at := w.now()
	w.landed(d, at)
	log := w.log.With("delivery", d.ID, "chat", d.ChatID, "story", d.StoryID, "message", d.MessageID)
	var se *news.SendError
	if err != nil && errors.As(err, &se) {
		switch se.Kind {
		case news.SendRateLimited:
			w.rateLimited(log, se, at) // the edit stays pending
			return
		case news.SendForbidden:
			w.deactivate(ctx, log, d, err.Error()) // clears its edits too
			return
		}
	}
	if err != nil {
		log.Info("delivery: edit refused; not retried", "reason", err.Error())
	} else {
		log.Debug("delivery: edited", "sources", d.Push.OtherSources+1)
	}
	w.obs.Edited(d, err)
	w.record(ctx, "mark edited", d, func(c context.Context) error {
		return w.store.MarkEdited(c, d.ID, d.EditPending)
	})
}
