package delivery_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ajel-news/ajel/delivery"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/storage"
	"github.com/ajel-news/ajel/storage/storagetest"
)

// edited is one call to the fake editor.
type edited struct {
	chatID    int64
	messageID int
	push      news.Push
	at        time.Time
	err       error
}

// fakeEditor records edits; script[chat] lists errors to return first.
type fakeEditor struct {
	now    func() time.Time
	mu     sync.Mutex
	script map[int64][]error
	calls  []edited
}

func (e *fakeEditor) EditPush(_ context.Context, chatID int64, messageID int, p news.Push) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	var err error
	if q := e.script[chatID]; len(q) > 0 {
		err, e.script[chatID] = q[0], q[1:]
	}
	e.calls = append(e.calls, edited{chatID, messageID, p, e.now(), err})
	return err
}

func (e *fakeEditor) all() []edited {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]edited(nil), e.calls...)
}

// digestSent is one call to the fake digester.
type digestSent struct {
	chatID int64
	pushes []news.Push
	at     time.Time
	id     int
}

type fakeDigester struct {
	now   func() time.Time
	mu    sync.Mutex
	calls []digestSent
}

func (g *fakeDigester) SendDigest(_ context.Context, to news.Target, ps []news.Push) (int, error) {
	chatID := to.ChatID
	g.mu.Lock()
	defer g.mu.Unlock()
	id := 10000 + len(g.calls)
	g.calls = append(g.calls, digestSent{chatID, ps, g.now(), id})
	return id, nil
}

func (g *fakeDigester) all() []digestSent {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]digestSent(nil), g.calls...)
}

// joinStory stores another outlet's report of the story titled title.
func joinStory(t *testing.T, db *storage.DB, title, source string) {
	t.Helper()
	ds, err := db.Deliveries(t.Context(), 1)
	if err != nil {
		t.Fatal(err)
	}
	var storyID int64
	for _, d := range ds {
		if d.Push.Title == title {
			storyID = d.StoryID
		}
	}
	if storyID == 0 {
		t.Fatalf("no story %q", title)
	}
	if _, n, err := db.SaveArticle(t.Context(), news.Article{
		Key: title + "@" + source, Source: source, URL: "https://other.example/" + title, Title: title,
		Topics: []string{"syria"}, StoryID: storyID,
	}, true); err != nil || n != 0 {
		t.Fatalf("join: queued %d, %v", n, err)
	}
}

func noEditsLeft(t *testing.T, db *storage.DB) func() bool {
	return func() bool {
		eds, err := db.PendingEdits(t.Context(), 10)
		return err == nil && len(eds) == 0
	}
}

func TestEditAfterNewSourceComesAfterNewStories(t *testing.T) {
	f := newFakeWorld(t)
	ed := &fakeEditor{now: f.clock.Now, script: map[int64][]error{}}
	f.opt.Editor = ed
	storagetest.Chat(t, f.db, 1, news.ChatPrivate, "syria")
	storagetest.Chat(t, f.db, 2, news.ChatPrivate, "syria")
	addStory(t, f.db, "s1", "syria", false)
	stop := start(t, f.worker(nil))
	drained(t, f.db)
	stop()

	// Both wait when the worker starts again: the new story goes first.
	joinStory(t, f.db, "s1", "وكالة ثانية")
	addStory(t, f.db, "s2", "syria", false)
	stop = start(t, f.worker(nil))
	waitFor(t, "two edits", func() bool { return len(ed.all()) == 2 })
	waitFor(t, "no edit left", noEditsLeft(t, f.db))
	stop()

	if got := f.sender.delivered(); len(got) != 4 || got["1/s1"] != 1 || got["2/s2"] != 1 {
		t.Errorf("delivered %v, want s1 and s2 once to each chat", got)
	}
	for _, chat := range []int64{1, 2} {
		sends := f.sender.to(chat)
		var e edited
		for _, c := range ed.all() {
			if c.chatID == chat {
				e = c
			}
		}
		ds := delivery1(t, f.db, chat)
		if e.messageID != ds[0].MessageID || e.push.Title != "s1" || e.push.OtherSources != 1 ||
			len(e.push.Others) != 1 || e.push.Others[0].Name != "وكالة ثانية" {
			t.Errorf("chat %d: edit %+v of message %d", chat, e, ds[0].MessageID)
		}
		// The new story went first, and the edit kept the chat's pace.
		if last := sends[len(sends)-1]; e.at.Sub(last.at) < time.Second {
			t.Errorf("chat %d: edit %s after the last send, want after it and ≥ 1s", chat, e.at.Sub(last.at))
		}
	}
}

// An outlet that joins while the push is on its way to Telegram: the
// message went out without it, so it is edited once it has landed.
func TestOutletJoiningDuringTheSendIsEditedIn(t *testing.T) {
	f := newFakeWorld(t)
	ed := &fakeEditor{now: f.clock.Now, script: map[int64][]error{}}
	f.opt.Editor = ed
	storagetest.Chat(t, f.db, 1, news.ChatPrivate, "syria")
	f.sender.onSend = func(n int) {
		if n == 1 {
			joinStory(t, f.db, "s1", "وكالة ثانية")
		}
	}
	addStory(t, f.db, "s1", "syria", false)
	stop := start(t, f.worker(nil))
	waitFor(t, "the edit", func() bool { return len(ed.all()) == 1 })
	waitFor(t, "no edit left", noEditsLeft(t, f.db))
	stop()

	sends := f.sender.to(1)
	if len(sends) != 1 || sends[0].push.OtherSources != 0 {
		t.Fatalf("sends %+v, want s1 once, written before the second outlet joined", sends)
	}
	e := ed.all()[0]
	if e.messageID != delivery1(t, f.db, 1)[0].MessageID || e.push.OtherSources != 1 ||
		len(e.push.Others) != 1 || e.push.Others[0].Name != "وكالة ثانية" {
		t.Errorf("edit %+v, want the push naming the second outlet", e)
	}
}

func TestEditRefusals(t *testing.T) {
	limited := telegramErr(news.SendRateLimited, 429, "Too Many Requests: retry after 9")
	limited.RetryAfter = 9 * time.Second
	tests := []struct {
		name                string
		err                 error
		wantCalls           int
		active              bool
		edited, editRefused int // as the Observer hears them
	}{
		{"accepted", nil, 1, true, 1, 0},
		{"429 pauses, then the edit is made", limited, 2, true, 1, 0},
		{"message gone: dropped, not retried", telegramErr(news.SendBadRequest, 400, "Bad Request: message to edit not found"), 1, true, 0, 1},
		{"network error: dropped, not retried", fmt.Errorf("read tcp: connection reset"), 1, true, 0, 1},
		{"403 deactivates the chat", telegramErr(news.SendForbidden, 403, "Forbidden: bot was blocked by the user"), 1, false, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeWorld(t)
			ed := &fakeEditor{now: f.clock.Now, script: map[int64][]error{}}
			if tt.err != nil {
				ed.script[1] = []error{tt.err}
			}
			f.opt.Editor = ed
			storagetest.Chat(t, f.db, 1, news.ChatPrivate, "syria")
			addStory(t, f.db, "s1", "syria", false)
			w := f.worker(nil)
			stop := start(t, w)
			drained(t, f.db)
			joinStory(t, f.db, "s1", "وكالة ثانية")
			w.Notify()
			waitFor(t, "no edit left", noEditsLeft(t, f.db))
			waitFor(t, "the edits", func() bool { return len(ed.all()) >= tt.wantCalls })
			stop()
			calls := ed.all()
			if len(calls) != tt.wantCalls {
				t.Fatalf("%d edit calls, want %d: %+v", len(calls), tt.wantCalls, calls)
			}
			if tt.wantCalls == 2 {
				if gap := calls[1].at.Sub(calls[0].at); gap < limited.RetryAfter {
					t.Errorf("edit retried %s after the 429, want ≥ %s", gap, limited.RetryAfter)
				}
			}
			c, err := f.db.Chat(t.Context(), 1)
			if err != nil || c.Active != tt.active {
				t.Errorf("chat %+v, %v; want active=%v", c, err, tt.active)
			}
			f.obs.mu.Lock()
			defer f.obs.mu.Unlock()
			if f.obs.edited != tt.edited || f.obs.editRefused != tt.editRefused {
				t.Errorf("observer: %d edited, %d refused; want %d, %d", f.obs.edited, f.obs.editRefused, tt.edited, tt.editRefused)
			}
		})
	}
}

func TestHourlyCapGathersADigest(t *testing.T) {
	const capped, free = 1, 2
	f := newFakeWorld(t)
	f.opt.PollInterval = 30 * time.Second // idle virtual time moves faster
	dg := &fakeDigester{now: f.clock.Now}
	f.opt.Digester = dg
	storagetest.Chat(t, f.db, capped, news.ChatPrivate, "syria")
	storagetest.Chat(t, f.db, free, news.ChatPrivate, "syria")
	if err := f.db.SetMaxPerHour(t.Context(), capped, 1); err != nil {
		t.Fatal(err)
	}
	t0 := f.clock.Now()
	// However slow the machine, the idle worker's clock stops just past the
	// first digest until the test has queued the next story, and then
	// short of the hour the breaking push took: both digests are due
	// within that hour.
	f.clock.Hold(t0.Add(16 * time.Minute))
	for i := range 3 {
		addStory(t, f.db, fmt.Sprint("s", i), "syria", false)
	}
	addStory(t, f.db, "urgent", "syria", true)

	w := f.worker(nil)
	stop := start(t, w)
	drained(t, f.db)

	if got := f.sender.to(free); len(got) != 4 {
		t.Errorf("the chat without a cap got %d pushes, want 4", len(got))
	}
	// The breaking story goes first (it overtakes the queue) and takes the
	// hour's one push; the other three wait for the digest.
	pushes := f.sender.to(capped)
	if len(pushes) != 1 || pushes[0].push.Title != "urgent" {
		t.Fatalf("capped chat: %+v, want the breaking story alone", pushes)
	}
	ds := dg.all()
	if len(ds) != 1 || ds[0].chatID != capped || len(ds[0].pushes) != 3 ||
		ds[0].pushes[0].Title != "s0" || ds[0].pushes[1].Title != "s1" || ds[0].pushes[2].Title != "s2" {
		t.Fatalf("digests %+v, want one of s0, s1 and s2", ds)
	}
	if wait := ds[0].at.Sub(t0); wait < 15*time.Minute || wait > 16*time.Minute {
		t.Errorf("digest after %s, want the 15-minute interval", wait)
	}
	for _, d := range delivery1(t, f.db, capped) {
		if d.Status != news.DeliverySent || (d.Push.Title == "s0" || d.Push.Title == "s1" || d.Push.Title == "s2") && d.MessageID != ds[0].id {
			t.Errorf("row %s: %s message %d", d.Push.Title, d.Status, d.MessageID)
		}
	}

	// Still within s0's hour: the next story is held again, and goes when
	// the interval runs out, before the hour frees a slot.
	addStory(t, f.db, "s3", "syria", false)
	f.clock.Hold(t0.Add(59 * time.Minute))
	w.Notify()
	waitFor(t, "the second digest", func() bool { return len(dg.all()) == 2 })
	second := dg.all()[1]
	if len(second.pushes) != 1 || second.pushes[0].Title != "s3" || second.at.Sub(ds[0].at) < 15*time.Minute {
		t.Errorf("second digest %+v", second)
	}
	// An hour on, a slot is free: the next story is pushed on its own.
	f.clock.Hold(time.Time{})
	f.clock.Advance(time.Hour)
	addStory(t, f.db, "s4", "syria", false)
	w.Notify()
	waitFor(t, "s4", func() bool { return len(f.sender.to(capped)) == 2 })
	stop()
	if n := len(dg.all()); n != 2 {
		t.Errorf("%d digests, want 2", n)
	}
	if got := f.sender.to(capped)[1].push.Title; got != "s4" {
		t.Errorf("third push %q, want s4", got)
	}
	f.obs.mu.Lock()
	defer f.obs.mu.Unlock()
	if f.obs.digests != 2 || f.obs.digestStories != 4 {
		t.Errorf("observer saw %d digests of %d stories, want 2 of 4", f.obs.digests, f.obs.digestStories)
	}
}

// A digest is recorded in one transaction right after it is sent; when the
// database fails to take it, the worker tries again without resending.
func TestDigestRecordRetriedNotResent(t *testing.T) {
	f := newFakeWorld(t)
	f.opt.PollInterval = 30 * time.Second
	dg := &fakeDigester{now: f.clock.Now}
	f.opt.Digester = dg
	storagetest.Chat(t, f.db, 1, news.ChatPrivate, "syria")
	if err := f.db.SetMaxPerHour(t.Context(), 1, 1); err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		addStory(t, f.db, fmt.Sprint("s", i), "syria", false)
	}
	store := &flakyStore{Store: f.db, fail: func(method string, n int) bool {
		return method == "MarkDigestSent" && n <= 2
	}}
	stop := start(t, f.worker(store))
	drained(t, f.db)
	stop()
	if ds := dg.all(); len(ds) != 1 || len(ds[0].pushes) != 3 {
		t.Fatalf("digests %+v, want one of three stories", ds)
	}
	if n := f.obs.get(&f.obs.storeErrors); n != 2 {
		t.Errorf("%d store errors, want 2", n)
	}
}

func (s *flakyStore) MarkDigestSent(ctx context.Context, ids []int64, messageID int, at time.Time) error {
	if err := s.check("MarkDigestSent"); err != nil {
		return err
	}
	return s.Store.MarkDigestSent(ctx, ids, messageID, at)
}

// A chat that set no /limit still gets a burst as a digest: past
// BurstPerHour pushes in an hour the rest are gathered, breaking news
// still goes at once, and a channel is never capped.
func TestBurstBecomesADigestWithoutALimit(t *testing.T) {
	const reader, channel = 1, -100
	f := newFakeWorld(t)
	f.opt.PollInterval = 30 * time.Second
	f.opt.BurstPerHour = 5
	dg := &fakeDigester{now: f.clock.Now}
	f.opt.Digester = dg
	storagetest.Chat(t, f.db, reader, news.ChatPrivate, "syria")
	addChannel(t, f.db, channel, "syria")
	for i := range 8 {
		addStory(t, f.db, fmt.Sprint("s", i), "syria", false)
	}
	addStory(t, f.db, "urgent", "syria", true)
	stop := start(t, f.worker(nil))
	drained(t, f.db)
	stop()

	var titles []string
	for _, s := range f.sender.to(reader) {
		titles = append(titles, s.push.Title)
	}
	// The breaking story overtakes the queue and counts against the hour.
	if want := []string{"urgent", "s0", "s1", "s2", "s3"}; !slices.Equal(titles, want) {
		t.Errorf("reader's pushes %q, want %q", titles, want)
	}
	ds := dg.all()
	if len(ds) != 1 || ds[0].chatID != reader || len(ds[0].pushes) != 4 || ds[0].pushes[0].Title != "s4" {
		t.Fatalf("digests %+v, want one of s4 to s7", ds)
	}
	if n := len(f.sender.to(channel)); n != 9 {
		t.Errorf("the channel got %d posts, want all 9", n)
	}
}

func TestQuietEnd(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	night := news.QuietHours{From: 22, To: 7}
	tests := []struct {
		name string
		now  time.Time
		loc  *time.Location
		want time.Time
	}{
		{"before midnight", time.Date(2026, 6, 1, 23, 0, 0, 0, time.UTC), time.UTC, time.Date(2026, 6, 2, 7, 0, 0, 0, time.UTC)},
		{"after midnight", time.Date(2026, 6, 2, 3, 0, 0, 0, time.UTC), time.UTC, time.Date(2026, 6, 2, 7, 0, 0, 0, time.UTC)},
		{"not quiet", time.Date(2026, 6, 2, 12, 0, 0, 0, time.UTC), time.UTC, time.Time{}},
		// The night clocks go forward (29 March 2026, 02:00 → 03:00):
		// 07:00 local is 05:00 UTC, not 06:00.
		{"spring forward", time.Date(2026, 3, 28, 21, 30, 0, 0, time.UTC), berlin, time.Date(2026, 3, 29, 5, 0, 0, 0, time.UTC)},
		// And back (25 October 2026, 03:00 → 02:00): 07:00 is 06:00 UTC.
		{"fall back", time.Date(2026, 10, 24, 21, 30, 0, 0, time.UTC), berlin, time.Date(2026, 10, 25, 6, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		if got := delivery.QuietEnd(night, tt.now, tt.loc); !got.Equal(tt.want) {
			t.Errorf("%s: %s, want %s", tt.name, got.UTC(), tt.want)
		}
	}
}

// During a chat's quiet hours nothing rings: breaking news arrives at once
// but silently, the other stories wait and come together in one digest
// when the quiet hours end, at the right local time across a change to
// summer time.
func TestQuietHoursHoldStoriesForOneDigest(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	const reader = 1
	f := newFakeWorld(t)
	f.clock.now = time.Date(2026, 3, 28, 21, 30, 0, 0, time.UTC) // 22:30 in Berlin, quiet
	f.opt.Location = berlin
	f.opt.PollInterval = 30 * time.Minute
	dg := &fakeDigester{now: f.clock.Now}
	f.opt.Digester = dg
	storagetest.Chat(t, f.db, reader, news.ChatPrivate, "syria")
	if err := f.db.SetQuietHours(t.Context(), reader, news.QuietHours{From: 22, To: 7}); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		addStory(t, f.db, fmt.Sprint("night", i), "syria", false)
	}
	addStory(t, f.db, "urgent", "syria", true)
	stop := start(t, f.worker(nil))
	drained(t, f.db)
	stop()

	pushes := f.sender.to(reader)
	if len(pushes) != 1 || pushes[0].push.Title != "urgent" || !pushes[0].push.Silent {
		t.Fatalf("pushes during quiet hours %+v, want only the breaking one, silent", pushes)
	}
	ds := dg.all()
	if len(ds) != 1 || len(ds[0].pushes) != 3 {
		t.Fatalf("digests %+v, want one of the three held stories", ds)
	}
	if want := time.Date(2026, 3, 29, 5, 0, 0, 0, time.UTC); !ds[0].at.Equal(want) {
		t.Errorf("digest at %s (%s in Berlin), want 07:00 local", ds[0].at.UTC(), ds[0].at.In(berlin).Format("15:04 MST"))
	}
}
