package bot_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ajel-news/ajel/bot"
	"github.com/ajel-news/ajel/bot/telegramtest"
	"github.com/ajel-news/ajel/delivery"
	"github.com/ajel-news/ajel/news"
)

// waitEvery waits until each chat has at least n messages from the bot.
func (h *harness) waitEvery(chats []telegramtest.Chat, n int, within time.Duration) {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(h.t.Context(), within)
	defer cancel()
	err := h.srv.WaitFor(ctx, func() bool {
		for _, c := range chats {
			if h.srv.SentCount(c.ID) < n {
				return false
			}
		}
		return true
	})
	if err != nil {
		missing := 0
		for _, c := range chats {
			if h.srv.SentCount(c.ID) < n {
				missing++
			}
		}
		h.t.Fatalf("%d of %d chats have fewer than %d messages: %v", missing, len(chats), n, err)
	}
}

// A link to the bot shared in a big group: many readers at once, with
// Telegram refusing a stretch of replies with 429 in the middle. Every
// reader is answered exactly once, replies to different chats overlap,
// and the bot-wide rate holds.
func TestReplySurgeThrough429Storm(t *testing.T) {
	const readers = 80
	h := newHarnessWith(t, []telegramtest.Option{
		telegramtest.WithLatency(20 * time.Millisecond),
		telegramtest.WithRateLimits(telegramtest.DefaultRateLimits()),
	}, func(o *bot.Options) {
		o.Throttle = delivery.NewBudget(delivery.BudgetOptions{Rate: 30})
		o.ReplyRetry = 30 * time.Second
	})
	h.settle()
	// After the 20th reply, Telegram answers every message 429 for 1.5 s.
	var storm atomic.Bool
	stop := h.srv.OnMessage(func(telegramtest.Message) {
		if h.srv.MessageCount() == 20 && storm.CompareAndSwap(false, true) {
			end := h.srv.FailAlways("sendMessage", 0, telegramtest.TooManyRequests(1))
			time.AfterFunc(1500*time.Millisecond, end)
		}
	})
	defer stop()
	chats := make([]telegramtest.Chat, readers)
	for i := range chats {
		chats[i] = telegramtest.PrivateChat(int64(1000 + i))
		h.srv.SendText(chats[i], telegramtest.NewUser(chats[i].ID, "قارئ"), "/start")
	}
	h.waitEvery(chats, 1, 60*time.Second)
	h.settle()
	for _, c := range chats {
		if n := h.srv.SentCount(c.ID); n != 1 {
			t.Errorf("chat %d got %d replies, want 1", c.ID, n)
		}
	}
	st := h.srv.Stats()
	if st.Injected == 0 {
		t.Error("no reply met the storm")
	}
	if st.RateLimited != 0 {
		t.Errorf("the fake's own flood limits answered %d 429s: the budget let too many through", st.RateLimited)
	}
	if st.MostInFlight < 2 {
		t.Errorf("at most %d call in flight: replies to different chats did not overlap", st.MostInFlight)
	}
}

// One chat's commands are answered in the order they were sent, whatever
// the round trips.
func TestOneChatsUpdatesInOrder(t *testing.T) {
	h := newHarnessWith(t, []telegramtest.Option{telegramtest.WithLatency(5 * time.Millisecond),
		telegramtest.WithJitter(20 * time.Millisecond)}, nil)
	user, chat := telegramtest.NewUser(5, "Omar"), telegramtest.PrivateChat(5)
	h.settle()
	for _, cmd := range []string{"/help", "/list", "/topics", "/subscribe إدلب", "/list"} {
		h.srv.SendText(chat, user, cmd)
	}
	h.waitEvery([]telegramtest.Chat{chat}, 5, 20*time.Second)
	h.settle()
	got := h.srv.Sent(chat.ID)
	wants := []string{"أوامر عاجل", "لا اشتراكات", "اختر الموضوعات", "تمّ الاشتراك", "إدلب"}
	for i, want := range wants {
		if !strings.Contains(got[i].PlainText, want) {
			t.Errorf("reply %d is %q, want one with %q (replies out of order?)", i, got[i].PlainText, want)
		}
	}
}

// A reply Telegram keeps refusing is given up after ReplyRetry, logged
// once; the update is done with, and other readers are not held up.
func TestReplyGivenUpAfterTheBound(t *testing.T) {
	logs := &lockedBuffer{}
	h := newHarness(t, func(o *bot.Options) {
		o.ReplyRetry = 2 * time.Second
		o.Logger = slog.New(slog.NewTextHandler(logs, nil))
	})
	stuck, other := telegramtest.PrivateChat(61), telegramtest.PrivateChat(62)
	defer h.srv.FailAlways("sendMessage", stuck.ID, telegramtest.TooManyRequests(1))()
	h.srv.SendText(stuck, telegramtest.NewUser(61, "أ"), "/help")
	h.sayOne(other, telegramtest.NewUser(62, "ب"), "/help")
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := h.srv.WaitFor(ctx, func() bool { return strings.Contains(logs.String(), "gave up") }); err != nil {
		t.Fatalf("the refused reply was not given up: %v\n%s", err, logs)
	}
	h.settle()
	if n := strings.Count(logs.String(), "gave up"); n != 1 {
		t.Errorf("%d log lines about giving up, want 1:\n%s", n, logs)
	}
	if n := len(h.srv.CallsTo("sendMessage")); n < 3 {
		t.Errorf("%d sendMessage calls: the refused reply was not retried", n)
	}
}

// Updates kept in the inbox when the process stopped are handled by the
// next run.
func TestInboxLeftoversHandledAfterRestart(t *testing.T) {
	h := newHarness(t, nil)
	h.stop()
	const chat = 71
	raw := fmt.Sprintf(`{"update_id":900,"message":{"message_id":1,"from":{"id":%d,"is_bot":false,"first_name":"Sara"},`+
		`"chat":{"id":%d,"type":"private","first_name":"Sara"},"date":%d,"text":"/help",`+
		`"entities":[{"type":"bot_command","offset":0,"length":5}]}}`, chat, chat, fixedNow.Unix())
	if _, err := h.db.QueueUpdates(t.Context(), []news.InboundUpdate{{UpdateID: 900, ChatID: chat, Raw: []byte(raw)}}, 901); err != nil {
		t.Fatal(err)
	}
	h.start()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if _, err := h.srv.WaitSent(ctx, chat, 1); err != nil {
		t.Fatal(err)
	}
	h.settle()
	if n := h.srv.SentCount(chat); n != 1 {
		t.Errorf("%d replies to the kept update, want 1", n)
	}
}

// In a forum supergroup each topic thread follows its own topics, and a
// command is answered in the thread it was sent in.
func TestForumThreads(t *testing.T) {
	const group, news1, news2 = -1009000000001, 5, 7
	h := newHarness(t, nil)
	admin := telegramtest.NewUser(31, "مشرف")
	h.srv.AddForumTopic(group, news1)
	h.srv.AddForumTopic(group, news2)
	h.srv.SetAdmin(group, admin.ID)
	chat, _ := h.srv.Chat(group)

	sayIn := func(thread int, text string) telegramtest.Message { return h.sayInThread(chat, admin, thread, text) }
	sayIn(news1, "/subscribe سوريا")
	sayIn(news2, "/subscribe لبنان")
	mustContain(t, sayIn(news1, "/list").PlainText, "سوريا")
	if l := sayIn(news2, "/list").PlainText; !strings.Contains(l, "لبنان") || strings.Contains(l, "سوريا") {
		t.Errorf("thread %d lists %q, want لبنان alone", news2, l)
	}
	// The group's main thread follows nothing of its own.
	main := h.sayOne(chat, admin, "/list")
	mustContain(t, main.PlainText, "لا اشتراكات")

	// Buttons pressed under a thread's keyboard change that thread.
	kb := sayIn(news2, "/topics")
	h.press(chat, admin, kb.ID, "t:economy")
	subs, err := h.db.Subscriptions(t.Context(), news.Target{ChatID: group, ThreadID: news2})
	if err != nil || len(subs) != 2 {
		t.Errorf("thread %d follows %+v (%v), want lebanon and economy", news2, subs, err)
	}
	// A push to a thread lands there.
	if _, err := h.bot.Send(t.Context(), news.Target{ChatID: group, ThreadID: news1}, news.Push{Title: "خبر"}); err != nil {
		t.Fatal(err)
	}
	if m, _ := h.srv.LastSent(group); m.ThreadID != news1 {
		t.Errorf("push went to thread %d, want %d", m.ThreadID, news1)
	}
}

func TestChannelCommand(t *testing.T) {
	const botID = 123456 // the number before ':' in testToken
	const channelID, privateID, foreignID = -1007000000001, -1007000000002, -1007000000003
	h := newHarness(t, nil)
	h.srv.AddChat(telegramtest.Chat{ID: channelID, Type: telegramtest.ChatTypeChannel, Title: "عاجل سوريا", Username: "ajel_syria"})
	h.srv.SetAdmin(channelID, botID)
	h.srv.AddChat(telegramtest.Chat{ID: privateID, Type: telegramtest.ChatTypeChannel, Title: "قناة خاصة"})
	h.srv.SetAdmin(privateID, botID)
	h.srv.AddChat(telegramtest.Chat{ID: foreignID, Type: telegramtest.ChatTypeChannel, Title: "ليست لنا", Username: "not_ours"})
	h.srv.AddChat(telegramtest.Supergroup(-1007000000009, "مجموعة"))
	admin, adminChat := telegramtest.NewUser(adminID, "Admin"), telegramtest.PrivateChat(adminID)
	reader, readerChat := telegramtest.NewUser(8, "قارئ"), telegramtest.PrivateChat(8)

	mustContain(t, h.sayOne(readerChat, reader, "/channel add @ajel_syria سوريا").PlainText, "مخصّص لمشرفي البوت")
	mustContain(t, h.sayOne(adminChat, admin, "/channel").PlainText, "لا قنوات")
	for _, tc := range []struct{ cmd, want string }{
		{"/channel add @ajel_syria", "الاستعمال"},
		{"/channel add @ajel_syria موضوع_مجهول", "لا أعرف موضوعًا"},
		{"/channel add @nobody_here سوريا", "لم يجد تيليغرام"},
		{"/channel add -1007000000009 سوريا", "ليست قناة"},
		{"/channel add @not_ours سوريا", "ليس مشرفًا"},
		{"/channel del @ajel_syria", "ليست من قنوات الموضوعات"},
		{"/channel frobnicate", "الاستعمال"},
	} {
		mustContain(t, h.sayOne(adminChat, admin, tc.cmd).PlainText, tc.want)
	}
	mustContain(t, h.sayOne(adminChat, admin, "/channel add @ajel_syria سوريا").PlainText, "تُنشر أخبار", "@ajel_syria")
	mustContain(t, h.sayOne(adminChat, admin, fmt.Sprintf("/channel add %d عاجل", privateID)).PlainText, "تُنشر أخبار")
	list := h.sayOne(adminChat, admin, "/channel").PlainText
	mustContain(t, list, "سوريا", "@ajel_syria", "الأخبار العاجلة", "قناة خاصة")

	// Readers see the public channel's link under the topics; the
	// private one has no link to show.
	topics := h.sayOne(readerChat, reader, "/topics")
	var links []string
	for _, b := range topics.Buttons() {
		if b.URL != "" {
			links = append(links, b.Text+" "+b.URL)
		}
	}
	if len(links) != 1 || !strings.Contains(links[0], "https://t.me/ajel_syria") || !strings.Contains(links[0], "سوريا") {
		t.Errorf("topic keyboard links %v, want the Syria channel's", links)
	}
	mustContain(t, topics.PlainText, "قناة")

	mustContain(t, h.sayOne(adminChat, admin, "/channel del @ajel_syria").PlainText, "توقّف النشر")
	for _, b := range h.sayOne(readerChat, reader, "/topics").Buttons() {
		if b.URL != "" {
			t.Errorf("a deleted channel is still linked: %+v", b)
		}
	}
	chs, err := h.db.Channels(t.Context())
	if err != nil || len(chs) != 1 || chs[0].Topic != news.BreakingChannel {
		t.Errorf("channels %+v (%v), want the breaking one left", chs, err)
	}
}

// The admins hear of a channel that refused a post, and a group of the
// thread it lost.
func TestNotices(t *testing.T) {
	const channelID = -1007000000011
	h := newHarness(t, nil)
	if err := h.db.SetChannel(t.Context(), news.Channel{ChatID: channelID, Username: "ajel_lebanon", Topic: "lebanon", Display: "لبنان"}); err != nil {
		t.Fatal(err)
	}
	h.bot.ChannelLost(t.Context(), channelID, "Forbidden: bot is not a member of the channel chat")
	m, ok := h.srv.LastSent(adminID)
	if !ok {
		t.Fatal("the admin was not told")
	}
	mustContain(t, m.PlainText, "@ajel_lebanon", "لبنان", "/channel add")
	checkHTML(t, m)

	const group = -1007000000012
	h.bot.ThreadMoved(t.Context(), group, 9)
	m, ok = h.srv.LastSent(group)
	if !ok || m.ThreadID != 0 {
		t.Fatalf("group note %+v, want one in the main thread", m)
	}
	mustContain(t, m.PlainText, "الموضوع العام")
}

// The bound of 50 subscriptions (mutes included) is the chat's, all its
// forum threads together: counted per thread, a forum group held 50 in
// each, and a deleted thread's moved to the main thread beyond 50 (the
// probe found 56 there).
func TestForumThreadsShareTheChatsBound(t *testing.T) {
	const group, thread = -1009000000002, 7
	h := newHarness(t, nil)
	admin := telegramtest.NewUser(32, "مشرفة")
	h.srv.AddForumTopic(group, thread)
	h.srv.SetAdmin(group, admin.ID)
	chat, _ := h.srv.Chat(group)
	sayIn := func(thread int, text string) string { return h.sayInThread(chat, admin, thread, text).PlainText }
	for i := range news.MaxSubscriptionsPerChat - 5 {
		sayIn(0, fmt.Sprintf("/subscribe كلمة%d", i))
	}
	for i := range 4 {
		sayIn(thread, fmt.Sprintf("/subscribe موضوع%d", i))
	}
	sayIn(thread, "/mute الطقس")
	mustContain(t, sayIn(thread, "/subscribe سوريا"), "50")
	mustContain(t, sayIn(thread, "/mute كرة"), "50")
	kb := h.sayInThread(chat, admin, thread, "/topics")
	if a := h.press(chat, admin, kb.ID, "t:syria"); !strings.Contains(a.Text, "50") {
		t.Errorf("the topic button past the bound answered %q", a.Text)
	}
	// The thread goes; what it followed joins the main thread, still 50.
	if _, err := h.db.MoveThread(t.Context(), group, thread); err != nil {
		t.Fatal(err)
	}
	var total int
	for _, th := range []int{0, thread} {
		subs, err := h.db.Subscriptions(t.Context(), news.Target{ChatID: group, ThreadID: th})
		if err != nil {
			t.Fatal(err)
		}
		total += len(subs)
	}
	if total != news.MaxSubscriptionsPerChat {
		t.Errorf("the group holds %d subscriptions, want %d", total, news.MaxSubscriptionsPerChat)
	}
}
