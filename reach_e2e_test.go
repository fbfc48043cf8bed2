package main

import (
	"context"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ajel-news/ajel/bot/telegramtest"
	"github.com/ajel-news/ajel/config"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/storage/storagetest"
)

// botUserID is the bot's user id in the fake Telegram (testToken's number).
const botUserID = 123456

// A CHANNELS entry that cannot work stops the start with one line naming it.
func TestChannelsCheckedAtStart(t *testing.T) {
	tg := telegramtest.NewTest(t, testToken)
	tg.AddChat(telegramtest.Chat{ID: -1005000000001, Type: telegramtest.ChatTypeChannel, Title: "عاجل سوريا", Username: "ajel_syria"})
	tg.SetAdmin(-1005000000001, botUserID)
	tg.AddChat(telegramtest.Chat{ID: -1005000000002, Type: telegramtest.ChatTypeChannel, Title: "غريبة", Username: "not_ours"})
	tg.AddChat(telegramtest.Supergroup(-1005000000003, "مجموعة"))
	for _, tc := range []struct {
		name, channels string
		want           []string
	}{
		{"unknown topic", "syria=@ajel_syria,sirya=@ajel_syria", []string{`CHANNELS entry "sirya=@ajel_syria"`, `no topic "sirya"`}},
		{"unknown channel", "syria=@nowhere_chan", []string{`CHANNELS entry "syria=@nowhere_chan"`, "no such chat is known to Telegram"}},
		{"a group, not a channel", "syria=-1005000000003", []string{`CHANNELS entry "syria=-1005000000003"`, "not a channel", "supergroup"}},
		{"bot not an administrator", "syria=@not_ours", []string{`CHANNELS entry "syria=@not_ours"`, "not an administrator"}},
		{"malformed", "syria@ajel_syria", []string{`CHANNELS entry "syria@ajel_syria" is not topic=channel`}},
		{"duplicate", "syria=@ajel_syria,syria=@not_ours", []string{"repeats topic syria"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantStartRefused(t, testEnv(tg.Endpoint(), filepath.Join(t.TempDir(), "ajel.db"), map[string]string{
				config.EnvChannels: tc.channels, config.EnvLogLevel: "warn"}), tc.want)
		})
	}
}

// startApp runs the whole bot from env (on top of testEnv) until the test
// ends and returns it once it polls.
func startApp(t *testing.T, tg *telegramtest.Server, dbPath string, env map[string]string) *app {
	t.Helper()
	return startAppWith(t, tg, testEnv(tg.Endpoint(), dbPath, env), appOptions{pollTimeout: time.Second}, ioDiscard{})
}

// startAppWith is startApp from exactly env, with opt, logging to logs.
func startAppWith(t testing.TB, tg *telegramtest.Server, env map[string]string, opt appOptions, logs io.Writer) *app {
	t.Helper()
	a := launchApp(t, env, opt, logs)
	wctx, wcancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer wcancel()
	if err := tg.WaitFor(wctx, tg.Polling); err != nil {
		t.Fatal(err)
	}
	return a
}

// launchApp runs the whole bot from exactly env, with opt, logging to
// logs, until the test ends, and returns it at once (Telegram may not
// answer yet).
func launchApp(t testing.TB, env map[string]string, opt appOptions, logs io.Writer) *app {
	t.Helper()
	cfg, err := config.Load(envLookup(env))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := newApp(ctx, cfg, newLogger(logs, cfg.LogLevel, testToken), opt)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
		a.Close()
	})
	return a
}

func envLookup(env map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := env[k]; return v, ok }
}

// A topic's channel gets each story once, before any reader's direct
// message; readers see its link in /topics.
func TestChannelPostComesFirst(t *testing.T) {
	t.Parallel()
	const channelID = -1005000000011
	tg := telegramtest.NewTest(t, testToken, telegramtest.WithLatency(30*time.Millisecond),
		telegramtest.WithRateLimits(telegramtest.DefaultRateLimits()))
	tg.AddChat(telegramtest.Chat{ID: channelID, Type: telegramtest.ChatTypeChannel, Title: "عاجل سوريا", Username: "ajel_syria"})
	tg.SetAdmin(channelID, botUserID)
	dbPath := filepath.Join(t.TempDir(), "ajel.db")
	storagetest.Seed(t, dbPath, 7000, 40, "syria")
	a := startApp(t, tg, dbPath, map[string]string{config.EnvChannels: "syria=@ajel_syria"})

	if _, n, err := a.pipeline.Process(t.Context(), news.Article{Key: "ch1", Source: "وكالة", Title: "اجتماع في دمشق لبحث الأوضاع في سوريا",
		Text: "عقد مسؤولون اجتماعًا في دمشق اليوم لبحث الأوضاع في سوريا.", URL: "https://news.example/ch1"}, true); err != nil || n != 41 {
		t.Fatalf("queued %d (%v), want 40 readers and the channel", n, err)
	}
	wctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if err := tg.WaitFor(wctx, func() bool { return tg.MessageCount() >= 41 }); err != nil {
		t.Fatalf("%d of 41 messages: %v", tg.MessageCount(), err)
	}
	posts := tg.Sent(channelID)
	if len(posts) != 1 || !strings.Contains(posts[0].PlainText, "أخبار عاجلة · سوريا") {
		t.Fatalf("channel posts %+v, want one push", posts)
	}
	for id := int64(7000); id < 7040; id++ {
		m := tg.Sent(id)
		if len(m) != 1 {
			t.Fatalf("reader %d got %d messages, want 1", id, len(m))
		}
		if m[0].Date.Before(posts[0].Date) {
			t.Errorf("reader %d got the story before the channel", id)
		}
	}
	// A reader choosing between the channel and direct messages.
	reader := telegramtest.PrivateChat(8000)
	tg.SendText(reader, telegramtest.NewUser(8000, "قارئ"), "/start")
	if err := tg.WaitFor(wctx, func() bool { return tg.SentCount(reader.ID) == 1 }); err != nil {
		t.Fatal(err)
	}
	welcome := tg.Sent(reader.ID)[0]
	found := false
	for _, b := range welcome.Buttons() {
		found = found || b.URL == "https://t.me/ajel_syria"
	}
	if !found {
		t.Errorf("/start does not link the Syria channel: %+v", welcome.Buttons())
	}
}

// With PAID_BROADCAST_RATE, a breaking story goes beyond the free rate
// with allow_paid_broadcast; other stories stay free; /stats counts it.
func TestPaidBroadcastForBreakingOnly(t *testing.T) {
	t.Parallel()
	const readers = 40
	tg := telegramtest.NewTest(t, testToken, telegramtest.WithLatency(20*time.Millisecond),
		telegramtest.WithRateLimits(telegramtest.RateLimits{Global: 5, GlobalBurst: 5, Private: 1, PrivateBurst: 3}))
	dbPath := filepath.Join(t.TempDir(), "ajel.db")
	storagetest.Seed(t, dbPath, 9000, readers, "syria")
	a := startApp(t, tg, dbPath, map[string]string{
		config.EnvSendRate: "5", config.EnvPaidBroadcastRate: "100", config.EnvSendConcurrency: "20",
		config.EnvAdminIDs: strconv.Itoa(adminChatID),
	})
	process := func(key, title string, breaking bool) {
		t.Helper()
		if _, n, err := a.pipeline.Process(t.Context(), news.Article{Key: key, Source: "وكالة", Title: title,
			Text: title + ".", Breaking: breaking, URL: "https://news.example/" + key}, true); err != nil || n != readers {
			t.Fatalf("queued %d (%v)", n, err)
		}
	}
	wait := func(n int) {
		t.Helper()
		wctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
		defer cancel()
		if err := tg.WaitFor(wctx, func() bool { return tg.MessageCount() >= n }); err != nil {
			t.Fatalf("%d of %d messages: %v", tg.MessageCount(), n, err)
		}
	}
	process("brk", "انفجار في حمص السورية", true)
	wait(readers)
	paid := tg.Stats().Paid
	if paid == 0 || paid == readers {
		t.Errorf("%d of %d breaking pushes paid, want those beyond the free 5 a second", paid, readers)
	}
	if st := tg.Stats(); st.RateLimited != 0 {
		t.Errorf("%d 429s: free and paid together went over the limits", st.RateLimited)
	}

	process("calm", "افتتاح معرض للكتاب في دمشق السورية", false)
	wait(2 * readers)
	if st := tg.Stats(); st.Paid != paid {
		t.Errorf("%d more paid messages for a story that is not breaking", st.Paid-paid)
	}
	admin := telegramtest.PrivateChat(adminChatID)
	tg.SendText(admin, telegramtest.NewUser(adminChatID, "مشرف"), "/stats")
	wctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	if err := tg.WaitFor(wctx, func() bool { return tg.SentCount(admin.ID) == 1 }); err != nil {
		t.Fatal(err)
	}
	stats := tg.Sent(admin.ID)[0].PlainText
	if !strings.Contains(stats, "البث المدفوع (مفعّل): "+strconv.Itoa(paid)+" رسالة") {
		t.Errorf("/stats does not count the %d paid messages:\n%s", paid, stats)
	}
}

const adminChatID = 4242

// A channel the bot was removed from: its mapping goes off, the admins are
// told, and readers get the story as usual. A forum thread that was
// deleted: its story arrives in the group's main thread, with a note.
func TestLostChannelAndDeletedThread(t *testing.T) {
	t.Parallel()
	const channelID, group, thread = -1005000000021, -1005000000022, 77
	tg := telegramtest.NewTest(t, testToken)
	tg.AddChat(telegramtest.Chat{ID: channelID, Type: telegramtest.ChatTypeChannel, Title: "عاجل", Username: "ajel_breaking"})
	tg.SetAdmin(channelID, botUserID)
	tg.AddForumTopic(group, thread)
	tg.SetAdmin(group, 31)
	dbPath := filepath.Join(t.TempDir(), "ajel.db")
	storagetest.Seed(t, dbPath, 9500, 5, "syria")
	a := startApp(t, tg, dbPath, map[string]string{
		config.EnvChannels: "breaking=@ajel_breaking", config.EnvAdminIDs: strconv.Itoa(adminChatID)})
	forum, _ := tg.Chat(group)
	tg.SendTextInThread(forum, telegramtest.NewUser(31, "مشرف"), thread, "/subscribe سوريا")
	wctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if err := tg.WaitFor(wctx, func() bool { return len(tg.SentInThread(group, thread)) == 1 }); err != nil {
		t.Fatal(err)
	}
	tg.Block(channelID)
	tg.DeleteForumTopic(group, thread)
	if _, _, err := a.pipeline.Process(t.Context(), news.Article{Key: "lost", Source: "وكالة", Breaking: true,
		Title: "زلزال يضرب شمال سوريا", Text: "ضرب زلزال شمال سوريا فجر اليوم.", URL: "https://news.example/lost"}, true); err != nil {
		t.Fatal(err)
	}
	if err := tg.WaitFor(wctx, func() bool {
		return tg.SentCount(adminChatID) == 1 && len(pushes(tg.SentInThread(group, 0))) == 1 && tg.SentCount(9504) == 1
	}); err != nil {
		t.Fatalf("admin told %d, main thread %d pushes, last reader %d: %v",
			tg.SentCount(adminChatID), len(pushes(tg.SentInThread(group, 0))), tg.SentCount(9504), err)
	}
	mustHave := func(text string, want ...string) {
		t.Helper()
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("%q lacks %q", text, w)
			}
		}
	}
	mustHave(tg.Sent(adminChatID)[0].PlainText, "@ajel_breaking", "/channel add")
	if err := tg.WaitFor(wctx, func() bool { return len(tg.SentInThread(group, 0)) == 2 }); err != nil {
		t.Fatalf("no note in the main thread: %v", err)
	}
	note := tg.SentInThread(group, 0)
	mustHave(note[0].PlainText+note[1].PlainText, "الموضوع العام")
	chs, err := a.db.Channels(t.Context())
	if err != nil || len(chs) != 1 || chs[0].Enabled {
		t.Errorf("channels %+v (%v), want the lost one off", chs, err)
	}
	subs, err := a.db.Subscriptions(t.Context(), news.Target{ChatID: group})
	if err != nil || len(subs) != 1 {
		t.Errorf("the group's main thread follows %+v (%v), want the deleted thread's syria", subs, err)
	}
}
