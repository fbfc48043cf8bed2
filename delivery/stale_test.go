package delivery_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ajel-news/ajel/delivery"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/storage/storagetest"
)

// staleRead hands the worker one read of the outbox taken while a
// message's record (MarkSent, or MarkEdited when edits is set) was still
// being written, by the time that record has landed and the chat is free
// and ready again (the clock two seconds on): a slow disk under load.
type staleRead struct {
	delivery.Store
	edits  bool
	chatID int64
	clock  *fakeClock
	w      *delivery.Worker

	armed         atomic.Bool // the next held record is the one
	held, release chan struct{}
	holdOnce      sync.Once
	staleOnce     sync.Once
	served        atomic.Bool
}

func newStaleRead(store delivery.Store, clock *fakeClock, chatID int64, edits bool) *staleRead {
	return &staleRead{Store: store, edits: edits, chatID: chatID, clock: clock,
		held: make(chan struct{}), release: make(chan struct{})}
}

// hold keeps the first record once armed waiting until the stale read is
// handed out.
func (s *staleRead) hold() {
	if !s.armed.Load() {
		return
	}
	s.holdOnce.Do(func() {
		close(s.held)
		<-s.release
	})
}

// stale runs after a read: with the chat's message in flight, it waits
// for its record to be held, moves the clock on, lets the record land and
// waits for the chat to be free before the rows go back.
func (s *staleRead) stale() {
	if !s.armed.Load() || !delivery.InFlight(s.w, s.chatID) {
		return
	}
	s.staleOnce.Do(func() {
		<-s.held
		s.clock.Set(s.clock.Now().Add(2 * time.Second))
		close(s.release)
		for delivery.InFlight(s.w, s.chatID) {
			time.Sleep(time.Millisecond)
		}
		s.served.Store(true)
	})
}

func (s *staleRead) MarkSent(ctx context.Context, id int64, messageID int, at time.Time, paid bool, seq int) error {
	if !s.edits {
		s.hold()
	}
	return s.Store.MarkSent(ctx, id, messageID, at, paid, seq)
}

func (s *staleRead) MarkEdited(ctx context.Context, id int64, seq int) error {
	if s.edits {
		s.hold()
	}
	return s.Store.MarkEdited(ctx, id, seq)
}

func (s *staleRead) PendingDeliveries(ctx context.Context, now time.Time, limit int) ([]news.Delivery, error) {
	rows, err := s.Store.PendingDeliveries(ctx, now, limit)
	if !s.edits {
		s.stale()
	}
	return rows, err
}

func (s *staleRead) PendingEdits(ctx context.Context, limit int) ([]news.Delivery, error) {
	rows, err := s.Store.PendingEdits(ctx, limit)
	if s.edits {
		s.stale()
	}
	return rows, err
}

// A row read before its chat's message landed and was recorded is not
// sent (or edited) again when the worker walks it after the record, with
// the chat free and ready by then: the worker reads again first.
func TestStaleReadSendsNothingTwice(t *testing.T) {
	for _, edits := range []bool{false, true} {
		name := map[bool]string{false: "send", true: "edit"}[edits]
		t.Run(name, func(t *testing.T) {
			f := newFakeWorld(t)
			ed := &fakeEditor{now: f.clock.Now, script: map[int64][]error{}}
			f.opt.Editor = ed
			storagetest.Chat(t, f.db, 1, news.ChatPrivate, "syria")
			addStory(t, f.db, "s1", "syria", false)
			st := newStaleRead(f.db, f.clock, 1, edits)
			w := f.worker(st)
			st.w = w
			st.armed.Store(!edits)
			stop := start(t, w)
			drained(t, f.db)
			if edits {
				st.armed.Store(true)
				joinStory(t, f.db, "s1", "وكالة ثانية")
				w.Notify()
				waitFor(t, "no edit left", noEditsLeft(t, f.db))
			}
			waitFor(t, "the stale read", st.served.Load)
			// The worker then walks the stale rows and idles: its fake
			// clock moves on only when it waits.
			before := f.clock.Now()
			waitFor(t, "the worker to move on", func() bool { return f.clock.Now().After(before.Add(time.Second)) })
			stop()
			if got := len(f.sender.all()); got != 1 {
				t.Errorf("%d sends, want 1", got)
			}
			if want := map[bool]int{false: 0, true: 1}[edits]; len(ed.all()) != want {
				t.Errorf("%d edits, want %d", len(ed.all()), want)
			}
		})
	}
}
