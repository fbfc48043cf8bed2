package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ajel-news/ajel/storage"
)

// settleBound is how long a test waits for the app's state before it gives
// up: generous, because a loaded machine under -race is slow, and a
// healthy run never comes near it.
const settleBound = 60 * time.Second

// waitDB polls cond on the database every 20ms until it holds, failing the
// test after settleBound with what and cond's last word.
func waitDB(t testing.TB, what string, cond func(ctx context.Context) (bool, string)) {
	t.Helper()
	ctx := t.Context()
	deadline := time.Now().Add(settleBound)
	for {
		ok, state := cond(ctx)
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s; last: %s", settleBound, what, state)
		}
		select {
		case <-ctx.Done():
			t.Fatalf("waiting for %s: %v; last: %s", what, ctx.Err(), state)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// awaitPrimed waits until n feeds have had their first successful poll,
// which records their items and pushes none.
func awaitPrimed(t testing.TB, db *storage.DB, n int) {
	t.Helper()
	waitDB(t, fmt.Sprintf("%d primed feeds", n), func(ctx context.Context) (bool, string) {
		feeds, err := db.Feeds(ctx)
		if err != nil {
			return false, err.Error()
		}
		primed := 0
		for _, f := range feeds {
			if f.Primed {
				primed++
			}
		}
		return primed >= n, fmt.Sprintf("%d feeds, %d primed", len(feeds), primed)
	})
}

// awaitPolls waits until every feed has finished n polls that began after
// the call, and nothing is left waiting: no push pending in the outbox, no
// edit, no update in the inbox. Whatever those polls found has then been
// stored and sent, so a test can check that nothing more arrived.
//
// A poll ends by saving the time it succeeded or failed; the first change
// seen may be a poll that was already running, so n+1 changes are awaited.
func awaitPolls(t testing.TB, db *storage.DB, n int) {
	t.Helper()
	type mark struct{ success, failure time.Time }
	last := map[int64]mark{}
	changes := map[int64]int{}
	waitDB(t, fmt.Sprintf("%d more polls of every feed and an idle outbox", n), func(ctx context.Context) (bool, string) {
		feeds, err := db.Feeds(ctx)
		if err != nil {
			return false, err.Error()
		}
		done := true
		for _, f := range feeds {
			m := mark{f.LastSuccessAt, f.LastErrorAt}
			if prev, seen := last[f.ID]; seen && m != prev {
				changes[f.ID]++
			}
			last[f.ID] = m
			if changes[f.ID] < n+1 {
				done = false
			}
		}
		if !done {
			return false, fmt.Sprintf("polls finished since the call, by feed: %v", changes)
		}
		return idle(ctx, db)
	})
}

// awaitIdle waits until nothing is left waiting in the database: no push
// pending in the outbox, no edit, no update in the inbox.
func awaitIdle(t testing.TB, db *storage.DB) {
	t.Helper()
	waitDB(t, "an idle outbox and inbox", func(ctx context.Context) (bool, string) { return idle(ctx, db) })
}

// idle reports whether nothing waits in db: no pending push, no pending
// edit, no queued update; state says what does.
func idle(ctx context.Context, db *storage.DB) (bool, string) {
	box, err := db.Outbox(ctx)
	if err != nil {
		return false, err.Error()
	}
	edits, err := db.PendingEdits(ctx, 1)
	if err != nil {
		return false, err.Error()
	}
	ups, err := db.PendingUpdates(ctx, 0, 1)
	if err != nil {
		return false, err.Error()
	}
	return box.Pending == 0 && len(edits) == 0 && len(ups) == 0,
		fmt.Sprintf("%d pushes pending, %d+ edits, %d+ updates queued", box.Pending, len(edits), len(ups))
}
