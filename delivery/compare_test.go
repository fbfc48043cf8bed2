package delivery_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/storage/storagetest"
)

// fakeComparisons records the comparisons edited; script[id] lists errors
// to return first.
type fakeComparisons struct {
	now    func() time.Time
	mu     sync.Mutex
	script map[int64][]error
	calls  []news.Comparison
	times  []time.Time
}

func (f *fakeComparisons) EditComparison(_ context.Context, c news.Comparison) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	var err error
	if q := f.script[c.ID]; len(q) > 0 {
		err, f.script[c.ID] = q[0], q[1:]
	}
	f.calls = append(f.calls, c)
	f.times = append(f.times, f.now())
	return err
}

func (f *fakeComparisons) all() ([]news.Comparison, []time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]news.Comparison(nil), f.calls...), append([]time.Time(nil), f.times...)
}

// An open comparison — a chat's, a forum thread's, an inline message's —
// is edited when another outlet joins its story, at most once every
// news.EditGap however many join; a 429 leaves it to try again; a chat
// that blocked the bot is deactivated; past its window it is left alone.
func TestComparisonsEditedAsOutletsJoin(t *testing.T) {
	f := newFakeWorld(t)
	cmp := &fakeComparisons{now: f.clock.Now, script: map[int64][]error{}}
	f.opt.Comparisons = cmp
	storagetest.Chat(t, f.db, 1, news.ChatPrivate, "syria")
	storagetest.Chat(t, f.db, 2, news.ChatPrivate, "syria")
	addStory(t, f.db, "s1", "syria", false)
	stop := start(t, f.worker(nil))
	drained(t, f.db)
	stop()
	ds, err := f.db.Deliveries(t.Context(), 1)
	if err != nil {
		t.Fatal(err)
	}
	storyID := ds[0].StoryID
	ctx := t.Context()
	var ids []int64
	for _, c := range []news.Comparison{{ChatID: 1, MessageID: 70}, {ChatID: 2, MessageID: 71}, {InlineMessageID: "AgAA"}} {
		c.StoryID = storyID
		saved, err := f.db.RecordComparison(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, saved.ID)
	}
	cmp.script[ids[0]] = []error{&news.SendError{Kind: news.SendRateLimited, RetryAfter: 3 * time.Second}}
	cmp.script[ids[1]] = []error{&news.SendError{Kind: news.SendForbidden, Description: "Forbidden: bot was blocked by the user"}}

	joinStory(t, f.db, "s1", "الثانية")
	joinStory(t, f.db, "s1", "الثالثة")
	stop = start(t, f.worker(nil))
	waitFor(t, "the comparisons edited", func() bool {
		cs, err := f.db.PendingComparisonEdits(ctx, 10)
		return err == nil && len(cs) == 0 && len(first(cmp.all())) == 4
	})
	stop()
	calls, times := cmp.all()
	count := map[int64]int{}
	for _, c := range calls {
		count[c.ID]++
	}
	// Chat 1: a 429, then the edit; chat 2: blocked, deactivated, once;
	// the inline message: once, by its id.
	if count[ids[0]] != 2 || count[ids[1]] != 1 || count[ids[2]] != 1 {
		t.Errorf("edits by comparison %v (ids %v)", count, ids)
	}
	for i, c := range calls {
		if c.ID == ids[0] && i > 0 && calls[i-1].ID == ids[0] && times[i].Sub(times[i-1]) < 3*time.Second {
			t.Errorf("edited again %s after a 429 asking for 3 s", times[i].Sub(times[i-1]))
		}
		if c.ID == ids[2] && (c.InlineMessageID != "AgAA" || c.ChatID != 0) {
			t.Errorf("the inline comparison %+v", c)
		}
	}
	if chat, _ := f.db.Chat(ctx, 2); chat.Active {
		t.Error("a chat that blocked the bot is still active")
	}

	// Another outlet at once: within news.EditGap of the last edit it
	// waits; then one edit, however many joined meanwhile.
	joinStory(t, f.db, "s1", "الرابعة")
	joinStory(t, f.db, "s1", "الخامسة")
	stop = start(t, f.worker(nil))
	waitFor(t, "the next edits", func() bool { return len(first(cmp.all())) == 6 })
	stop()
	calls, times = cmp.all()
	lastEdit := map[int64]time.Time{}
	for i, c := range calls[:4] {
		lastEdit[c.ID] = times[i]
	}
	for i, c := range calls[4:] {
		if c.ID == ids[1] {
			t.Errorf("a deactivated chat's comparison was edited")
		}
		if gap := times[4+i].Sub(lastEdit[c.ID]); gap < news.EditGap {
			t.Errorf("comparison %d edited again after %s", c.ID, gap)
		}
	}

	// Past its window nothing is edited.
	f.clock.Set(f.clock.Now().Add(news.CompareWindow))
	joinStory(t, f.db, "s1", "السادسة")
	if cs, err := f.db.PendingComparisonEdits(ctx, 10); err != nil || len(cs) != 0 {
		t.Errorf("comparisons past their window: %+v, %v", cs, err)
	}
}

func first[A, B any](a A, _ B) A { return a }
