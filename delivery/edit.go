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
	if w.opt.Editor == nil {
		return passResult{}
	}
	w.freshRead()
	rows, err := w.store.PendingEdits(ctx, w.opt.BatchSize)
	if err != nil {
		if ctx.Err() == nil {
			w.storeFailed("read pending edits", err)
		}
		return passResult{}
	}
	return w.editEach(ctx, rows, func(d news.Delivery) { w.edit(ctx, d) })
}

// editEach starts, in order, edit of each row whose chat is ready, each in
// a flight of its own through the budget and the per-chat pacing. It stops
// early when ctx ends, when Telegram asks the bot to slow down, when new
// rows are queued, or after passWindow.
func (w *Worker) editEach(ctx context.Context, rows []news.Delivery, edit func(news.Delivery)) passResult {
	var res passResult
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
		if w.launch(ctx, d, func(bool) { edit(d) }) {
			res.handled++
		}
	}
	return res
}

// withButtons sets what the buttons under d's push may do: follow the
// story (when follows are on), compare its tellings (readers only: a
// channel's readers cannot be answered there), share it (Push.StoryID).
func (w *Worker) withButtons(d news.Delivery) news.Push {
	p := d.Push
	p.FollowStory, p.Comparable = 0, d.ChatType != news.ChatChannel
	if w.opt.FollowButtons && p.Comparable {
		p.FollowStory = d.StoryID
	}
	if p.StoryID == 0 {
		p.StoryID = d.StoryID
	}
	return p
}

// edit brings one sent push up to date and records it.
func (w *Worker) edit(ctx context.Context, d news.Delivery) {
	d.Push = w.withButtons(d) // an edit without them would drop the buttons
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

// comparisonPass edits, in order, the open comparisons of a story's
// tellings that another outlet joined, each through the same budget,
// flights and per-chat pacing as a push edit. Comparisons posted through
// inline mode have no chat Ajel knows: they are paced as one chat
// (chat 0). Edits are best-effort: any refusal but a 429 clears the edit.
func (w *Worker) comparisonPass(ctx context.Context) passResult {
	if w.opt.Comparisons == nil {
		return passResult{}
	}
	cs, err := w.store.PendingComparisonEdits(ctx, w.opt.BatchSize)
	if err != nil {
		if ctx.Err() == nil {
			w.storeFailed("read pending comparison edits", err)
		}
		return passResult{}
	}
	// What pacing and flights know of a message: its chat.
	rows := make([]news.Delivery, len(cs))
	byID := make(map[int64]news.Comparison, len(cs))
	for i, c := range cs {
		rows[i] = news.Delivery{ID: c.ID, ChatID: c.ChatID, ThreadID: c.ThreadID, ChatType: c.ChatType, StoryID: c.StoryID,
			MessageID: c.MessageID}
		byID[c.ID] = c
	}
	return w.editEach(ctx, rows, func(d news.Delivery) { w.editComparison(ctx, byID[d.ID], d) })
}

// editComparison brings one open comparison up to date and records it.
func (w *Worker) editComparison(ctx context.Context, c news.Comparison, d news.Delivery) {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), w.opt.SendTimeout)
	err := w.opt.Comparisons.EditComparison(sctx, c)
	cancel()
	at := w.now()
	w.landed(d, at)
	log := w.log.With("comparison", c.ID, "chat", c.ChatID, "story", c.StoryID)
	var se *news.SendError
	if err != nil && errors.As(err, &se) {
		switch {
		case se.Kind == news.SendRateLimited:
			w.rateLimited(log, se, at) // the edit stays pending
			return
		case se.Kind == news.SendForbidden && c.ChatID != 0:
			w.deactivate(ctx, log, d, err.Error())
			return
		}
	}
	if err != nil {
		log.Info("delivery: comparison edit refused; not retried", "reason", err.Error())
	} else {
		log.Debug("delivery: comparison edited")
	}
	w.record(ctx, "mark comparison edited", d, func(cx context.Context) error {
		return w.store.MarkComparisonEdited(cx, c.ID, c.EditPending)
	})
}
