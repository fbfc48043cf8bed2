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

// A round trip, not the rate, would set the pace with one message at a
// time: the worker keeps up to Concurrency in flight, never more, and
// never two into one chat.
func TestSeveralMessagesInFlight(t *testing.T) {
	db := storagetest.Open(t)
	for id := int64(1); id <= 40; id++ {
		storagetest.Chat(t, db, id, news.ChatPrivate, "syria")
	}
	addStory(t, db, "s1", "syria", true)
	addStory(t, db, "s2", "syria", false)
	sender := newSender(time.Now)
	sender.latency = 20 * time.Millisecond
	stop := start(t, delivery.New(db, sender, delivery.Options{Rate: 1000, Concurrency: 5, PerChatInterval: time.Millisecond}))
	drained(t, db)
	stop()

	got := sender.delivered()
	if len(got) != 80 {
		t.Fatalf("delivered %d distinct messages, want 80", len(got))
	}
	for k, n := range got {
		if n != 1 {
			t.Errorf("%s delivered %d times", k, n)
		}
	}
	sender.mu.Lock()
	defer sender.mu.Unlock()
	if sender.most != 5 {
		t.Errorf("at most %d messages were in flight at once, want Concurrency (5)", sender.most)
	}
	if len(sender.overlap) > 0 {
		t.Errorf("chats %v had two messages in flight at once", sender.overlap)
	}
	// Into each chat, s1 (breaking, queued first) comes before s2.
	seen := map[int64][]string{}
	for _, c := range sender.calls {
		seen[c.chatID] = append(seen[c.chatID], c.push.Title)
	}
	for chat, titles := range seen {
		if !slices.Equal(titles, []string{"s1", "s2"}) {
			t.Errorf("chat %d got %v, want s1 then s2", chat, titles)
		}
	}
}

// With several messages in flight when the process dies, a restart repeats
// at most those (Concurrency of them) and loses none.
func TestCrashWithMessagesInFlightRepeatsAtMostThem(t *testing.T) {
	const concurrency = 6
	db := storagetest.Open(t)
	for id := int64(1); id <= 60; id++ {
		storagetest.Chat(t, db, id, news.ChatPrivate, "syria")
	}
	addStory(t, db, "s1", "syria", false)
	opt := delivery.Options{Rate: 2000, Concurrency: concurrency, ErrorPause: 5 * time.Millisecond}

	ctx, cancel := context.WithCancel(t.Context())
	var store *flakyStore
	store = &flakyStore{Store: db, fail: func(method string, n int) bool {
		if method == "MarkSent" && n == 20 {
			store.crashed = true // under store.mu: nothing is recorded from now on
			cancel()
			return true
		}
		return false
	}}
	first := newSender(time.Now)
	first.latency = 10 * time.Millisecond
	if err := delivery.New(store, first, opt).Run(ctx); err != nil {
		t.Fatalf("Run: %v", err)
	}
	out, err := db.Outbox(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	unrecorded := len(first.all()) - out.Sent
	if unrecorded < 1 || unrecorded > concurrency {
		t.Fatalf("first run: %d sent, %d recorded; want between 1 and %d sent but not recorded",
			len(first.all()), out.Sent, concurrency)
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
	if len(seen) != 60 {
		t.Errorf("delivered to %d chats, want 60", len(seen))
	}
	if repeats != unrecorded {
		t.Errorf("%d messages repeated, want exactly the %d in flight at the crash", repeats, unrecorded)
	}
}

// A 429 pauses every launch after it lands; messages already on their way
// (at most Concurrency-1 others) cannot be called back.
func TestRateLimitPausesLaterLaunches(t *testing.T) {
	const concurrency = 4
	f := newFakeWorld(t)
	f.opt.Concurrency = concurrency
	for id := int64(1); id <= 30; id++ {
		storagetest.Chat(t, f.db, id, news.ChatPrivate, "syria")
	}
	addStory(t, f.db, "s1", "syria", false)
	limited := telegramErr(news.SendRateLimited, 429, "Too Many Requests: retry after 7")
	limited.RetryAfter = 7 * time.Second
	f.sender.script[5] = []error{limited}
	// What had been sent when the worker heard the 429, and when: the
	// flight that got it may run late on a loaded machine, and sends
	// started before it is heard cannot know of it.
	var heard struct {
		sync.Mutex
		calls int
		at    time.Time
	}
	f.obs.onRateLimited = func() {
		heard.Lock()
		defer heard.Unlock()
		heard.calls, heard.at = len(f.sender.all()), f.clock.Now()
	}

	stop := start(t, f.worker(nil))
	drained(t, f.db)
	stop()

	calls := f.sender.all()
	if !slices.ContainsFunc(calls, func(c sent) bool { return c.err != nil }) {
		t.Fatal("the 429 was never answered")
	}
	heard.Lock()
	defer heard.Unlock()
	during := 0
	for _, c := range calls[heard.calls:] {
		if c.at.Before(heard.at.Add(limited.RetryAfter)) {
			during++
		}
	}
	if during > concurrency-1 {
		t.Errorf("%d sends started within retry_after of the 429, want at most the %d that may have been on their way",
			during, concurrency-1)
	}
	if got := f.sender.delivered(); len(got) != 30 {
		t.Errorf("delivered to %d chats, want 30", len(got))
	}
	if n := f.obs.get(&f.obs.limited); n != 1 {
		t.Errorf("observer saw %d rate limits, want 1", n)
	}
}

// fakeNoticer records the notices the worker asks for.
type fakeNoticer struct {
	mu       sync.Mutex
	channels []int64
	threads  []news.Target
}

func (n *fakeNoticer) ChannelLost(_ context.Context, chatID int64, _ string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.channels = append(n.channels, chatID)
}

func (n *fakeNoticer) ThreadMoved(_ context.Context, chatID int64, threadID int) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.threads = append(n.threads, news.Target{ChatID: chatID, ThreadID: threadID})
}

func addChannel(t *testing.T, db *storage.DB, chatID int64, topic string) {
	t.Helper()
	if err := db.SetChannel(t.Context(), news.Channel{ChatID: chatID, Username: fmt.Sprint("chan", -chatID),
		Topic: topic, Display: topic}); err != nil {
		t.Fatal(err)
	}
}

// A topic's channel gets the story before any direct message; a channel
// that refuses the bot loses its mapping, the admins are told, and
// readers are not held up.
func TestChannelFirstAndChannelLost(t *testing.T) {
	const channel, gone = -1001, -1002
	f := newFakeWorld(t)
	noticer := &fakeNoticer{}
	f.opt.Noticer = noticer
	for id := int64(1); id <= 5; id++ {
		storagetest.Chat(t, f.db, id, news.ChatPrivate, "syria")
	}
	addChannel(t, f.db, channel, "syria")
	addChannel(t, f.db, gone, news.BreakingChannel)
	f.sender.script[gone] = []error{telegramErr(news.SendForbidden, 403, "Forbidden: bot is not a member of the channel chat")}
	if n := addStory(t, f.db, "s1", "syria", true); n != 7 {
		t.Fatalf("queued %d, want 5 readers and 2 channels", n)
	}

	stop := start(t, f.worker(nil))
	drained(t, f.db)
	stop()

	calls := f.sender.all()
	if len(calls) != 7 {
		t.Fatalf("%d sends, want 7", len(calls))
	}
	for _, c := range calls[:2] {
		if c.chatID != channel && c.chatID != gone {
			t.Errorf("send into %d came before a channel's post", c.chatID)
		}
	}
	if got := f.sender.delivered(); len(got) != 6 {
		t.Errorf("delivered %v, want the channel and the 5 readers", got)
	}
	chs, err := f.db.Channels(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range chs {
		if want := ch.ChatID != gone; ch.Enabled != want || (!want && ch.Reason == "") {
			t.Errorf("channel %d for %s: enabled %v (%q), want %v", ch.ChatID, ch.Topic, ch.Enabled, ch.Reason, want)
		}
	}
	noticer.mu.Lock()
	if !slices.Equal(noticer.channels, []int64{gone}) {
		t.Errorf("admins told about channels %v, want [%d]", noticer.channels, gone)
	}
	noticer.mu.Unlock()
	// The next breaking story is not queued for the lost channel.
	if n := addStory(t, f.db, "s2", "syria", true); n != 6 {
		t.Errorf("queued %d for the next story, want 6 (not the lost channel)", n)
	}
}

// A forum topic thread that was deleted sends its subscriptions to the
// group's main thread, once, and the story still arrives.
func TestDeletedThreadFallsBackToTheMainThread(t *testing.T) {
	const group, thread = -1005, 42
	f := newFakeWorld(t)
	noticer := &fakeNoticer{}
	f.opt.Noticer = noticer
	ctx := t.Context()
	if err := f.db.SaveChat(ctx, news.Chat{ID: group, Type: news.ChatSupergroup, Title: "forum"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Subscribe(ctx, news.Subscription{ChatID: group, ThreadID: thread, Kind: news.KindTopic, Key: "syria", Display: "سوريا"}); err != nil {
		t.Fatal(err)
	}
	addStory(t, f.db, "s1", "syria", false)
	f.sender.script[group] = []error{telegramErr(news.SendThreadGone, 400, "Bad Request: message thread not found")}

	stop := start(t, f.worker(nil))
	drained(t, f.db)
	stop()

	calls := f.sender.to(group)
	if len(calls) != 2 || calls[0].thread != thread || calls[1].thread != 0 || calls[1].err != nil {
		t.Fatalf("calls %+v, want one into the thread, then one into the main thread", calls)
	}
	subs, err := f.db.Subscriptions(ctx, news.Target{ChatID: group})
	if err != nil || len(subs) != 1 || subs[0].Key != "syria" {
		t.Errorf("main thread follows %+v (%v), want syria", subs, err)
	}
	noticer.mu.Lock()
	defer noticer.mu.Unlock()
	if len(noticer.threads) != 1 || noticer.threads[0] != (news.Target{ChatID: group, ThreadID: thread}) {
		t.Errorf("notes %+v, want one about thread %d", noticer.threads, thread)
	}
}
