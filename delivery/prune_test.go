package delivery_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ajel-news/ajel/delivery"
	"github.com/ajel-news/ajel/storage"
	"github.com/ajel-news/ajel/storage/storagetest"
)

// Retention runs while a story fans out to 10,000 readers, with a clock so
// far ahead that every sent row and the article itself are past it: the
// sent rows go as the fan-out goes on, the pending ones and the article
// they carry stay, and every reader gets the story once.
func TestPruneDuringAFanOutOfTenThousand(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 readers")
	}
	const readers = 10_000
	db := storagetest.Open(t)
	storagetest.Readers(t, db, 1, readers, "syria")
	if n := addStory(t, db, "s1", "syria", true); n != readers {
		t.Fatalf("queued %d", n)
	}
	sender := newSender(time.Now)
	w := delivery.New(db, sender, delivery.Options{Rate: 5_000, Concurrency: 16, PollInterval: 20 * time.Millisecond})
	stop := start(t, w)

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	type result struct {
		pruned            int
		articles, stories int
		rounds            int
		longest           time.Duration
		err               error
	}
	done := make(chan result, 1)
	later := time.Now().Add(100 * 24 * time.Hour)
	go func() {
		var r result
		for ctx.Err() == nil {
			p, err := db.Prune(ctx, later, storage.Retention{Deliveries: time.Hour, Articles: time.Hour, Batch: 500})
			if err != nil && ctx.Err() == nil {
				r.err = err
				break
			}
			r.pruned += p.Deliveries
			r.articles, r.stories = r.articles+p.Articles, r.stories+p.Stories
			r.rounds++
			r.longest = max(r.longest, p.LongestLock)
			if p.Articles+p.Stories != 0 {
				// Right only if the fan-out had ended (its last rows sent
				// while drained looked): then nothing is pending now.
				if box, err := db.Outbox(context.WithoutCancel(ctx)); err != nil || box.Pending != 0 {
					r.err = fmt.Errorf("pruned %d articles and %d stories while rows were pending (%+v, %v)", p.Articles, p.Stories, box, err)
				}
				break
			}
			time.Sleep(100 * time.Millisecond) // retention runs every 10 min; here often
		}
		done <- r
	}()
	drained(t, db)
	cancel()
	r := <-done
	stop()
	if r.err != nil {
		t.Fatal(r.err)
	}
	got := sender.delivered()
	if len(got) != readers {
		t.Fatalf("%d readers got the story, want %d", len(got), readers)
	}
	for key, n := range got {
		if n != 1 {
			t.Errorf("%s: %d times", key, n)
		}
	}
	if r.pruned == 0 {
		t.Errorf("no sent row was pruned during the fan-out (%d rounds): the test did not overlap", r.rounds)
	}
	t.Logf("%d prune rounds during the fan-out removed %d sent rows; longest batch %s", r.rounds, r.pruned, r.longest)
	// Once nothing is pending the rest goes: rows, article, story.
	p, err := db.Prune(t.Context(), later, storage.Retention{Deliveries: time.Hour, Articles: time.Hour})
	if err != nil || p.Deliveries+r.pruned != readers || p.Articles+r.articles != 1 || p.Stories+r.stories != 1 {
		t.Errorf("final prune %+v (%v), want the remaining %d rows, the article and the story", p, err, readers-r.pruned)
	}
}
