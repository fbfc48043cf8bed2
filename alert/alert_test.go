package alert_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ajel-news/ajel/alert"
	"github.com/ajel-news/ajel/feed"
	"github.com/ajel-news/ajel/internal/testclock"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/storage"
	"github.com/ajel-news/ajel/storage/storagetest"
)

var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// teller records what admins would be told: each message's problems.
type teller struct {
	mu     sync.Mutex
	admins []int64
	sent   map[int64][]string
	// refuse, when set, answers a send instead of Telegram taking it.
	refuse func(chatID int64) error
}

func newTeller(admins ...int64) *teller { return &teller{admins: admins, sent: map[int64][]string{}} }

func (t *teller) Admins() []int64 { return t.admins }

// AlertText writes "+kind:feed" for each start and "-kind:feed" for each
// end, one a line.
func (t *teller) AlertText(started, ended []news.Alert, _ time.Time) string {
	var lines []string
	for _, a := range started {
		lines = append(lines, fmt.Sprintf("+%s:%d %s", a.Kind, a.FeedID, a.Source))
	}
	for _, a := range ended {
		lines = append(lines, fmt.Sprintf("-%s:%d %s", a.Kind, a.FeedID, a.Source))
	}
	return strings.Join(lines, "\n")
}

func (t *teller) SendAlert(_ context.Context, chatID int64, html string) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.refuse != nil {
		if err := t.refuse(chatID); err != nil {
			return 0, err
		}
	}
	t.sent[chatID] = append(t.sent[chatID], html)
	return len(t.sent[chatID]), nil
}

func (t *teller) messages(chatID int64) []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.sent[chatID])
}

// store is the real database, with what a test sets in place of the
// outbox's oldest waiting push and the feeds' WebSub state.
type store struct {
	*storage.DB
	mu     sync.Mutex
	oldest time.Time
	websub map[int64]news.WebSubStatus
}

func (s *store) OldestWaitingDelivery(context.Context) (time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.oldest, nil
}

func (s *store) Feeds(ctx context.Context) ([]news.Feed, error) {
	feeds, err := s.DB.Feeds(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range feeds {
		if ws, ok := s.websub[feeds[i].ID]; ok {
			feeds[i].WebSub = ws
		}
	}
	return feeds, err
}

type rig struct {
	t      *testing.T
	clock  *testclock.Clock
	db     *storage.DB
	store  *store
	teller *teller
	opt    alert.Options
	w      *alert.Watcher
	size   int64
}

func newRig(t *testing.T, mod func(*alert.Options)) *rig {
	r := &rig{t: t, clock: testclock.New(start), db: storagetest.Open(t), teller: newTeller(1, 2)}
	r.db.Now = r.clock.Now
	r.store = &store{DB: r.db, websub: map[int64]news.WebSubStatus{}}
	r.opt = alert.Options{After: 6 * time.Hour, Now: r.clock.Now, DatabaseBytes: func() int64 { return r.size }}
	if mod != nil {
		mod(&r.opt)
	}
	r.w = alert.New(r.store, r.teller, r.opt)
	return r
}

// restart is a new process on the same database.
func (r *rig) restart() { r.w = alert.New(r.store, r.teller, r.opt) }

// tick checks and sends, as one turn of Run.
func (r *rig) tick() {
	r.t.Helper()
	if err := r.w.Check(r.t.Context()); err != nil {
		r.t.Fatal(err)
	}
	if err := r.w.Flush(r.t.Context()); err != nil {
		r.t.Fatal(err)
	}
}

// run ticks every minute for d.
func (r *rig) run(d time.Duration) { r.runEvery(d, time.Minute) }

// runEvery ticks every step for d.
func (r *rig) runEvery(d, step time.Duration) {
	r.t.Helper()
	for end := r.clock.Now().Add(d); r.clock.Now().Before(end); {
		r.clock.Add(step)
		r.tick()
	}
}

func (r *rig) addFeed(url, title string) news.Feed {
	r.t.Helper()
	f, err := r.db.AddFeed(r.t.Context(), news.Feed{URL: url, Title: title})
	if err != nil {
		r.t.Fatal(err)
	}
	f.Primed, f.LastSuccessAt = true, r.clock.Now()
	r.update(f)
	return f
}

func (r *rig) update(f news.Feed) {
	r.t.Helper()
	if err := r.db.UpdateFeed(r.t.Context(), f); err != nil {
		r.t.Fatal(err)
	}
}

func (r *rig) feed(id int64) news.Feed {
	r.t.Helper()
	f, err := r.db.Feed(r.t.Context(), id)
	if err != nil {
		r.t.Fatal(err)
	}
	return f
}

func (r *rig) fail(id int64) {
	f := r.feed(id)
	f.Failures++
	f.LastError, f.LastErrorAt = "feed: server answered 503 Service Unavailable", r.clock.Now()
	r.update(f)
}

func (r *rig) recover(id int64) {
	f := r.feed(id)
	f.Failures, f.LastSuccessAt = 0, r.clock.Now()
	r.update(f)
}

// told is what admin 1 was told, and admin 2 must have been told the same.
func (r *rig) told() []string {
	r.t.Helper()
	a, b := r.teller.messages(1), r.teller.messages(2)
	if !slices.Equal(a, b) {
		r.t.Errorf("the admins were told different things: %q and %q", a, b)
	}
	return a
}

func TestAFailingFeedIsToldOnceWhenItStartsAndOnceWhenItEnds(t *testing.T) {
	r := newRig(t, nil)
	f := r.addFeed("https://www.hespress.com/feed", "Hespress - Article Feed")
	r.run(time.Hour)
	r.recover(f.ID)
	// Failing every 15 minutes: nothing said before ALERT_AFTER.
	for range 23 {
		r.fail(f.ID)
		r.run(15 * time.Minute)
	}
	if got := r.told(); len(got) != 0 {
		t.Fatalf("told before ALERT_AFTER: %q", got)
	}
	r.fail(f.ID)
	r.run(20 * time.Minute)
	if got := r.told(); len(got) != 1 || got[0] != fmt.Sprintf("+feed_failing:%d Hespress", f.ID) {
		t.Fatalf("told %q, want one start naming the feed", got)
	}
	// Still failing for a day, and a restart: nothing more.
	for range 24 {
		r.fail(f.ID)
		r.runEvery(time.Hour, 10*time.Minute)
		if r.clock.Now().Hour() == 3 {
			r.restart()
		}
	}
	// It recovers and fails again within minutes, three times: no storm.
	for range 3 {
		r.recover(f.ID)
		r.run(5 * time.Minute)
		r.fail(f.ID)
		r.run(10 * time.Minute)
	}
	if got := r.told(); len(got) != 1 {
		t.Fatalf("told %q, want still the one start", got)
	}
	// It recovers for good: its end is told once, after it stayed well.
	r.recover(f.ID)
	r.run(20 * time.Minute)
	r.restart()
	r.run(20 * time.Minute)
	r.run(3 * time.Hour)
	if got := r.told(); len(got) != 2 || got[1] != fmt.Sprintf("-feed_failing:%d Hespress", f.ID) {
		t.Fatalf("told %q, want the start then the end", got)
	}
}

func TestProblemsThatStartTogetherAreOneMessage(t *testing.T) {
	r := newRig(t, nil)
	var ids []int64
	for i := range 5 {
		ids = append(ids, r.addFeed(fmt.Sprintf("https://s%d.example/rss", i), fmt.Sprintf("مصدر %d", i)).ID)
	}
	r.clock.Add(time.Minute)
	for _, id := range ids {
		r.fail(id)
	}
	r.store.mu.Lock()
	r.store.oldest = r.clock.Now().Add(-11 * time.Minute)
	r.store.mu.Unlock()
	r.run(6*time.Hour + time.Minute)
	got := r.told()
	if len(got) != 2 {
		t.Fatalf("told %q, want the outbox at once, then the five feeds together", got)
	}
	if got[0] != "+outbox_stuck:0 " {
		t.Errorf("first message %q", got[0])
	}
	if lines := strings.Split(got[1], "\n"); len(lines) != 5 {
		t.Errorf("second message %q, want the five feeds", got[1])
	}
	// They all recover: one message for the ends.
	r.store.mu.Lock()
	r.store.oldest = time.Time{}
	r.store.mu.Unlock()
	for _, id := range ids {
		r.recover(id)
	}
	r.run(time.Hour)
	got = r.told()
	if len(got) != 3 || len(strings.Split(got[2], "\n")) != 6 || !strings.HasPrefix(got[2], "-outbox_stuck") {
		t.Errorf("told %q, want one message of six ends", got)
	}
}

func TestASilentFeed(t *testing.T) {
	r := newRig(t, nil)
	f := r.addFeed("https://daily.example/rss", "Daily")
	// Two weeks of one item a day at 09:05 UTC: its longest usual gap is
	// 22 hours (08–10 usual), so it is silent after 66 hours without one.
	f = r.feed(f.ID)
	prev := time.Time{}
	for d := range 14 {
		at := start.Add(time.Duration(d)*24*time.Hour + 5*time.Minute)
		feed.Learn(&f.Rhythm, []news.Article{{PublishedAt: at}}, prev, at.Add(time.Minute), 1)
		prev = at.Add(time.Minute)
	}
	last := f.Rhythm.LastPublished
	r.clock.Set(last.Add(time.Hour))
	f.LastSuccessAt = r.clock.Now()
	r.update(f)
	if gap := feed.LongestGap(&f.Rhythm, r.clock.Now()); gap != 22*time.Hour {
		t.Fatalf("its longest usual gap is %s, want 22h", gap)
	}
	r.runEvery(64*time.Hour, 10*time.Minute)
	if got := r.told(); len(got) != 0 {
		t.Fatalf("told %q within its usual rhythm", got)
	}
	r.run(2 * time.Hour)
	if got := r.told(); len(got) != 1 || !strings.HasPrefix(got[0], "+feed_silent") {
		t.Fatalf("told %q, want it silent after three times its gap", got)
	}
	// Weeks of silence: its rhythm fades, it is still one problem.
	r.runEvery(10*24*time.Hour, time.Hour)
	if got := r.told(); len(got) != 1 {
		t.Fatalf("told %q during the silence", got)
	}
	// It publishes again: the end.
	f = r.feed(f.ID)
	now := r.clock.Now()
	feed.Learn(&f.Rhythm, []news.Article{{PublishedAt: now}}, now.Add(-time.Minute), now, 1)
	r.update(f)
	r.run(time.Hour)
	if got := r.told(); len(got) != 2 || !strings.HasPrefix(got[1], "-feed_silent") {
		t.Errorf("told %q, want its end once it published", got)
	}
}

func TestPagesThatKeepFailing(t *testing.T) {
	r := newRig(t, nil)
	f := r.addFeed("https://teasers.example/rss", "Teasers")
	ctx := t.Context()
	// Two failures, a success: not a problem.
	for _, failure := range []string{"page text is not the story", "page text is not the story", ""} {
		if err := r.db.RecordPage(ctx, f.ID, failure); err != nil {
			t.Fatal(err)
		}
		r.run(3 * time.Hour)
	}
	for range 10 {
		if err := r.db.RecordPage(ctx, f.ID, "feed: page is not HTML"); err != nil {
			t.Fatal(err)
		}
		r.run(time.Hour)
	}
	got := r.told()
	if len(got) != 1 || !strings.HasPrefix(got[0], "+pages_failing") {
		t.Fatalf("told %q, want the pages failing once", got)
	}
	if err := r.db.RecordPage(ctx, f.ID, ""); err != nil {
		t.Fatal(err)
	}
	r.run(time.Hour)
	if got := r.told(); len(got) != 2 || !strings.HasPrefix(got[1], "-pages_failing") {
		t.Errorf("told %q, want the end after a page worked", got)
	}
}

func TestWebSubFailingAndTheDatabaseSize(t *testing.T) {
	r := newRig(t, func(o *alert.Options) { o.DatabaseSize = 2e9 })
	f := r.addFeed("https://hub.example/rss", "Hub")
	r.store.mu.Lock()
	r.store.websub[f.ID] = news.WebSubStatus{State: news.WebSubFailed, Reason: "hub answered 500"}
	r.store.mu.Unlock()
	r.size = 1_900_000_000
	r.run(5 * time.Hour)
	if got := r.told(); len(got) != 0 {
		t.Fatalf("told %q before ALERT_AFTER", got)
	}
	r.size = 2_100_000_000
	r.run(time.Hour + 2*time.Minute)
	got := r.told()
	if len(got) != 2 || got[0] != "+database_size:0 " || !strings.HasPrefix(got[1], "+websub_failed") {
		t.Fatalf("told %q, want the database at once and WebSub after ALERT_AFTER", got)
	}
	// Just under the limit is not yet back under it (no flapping around
	// the limit); well under it is.
	r.size = 1_990_000_000
	r.run(time.Hour)
	if got := r.told(); len(got) != 2 {
		t.Fatalf("told %q just under the limit", got)
	}
	r.size = 1_500_000_000
	r.store.mu.Lock()
	r.store.websub[f.ID] = news.WebSubStatus{State: news.WebSubActive}
	r.store.mu.Unlock()
	r.run(time.Hour)
	if got := r.told(); len(got) != 3 || !strings.Contains(got[2], "-database_size") || !strings.Contains(got[2], "-websub_failed") {
		t.Errorf("told %q, want both ends in one message", got)
	}
}

// A deleted feed's problem is forgotten without a message: the admin
// deleted it.
func TestADeletedFeedIsForgotten(t *testing.T) {
	r := newRig(t, nil)
	f := r.addFeed("https://gone.example/rss", "Gone")
	r.fail(f.ID)
	r.run(7 * time.Hour)
	if len(r.told()) != 1 {
		t.Fatal("the failure was not told")
	}
	if err := r.db.DeleteFeed(t.Context(), f.ID); err != nil {
		t.Fatal(err)
	}
	r.run(2 * time.Hour)
	if got := r.told(); len(got) != 1 {
		t.Errorf("told %q after the feed was deleted", got)
	}
	if states, err := r.db.AlertStates(t.Context()); err != nil || len(states) != 0 {
		t.Errorf("states %+v, %v; want none", states, err)
	}
}

// A message Telegram refuses for now (a 429, the network) is sent later,
// once; one it can never take (an admin who never opened the bot) is
// given up, and the others still go.
func TestMessagesWaitTheirTurn(t *testing.T) {
	r := newRig(t, nil)
	f := r.addFeed("https://a.example/rss", "A")
	var refusals []error
	r.teller.refuse = func(chatID int64) error {
		if chatID == 2 {
			return &news.SendError{Kind: news.SendForbidden, Code: 403, Description: "Forbidden: bot was blocked by the user"}
		}
		if len(refusals) == 0 {
			return nil
		}
		err := refusals[0]
		refusals = refusals[1:]
		return err
	}
	refusals = []error{
		&news.SendError{Kind: news.SendRateLimited, Code: 429, RetryAfter: 40 * time.Second},
		&news.SendError{Kind: news.SendFailed, Description: "connection reset"},
		&news.SendError{Kind: news.SendFailed, Code: 502, Description: "Bad Gateway"},
	}
	r.fail(f.ID)
	r.clock.Add(6*time.Hour + time.Minute)
	r.tick() // queued; the 429
	if got := r.teller.messages(1); len(got) != 0 {
		t.Fatalf("sent %q through a 429", got)
	}
	r.clock.Add(20 * time.Second)
	r.tick() // before retry_after: not tried
	if len(refusals) != 2 {
		t.Fatalf("tried again before retry_after: %d refusals left", len(refusals))
	}
	for range 10 {
		r.clock.Add(30 * time.Second)
		r.tick()
	}
	if got := r.teller.messages(1); len(got) != 1 {
		t.Fatalf("admin 1 got %q, want the alert once after the refusals", got)
	}
	if got := r.teller.messages(2); len(got) != 0 {
		t.Errorf("admin 2 (blocked) got %q", got)
	}
	r.run(time.Hour)
	if got := r.teller.messages(1); len(got) != 1 {
		t.Errorf("admin 1 got %q, want it once", got)
	}
}
