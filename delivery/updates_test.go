package delivery_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/ajel-news/ajel/delivery"
	"github.com/ajel-news/ajel/news"
)

// memUpdates is an in-memory UpdateStore.
type memUpdates struct {
	mu          sync.Mutex
	due         []news.Update
	sent        map[int64]int
	retried     map[int64]time.Time
	failed      map[int64]string
	deactivated []int64
	recent      int
	oldest      time.Time
	passes      int // calls of DueFollowUpdates: one a pass
}

// passesBegun is how many passes the updater began.
func (m *memUpdates) passesBegun() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.passes
}

func (m *memUpdates) DueFollowUpdates(_ context.Context, now time.Time, _ int) ([]news.Update, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.passes++
	var out []news.Update
	for _, u := range m.due {
		if _, done := m.sent[u.ID]; done {
			continue
		}
		if _, done := m.failed[u.ID]; done {
			continue
		}
		if at, ok := m.retried[u.ID]; ok && at.After(now) {
			continue
		}
		if slicesContains(m.deactivated, u.ChatID) {
			continue
		}
		out = append(out, u)
	}
	return out, nil
}

func slicesContains(xs []int64, x int64) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func (m *memUpdates) MarkFollowUpdateSent(_ context.Context, id int64, msg int, _ time.Time, _ string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent[id] = msg
	return nil
}

func (m *memUpdates) RetryFollowUpdate(_ context.Context, id int64, next time.Time, _ string, _ bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.retried[id] = next
	return nil
}

func (m *memUpdates) FailFollowUpdate(_ context.Context, id int64, reason string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.failed[id] = reason
	return nil
}

func (m *memUpdates) RecentPushes(context.Context, int64, time.Time) (int, time.Time, time.Time, error) {
	return m.recent, m.oldest, time.Time{}, nil
}

func (m *memUpdates) DeactivateChat(_ context.Context, chatID int64, _ string) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.deactivated = append(m.deactivated, chatID)
	return 0, nil
}

type updateSender struct {
	mu    sync.Mutex
	calls []news.Update
	err   map[int64]error // by chat
}

func (s *updateSender) SendUpdate(_ context.Context, u news.Update) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, u)
	if err := s.err[u.ChatID]; err != nil {
		return 0, err
	}
	return 500 + len(s.calls), nil
}

func TestUpdaterSendsRepliesAndRespectsTheReader(t *testing.T) {
	night := time.Date(2026, 6, 1, 23, 0, 0, 0, time.UTC)
	store := &memUpdates{sent: map[int64]int{}, retried: map[int64]time.Time{}, failed: map[int64]string{},
		due: []news.Update{
			{ID: 1, ChatID: 1, StoryID: 9, ReplyTo: 77, Facts: []string{"ارتفعت الحصيلة إلى 9"}},
			{ID: 2, ChatID: 2, StoryID: 9, ReplyTo: 78, Facts: []string{"f"}, Quiet: news.QuietHours{From: 22, To: 7}},
			{ID: 3, ChatID: 3, StoryID: 9, ReplyTo: 79, Facts: []string{"f"}, Rings: news.RingAll},
			{ID: 4, ChatID: 4, StoryID: 9, ReplyTo: 80, Facts: []string{"f"}}, // blocked the bot
			{ID: 5, ChatID: 5, StoryID: 9, ReplyTo: 81, Facts: []string{"f"}, MaxPerHour: 3},
		}}
	store.recent, store.oldest = 3, night.Add(-40*time.Minute)
	sender := &updateSender{err: map[int64]error{4: &news.SendError{Kind: news.SendForbidden, Code: 403, Description: "Forbidden: bot was blocked by the user"}}}
	u := delivery.NewUpdater(store, sender, delivery.UpdaterOptions{Now: func() time.Time { return night }, Poll: time.Hour})
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- u.Run(ctx) }()
	waitFor(t, "every update handled", func() bool {
		store.mu.Lock()
		defer store.mu.Unlock()
		return len(store.sent)+len(store.deactivated)+len(store.retried) == 5
	})
	// Two more passes, each woken by Notify: once the third has begun the
	// second is over, and it may have sent nothing again.
	for range 2 {
		n := store.passesBegun()
		u.Notify()
		waitFor(t, "another pass", func() bool { return store.passesBegun() > n })
	}
	cancel()
	<-done

	byChat := map[int64]news.Update{}
	calls := map[int64]int{}
	for _, c := range sender.calls {
		byChat[c.ChatID] = c
		calls[c.ChatID]++
	}
	if c := byChat[1]; c.ReplyTo != 77 || !c.Silent {
		t.Errorf("chat 1: %+v (updates are silent unless the chat rings for everything)", c)
	}
	if c := byChat[2]; !c.Silent {
		t.Error("an update rang in quiet hours")
	}
	if c := byChat[3]; c.Silent {
		t.Error("a chat that rings for everything got a silent update")
	}
	if calls[4] != 1 || !slicesContains(store.deactivated, 4) {
		t.Errorf("a blocked follower: %d calls, deactivated %v (want one call, no retries)", calls[4], store.deactivated)
	}
	if calls[5] != 0 || !store.retried[5].Equal(night.Add(20*time.Minute)) {
		t.Errorf("a chat at its hourly limit: %d calls, retry at %s (want none, at the free slot)", calls[5], store.retried[5])
	}
}
