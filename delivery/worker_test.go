package delivery_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ajel-news/ajel/delivery"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/storage"
	"github.com/ajel-news/ajel/storage/storagetest"
)

// fakeWorld is a database, a sender and options on one virtual clock.
type fakeWorld struct {
	db     *storage.DB
	clock  *fakeClock
	sender *fakeSender
	obs    *countingObserver
	opt    delivery.Options
}

func newFakeWorld(t *testing.T) *fakeWorld {
	t.Helper()
	clock := newFakeClock()
	db := storagetest.Open(t)
	db.Now = clock.Now // rows are queued on the same timeline the worker reads
	obs := &countingObserver{}
	return &fakeWorld{
		db: db, clock: clock, sender: newSender(clock.Now), obs: obs,
		opt: delivery.Options{
			Rate: 25, Now: clock.Now, After: clock.After, Observer: obs,
			ErrorPause: 50 * time.Millisecond,
		},
	}
}

func (f *fakeWorld) worker(store delivery.Store) *delivery.Worker {
	if store == nil {
		store = f.db
	}
	return delivery.New(store, f.sender, f.opt)
}

func TestEveryPendingRowIsSentOnce(t *testing.T) {
	f := newFakeWorld(t)
	storagetest.Chat(t, f.db, 1, news.ChatPrivate, "syria")
	storagetest.Chat(t, f.db, 2, news.ChatPrivate, "syria")
	storagetest.Chat(t, f.db, 3, news.ChatPrivate, "syria", "economy")
	storagetest.Chat(t, f.db, -4, news.ChatGroup, "syria")
	addStory(t, f.db, "s1", "syria", true)
	addStory(t, f.db, "s2", "syria", false)
	addStory(t, f.db, "s3", "economy", false)

	stop := start(t, f.worker(nil))
	drained(t, f.db)
	stop()

	want := map[string]int{
		"1/s1": 1, "2/s1": 1, "3/s1": 1, "-4/s1": 1,
		"1/s2": 1, "2/s2": 1, "3/s2": 1, "-4/s2": 1,
		"3/s3": 1,
	}
	got := f.sender.delivered()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("delivered %v, want %v", got, want)
	}
	for _, c := range f.sender.all() {
		if c.push.Silent == c.push.Breaking {
			t.Errorf("%d/%s: breaking=%v silent=%v; breaking must ring, others be silent",
				c.chatID, c.push.Title, c.push.Breaking, c.push.Silent)
		}
		if c.push.Topic == "" || c.push.Summary == "" || c.push.Source == "" || c.push.URL == "" {
			t.Errorf("push lacks content: %+v", c.push)
		}
	}
	ids := map[int]bool{}
	for _, chat := range []int64{1, 2, 3, -4} {
		for _, d := range delivery1(t, f.db, chat) {
			if d.Status != news.DeliverySent || d.MessageID == 0 || d.Attempts != 1 || d.SentAt.IsZero() {
				t.Errorf("chat %d: %+v, want sent once with a message id", chat, d)
			}
			if ids[d.MessageID] {
				t.Errorf("message id %d recorded twice", d.MessageID)
			}
			ids[d.MessageID] = true
		}
	}
	if n := f.obs.get(&f.obs.sent); n != 9 {
		t.Errorf("observer saw %d sends, want 9", n)
	}
}

func telegramErr(kind news.SendErrorKind, code int, desc string) *news.SendError {
	return &news.SendError{Kind: kind, Code: code, Description: desc}
}

func TestOutcomeOfOneRow(t *testing.T) {
	const a, b = 1, 2 // a fails as scripted; b shares the story and never fails
	limited := telegramErr(news.SendRateLimited, 429, "Too Many Requests: retry after 7")
	limited.RetryAfter = 7 * time.Second
	server := telegramErr(news.SendFailed, 500, "Internal Server Error")
	tests := []struct {
		name         string
		script       []error
		maxAttempts  int
		wantStatus   news.DeliveryStatus
		wantAttempts int
		wantCalls    int
		wantReason   string
		wantGaps     []time.Duration // least time between successive calls into a
	}{
		{"success", nil, 0, news.DeliverySent, 1, 1, "", nil},
		{"429 waits retry_after without burning an attempt", []error{limited}, 0,
			news.DeliverySent, 1, 2, "", []time.Duration{7 * time.Second}},
		{"500 retried with backoff", []error{server, server}, 0,
			news.DeliverySent, 3, 3, "", []time.Duration{10 * time.Second, 20 * time.Second}},
		{"network error retried", []error{errors.New("read tcp: connection reset by peer")}, 0,
			news.DeliverySent, 2, 2, "", []time.Duration{10 * time.Second}},
		{"failure after MaxAttempts keeps the reason", []error{server, server, server, server, server}, 3,
			news.DeliveryFailed, 3, 3, "Internal Server Error", []time.Duration{10 * time.Second, 20 * time.Second}},
		{"bad request fails at once", []error{telegramErr(news.SendBadRequest, 400, "Bad Request: message is too long")}, 0,
			news.DeliveryFailed, 1, 1, "message is too long", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeWorld(t)
			// One message in flight, so b is certainly sent after a's
			// answer; with more, b may already be on its way when the 429
			// lands (TestRateLimitPausesLaterLaunches covers that).
			f.opt.Concurrency = 1
			f.opt.MaxAttempts = tt.maxAttempts
			f.opt.Backoff = func(attempt int) time.Duration { return time.Duration(attempt) * 10 * time.Second }
			storagetest.Chat(t, f.db, a, news.ChatPrivate, "syria")
			storagetest.Chat(t, f.db, b, news.ChatPrivate, "syria")
			addStory(t, f.db, "s1", "syria", false)
			f.sender.script[a] = tt.script

			stop := start(t, f.worker(nil))
			drained(t, f.db)
			stop()

			ds := delivery1(t, f.db, a)
			if len(ds) != 1 {
				t.Fatalf("rows of chat a: %+v", ds)
			}
			d := ds[0]
			if d.Status != tt.wantStatus || d.Attempts != tt.wantAttempts || !strings.Contains(d.LastError, tt.wantReason) {
				t.Errorf("row: status %s attempts %d reason %q; want %s, %d, %q",
					d.Status, d.Attempts, d.LastError, tt.wantStatus, tt.wantAttempts, tt.wantReason)
			}
			calls := f.sender.to(a)
			if len(calls) != tt.wantCalls {
				t.Fatalf("%d sends into a, want %d", len(calls), tt.wantCalls)
			}
			for i, gap := range tt.wantGaps {
				if got := calls[i+1].at.Sub(calls[i].at); got < gap {
					t.Errorf("try %d came %s after the one before, want ≥ %s", i+2, got, gap)
				}
			}
			if bs := f.sender.to(b); len(bs) != 1 || bs[0].err != nil {
				t.Errorf("chat b: %+v, want one successful send", bs)
			}
			if tt.script != nil && errors.Is(tt.script[0], limited) {
				// Flood control is bot-wide: b waits out the pause too.
				if got := f.sender.to(b)[0].at.Sub(calls[0].at); got < limited.RetryAfter {
					t.Errorf("b was sent %s after the 429, want ≥ %s", got, limited.RetryAfter)
				}
				if n := f.obs.get(&f.obs.limited); n != 1 {
					t.Errorf("observer saw %d rate limits, want 1", n)
				}
			}
		})
	}
}

func TestForbiddenDeactivatesChatAndDropsItsRows(t *testing.T) {
	f := newFakeWorld(t)
	storagetest.Chat(t, f.db, 1, news.ChatPrivate, "syria")
	storagetest.Chat(t, f.db, 2, news.ChatPrivate, "syria")
	for i := range 3 {
		addStory(t, f.db, fmt.Sprint("s", i), "syria", false)
	}
	f.sender.script[1] = []error{telegramErr(news.SendForbidden, 403, "Forbidden: bot was blocked by the user")}

	stop := start(t, f.worker(nil))
	drained(t, f.db)
	stop()

	if calls := f.sender.to(1); len(calls) != 1 {
		t.Errorf("%d sends into the blocked chat, want 1", len(calls))
	}
	if calls := f.sender.to(2); len(calls) != 3 {
		t.Errorf("%d sends into the other chat, want 3", len(calls))
	}
	c, err := f.db.Chat(t.Context(), 1)
	if err != nil || c.Active {
		t.Errorf("blocked chat: %+v, %v; want inactive", c, err)
	}
	for _, d := range delivery1(t, f.db, 1) {
		if d.Status != news.DeliveryDropped || !strings.Contains(d.LastError, "blocked") {
			t.Errorf("row of the blocked chat: %s %q, want dropped with the reason", d.Status, d.LastError)
		}
	}
	if n := f.obs.get(&f.obs.deactivated); n != 1 {
		t.Errorf("observer saw %d deactivations, want 1", n)
	}
	// A new story no longer goes there.
	if n := addStory(t, f.db, "later", "syria", false); n != 1 {
		t.Errorf("a later story was queued for %d chats, want 1", n)
	}
}

func TestMigratedGroupMovesAndIsSentThere(t *testing.T) {
	const oldID, newID = -5, -1005
	f := newFakeWorld(t)
	storagetest.Chat(t, f.db, oldID, news.ChatGroup, "syria", "lebanon")
	addStory(t, f.db, "s1", "syria", false)
	addStory(t, f.db, "s2", "lebanon", false)
	migrated := telegramErr(news.SendMigrated, 400, "Bad Request: group chat was upgraded to a supergroup chat")
	migrated.MigrateTo = newID
	f.sender.script[oldID] = []error{migrated}

	stop := start(t, f.worker(nil))
	drained(t, f.db)
	stop()

	if calls := f.sender.to(oldID); len(calls) != 1 {
		t.Errorf("%d sends to the old id, want 1", len(calls))
	}
	if got := f.sender.delivered(); got[fmt.Sprint(newID, "/s1")] != 1 || got[fmt.Sprint(newID, "/s2")] != 1 || len(got) != 2 {
		t.Errorf("delivered %v, want s1 and s2 once each to %d", got, newID)
	}
	if _, err := f.db.Chat(t.Context(), oldID); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("old chat still there: %v", err)
	}
	subs, err := f.db.Subscriptions(t.Context(), news.Target{ChatID: newID})
	if err != nil || len(subs) != 2 {
		t.Errorf("subscriptions of the new id: %+v, %v", subs, err)
	}
	for _, d := range delivery1(t, f.db, newID) {
		if d.Status != news.DeliverySent {
			t.Errorf("row at the new id: %+v", d)
		}
	}
	if n := f.obs.get(&f.obs.migrated); n != 1 {
		t.Errorf("observer saw %d migrations, want 1", n)
	}
}

func TestPerChatPacing(t *testing.T) {
	const private, group, other = 1, -100, 2
	f := newFakeWorld(t)
	storagetest.Chat(t, f.db, private, news.ChatPrivate, "syria")
	storagetest.Chat(t, f.db, group, news.ChatSupergroup, "syria")
	storagetest.Chat(t, f.db, other, news.ChatPrivate, "economy")
	for i := range 25 {
		addStory(t, f.db, fmt.Sprint("s", i), "syria", false)
	}
	addStory(t, f.db, "eco", "economy", false) // queued last, behind 50 waiting rows

	stop := start(t, f.worker(nil))
	drained(t, f.db)
	stop()

	for _, chat := range []int64{private, group} {
		calls := f.sender.to(chat)
		if len(calls) != 25 {
			t.Fatalf("chat %d: %d sends, want 25", chat, len(calls))
		}
		for i := 1; i < len(calls); i++ {
			if gap := calls[i].at.Sub(calls[i-1].at); gap < time.Second {
				t.Errorf("chat %d: sends %d and %d only %s apart", chat, i-1, i, gap)
			}
		}
	}
	g := f.sender.to(group)
	for i := 20; i < len(g); i++ {
		if span := g[i].at.Sub(g[i-20].at); span < time.Minute {
			t.Errorf("group: 21 sends within %s", span)
		}
	}
	if o := f.sender.to(other); len(o) != 1 || !o[0].at.Before(g[20].at) {
		t.Errorf("the other chat waited behind the group's limit: %+v", o)
	}
	// At Rate 25 (burst 2) no second holds more than 27 sends.
	all := f.sender.all()
	for lo, hi := 0, 0; hi < len(all); hi++ {
		for all[hi].at.Sub(all[lo].at) >= time.Second {
			lo++
		}
		if n := hi - lo + 1; n > 27 {
			t.Fatalf("%d sends within a second at Rate 25", n)
		}
	}
	// Titles into one chat keep their order.
	for i, c := range f.sender.to(private) {
		if c.push.Title != fmt.Sprint("s", i) {
			t.Fatalf("send %d into the private chat was %s", i, c.push.Title)
		}
	}
}

func TestFullBatchWaitingOnOneChatDoesNotBlockOthers(t *testing.T) {
	const busy, other = 1, 2
	f := newFakeWorld(t)
	f.opt.BatchSize = 4
	storagetest.Chat(t, f.db, busy, news.ChatPrivate, "syria")
	storagetest.Chat(t, f.db, other, news.ChatPrivate, "economy")
	for i := range 10 {
		addStory(t, f.db, fmt.Sprint("s", i), "syria", false)
	}
	addStory(t, f.db, "eco", "economy", false)

	stop := start(t, f.worker(nil))
	drained(t, f.db)
	stop()

	b := f.sender.to(busy)
	if len(b) != 10 || len(f.sender.delivered()) != 11 {
		t.Fatalf("delivered %v", f.sender.delivered())
	}
	if o := f.sender.to(other); len(o) != 1 || !o[0].at.Before(b[1].at) {
		t.Errorf("the other chat waited behind the busy one: %+v", o)
	}
	for i := 1; i < len(b); i++ {
		if gap := b[i].at.Sub(b[i-1].at); gap < time.Second {
			t.Errorf("busy chat: sends %d and %d only %s apart", i-1, i, gap)
		}
	}
}

func TestStoreErrorsLoseNothing(t *testing.T) {
	f := newFakeWorld(t)
	for id := int64(1); id <= 10; id++ {
		storagetest.Chat(t, f.db, id, news.ChatPrivate, "syria")
	}
	addStory(t, f.db, "s1", "syria", false)
	addStory(t, f.db, "s2", "syria", false)
	f.sender.script[3] = []error{telegramErr(news.SendFailed, 502, "Bad Gateway")}
	store := &flakyStore{Store: f.db, fail: func(method string, n int) bool {
		// The database is locked for a while: the first reads fail, and
		// every other write fails for the first dozen.
		return (method == "PendingDeliveries" && n <= 3) || (method != "PendingDeliveries" && n <= 12 && n%2 == 1)
	}}

	stop := start(t, f.worker(store))
	drained(t, f.db)
	stop()

	got := f.sender.delivered()
	if len(got) != 20 {
		t.Errorf("delivered %d distinct messages, want 20: %v", len(got), got)
	}
	for k, n := range got {
		if n != 1 {
			t.Errorf("%s delivered %d times", k, n)
		}
	}
	if n := f.obs.get(&f.obs.storeErrors); n < 3 {
		t.Errorf("observer saw %d store errors", n)
	}
}

func TestCancelMidFanoutThenResume(t *testing.T) {
	db := storagetest.Open(t)
	for id := int64(1); id <= 40; id++ {
		storagetest.Chat(t, db, id, news.ChatPrivate, "syria")
	}
	addStory(t, db, "s1", "syria", true)
	opt := delivery.Options{Rate: 2000, Concurrency: 1} // one in flight: exactly that one is finished

	ctx, cancel := context.WithCancel(t.Context())
	first := newSender(time.Now)
	first.onSend = func(n int) {
		if n == 15 {
			cancel() // shutdown while the 15th message is in flight
		}
	}
	if err := delivery.New(db, first, opt).Run(ctx); err != nil {
		t.Fatalf("Run: %v", err)
	}
	out, err := db.Outbox(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if n := len(first.all()); n != 15 || out.Sent != 15 {
		t.Fatalf("first run: %d sends, %d recorded; want the in-flight 15th finished and recorded, no 16th", n, out.Sent)
	}

	second := newSender(time.Now)
	stop := start(t, delivery.New(db, second, opt))
	drained(t, db)
	stop()
	seen := first.delivered()
	for k, n := range second.delivered() {
		seen[k] += n
	}
	if len(seen) != 40 {
		t.Errorf("delivered to %d chats, want 40", len(seen))
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("%s delivered %d times", k, n)
		}
	}
}

func TestCrashBetweenSendAndRecordRepeatsAtMostOne(t *testing.T) {
	db := storagetest.Open(t)
	for id := int64(1); id <= 30; id++ {
		storagetest.Chat(t, db, id, news.ChatPrivate, "syria")
	}
	addStory(t, db, "s1", "syria", false)
	opt := delivery.Options{Rate: 2000, Concurrency: 1, ErrorPause: 5 * time.Millisecond} // see TestCrashWithMessagesInFlightRepeatsAtMostThem for more

	// The process dies right after Telegram accepted the 10th message:
	// that MarkSent never lands and the database answers nothing more.
	ctx, cancel := context.WithCancel(t.Context())
	var store *flakyStore
	store = &flakyStore{Store: db, fail: func(method string, n int) bool {
		if method == "MarkSent" && n == 10 {
			store.crashed = true // under store.mu
			cancel()
			return true
		}
		return false
	}}
	first := newSender(time.Now)
	if err := delivery.New(store, first, opt).Run(ctx); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if n := len(first.all()); n != 10 {
		t.Fatalf("first run sent %d, want 10", n)
	}

	second := newSender(time.Now)
	stop := start(t, delivery.New(db, second, opt))
	drained(t, db)
	stop()
	seen := first.delivered()
	repeats := 0
	for k, n := range second.delivered() {
		seen[k] += n
		if seen[k] > 1 {
			repeats++
		}
	}
	if len(seen) != 30 {
		t.Errorf("delivered to %d chats, want 30", len(seen))
	}
	if repeats != 1 {
		t.Errorf("%d messages repeated, want exactly the one in flight", repeats)
	}
}

func TestNotifySendsWithoutWaitingForThePoll(t *testing.T) {
	db := storagetest.Open(t)
	storagetest.Chat(t, db, 1, news.ChatPrivate, "syria")
	var once sync.Once
	fetched := make(chan struct{})
	store := &flakyStore{Store: db, onFetch: func() { once.Do(func() { close(fetched) }) }}
	sender := newSender(time.Now)
	w := delivery.New(store, sender, delivery.Options{PollInterval: time.Hour})
	stop := start(t, w)
	<-fetched // the worker found nothing and will sleep for an hour

	addStory(t, db, "s1", "syria", true)
	w.Notify()
	w.Notify() // never blocks
	drained(t, db)
	stop()
	if got := sender.delivered(); got["1/s1"] != 1 {
		t.Errorf("delivered %v", got)
	}
}

func TestRunTwiceAtOnceIsRefused(t *testing.T) {
	f := newFakeWorld(t)
	w := f.worker(nil)
	stop := start(t, w)
	waitFor(t, "the worker to start", func() bool { return f.clock.Now().After(newFakeClock().Now()) })
	if err := w.Run(t.Context()); err == nil {
		t.Error("a second Run on the same worker was accepted")
	}
	stop()
}

func TestSilent(t *testing.T) {
	riyadh := time.FixedZone("AST", 3*3600)
	at := func(h int) time.Time { return time.Date(2026, 3, 1, h, 30, 0, 0, time.UTC) }
	night := news.QuietHours{From: 22, To: 7}
	tests := []struct {
		name     string
		breaking bool
		q        news.QuietHours
		now      time.Time
		loc      *time.Location
		want     bool
	}{
		{"breaking rings", true, news.QuietHours{}, at(12), nil, false},
		{"breaking rings outside quiet hours", true, night, at(12), time.UTC, false},
		{"nothing rings in quiet hours, breaking neither", true, night, at(23), time.UTC, true},
		{"ordinary story is silent", false, news.QuietHours{}, at(12), nil, true},
		{"ordinary story is silent in quiet hours", false, night, at(2), time.UTC, true},
		{"ordinary story is silent outside quiet hours", false, night, at(12), time.UTC, true},
		{"quiet hours read in TIMEZONE", false, news.QuietHours{From: 1, To: 2}, at(22), riyadh, true},
		{"breaking is silent in quiet hours in TIMEZONE", true, news.QuietHours{From: 1, To: 2}, at(22), riyadh, true},
		{"breaking rings after quiet hours in TIMEZONE", true, news.QuietHours{From: 1, To: 2}, at(23), riyadh, false},
	}
	for _, tt := range []struct {
		name     string
		rings    news.RingMode
		breaking bool
		now      time.Time
		want     bool
	}{
		{"everything rings", news.RingAll, false, at(12), false},
		{"everything rings, but not in quiet hours", news.RingAll, false, at(23), true},
		{"nothing rings", news.RingNone, true, at(12), true},
		{"breaking only", news.RingBreaking, false, at(12), true},
	} {
		if got := delivery.Silent(news.Push{Breaking: tt.breaking}, night, tt.rings, tt.now, time.UTC); got != tt.want {
			t.Errorf("%s: Silent = %v, want %v", tt.name, got, tt.want)
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := delivery.Silent(news.Push{Breaking: tt.breaking}, tt.q, "", tt.now, tt.loc); got != tt.want {
				t.Errorf("Silent = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestDefaultBackoff(t *testing.T) {
	prev := time.Duration(0)
	for attempt := 1; attempt <= 40; attempt++ {
		d := delivery.DefaultBackoff(attempt)
		if d < prev || d <= 0 || d > 30*time.Minute {
			t.Fatalf("attempt %d: %s after %s", attempt, d, prev)
		}
		prev = d
	}
	if delivery.DefaultBackoff(1) != 5*time.Second || prev != 30*time.Minute {
		t.Errorf("backoff runs %s … %s", delivery.DefaultBackoff(1), prev)
	}
}

// A clock set back an hour while the worker runs does not hold the pushes
// queued just before for that hour: the worker sees the clock go back,
// makes them due and sends them at once, and tells its observer.
func TestClockSetBackDoesNotHoldPushes(t *testing.T) {
	f := newFakeWorld(t)
	// The rate budget reads the process's monotonic clock, which a clock
	// set back does not move; the fake clock has none, so the budget
	// gets a view of it that never goes back.
	f.opt.Budget = delivery.NewBudget(delivery.BudgetOptions{Rate: 25, Now: monotonic(f.clock.Now), After: f.clock.After})
	storagetest.Chat(t, f.db, 1, news.ChatPrivate, "syria")
	storagetest.Chat(t, f.db, 2, news.ChatPrivate, "economy")
	release := make(chan struct{})
	f.sender.onSend = func(n int) {
		if n == 1 {
			<-release
		}
	}
	addStory(t, f.db, "first", "syria", false)
	stop := start(t, f.worker(nil))
	defer stop()
	waitFor(t, "the first send", func() bool { return len(f.sender.all()) == 1 })
	// The second story is queued at the clock's time; then the clock
	// goes back an hour.
	queued := f.clock.Now()
	f.clock.Set(queued.Add(-time.Hour))
	if _, _, err := f.db.SaveArticle(t.Context(), news.Article{Key: "second", Source: "وكالة", URL: "https://example.com/second",
		Title: "second", Summary: "ملخص", Topics: []string{"economy"}, SeenAt: queued}, true); err != nil {
		t.Fatal(err)
	}
	close(release)
	drained(t, f.db)
	for _, c := range f.sender.all() {
		if c.push.Title == "second" && c.at.After(queued.Add(-50*time.Minute)) {
			t.Errorf("the push queued before the clock went back was sent at %s, an hour later than it could", c.at)
		}
	}
	if n := f.obs.get(&f.obs.rescheduled); n != 1 {
		t.Errorf("the observer heard of %d reschedules, want 1", n)
	}
}

// monotonic is a view of a clock that never goes back, as time.Now's
// monotonic reading: a step back is added to an offset.
func monotonic(now func() time.Time) func() time.Time {
	var mu sync.Mutex
	var last time.Time
	var offset time.Duration
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t := now().Add(offset)
		if t.Before(last) {
			offset += last.Sub(t)
			t = last
		}
		last = t
		return t
	}
}
