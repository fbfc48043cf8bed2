package bot_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/ajel-news/ajel/arabic"
	"github.com/ajel-news/ajel/bot"
	"github.com/ajel-news/ajel/bot/telegramtest"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/storage/storagetest"
	"github.com/ajel-news/ajel/topic"
)

// The scenario: /start, two topics tapped, a keyword, /list; a
// restart on the same database keeps everything and re-handles nothing;
// /stop empties it.
func TestEndToEndSubscribeRestartStop(t *testing.T) {
	h := newHarness(t, nil)
	user := telegramtest.User{ID: 42, FirstName: "سارة", Username: "sara", LanguageCode: "ar"}
	chat := telegramtest.Chat{ID: 42, Type: telegramtest.ChatTypePrivate, FirstName: "سارة", Username: "sara"}

	welcome := h.sayOne(chat, user, "/start")
	mustContain(t, welcome.PlainText, "عاجل", "/subscribe", "/help")
	if len(welcome.Buttons()) != 5 {
		t.Fatalf("welcome keyboard has %d buttons, want the 5 topics: %+v", len(welcome.Buttons()), welcome.Keyboard)
	}
	for _, row := range welcome.Keyboard {
		if len(row) < 1 || len(row) > 3 {
			t.Errorf("keyboard row of %d buttons", len(row))
		}
	}
	for _, label := range []string{"🇸🇾 سوريا", "💰 اقتصاد"} {
		u, err := h.srv.Press(chat, user, welcome.ID, label)
		if err != nil {
			t.Fatal(err)
		}
		h.settle()
		a, ok := h.srv.CallbackAnswer(u.CallbackQueryID)
		if !ok || !strings.Contains(a.Text, "تمّ الاشتراك") {
			t.Errorf("pressing %s answered %+v", label, a)
		}
	}
	kb, _ := h.srv.Message(chat.ID, welcome.ID)
	for _, want := range []string{"✅ 🇸🇾 سوريا", "✅ 💰 اقتصاد", "🇱🇧 لبنان"} {
		if _, ok := kb.Button(want); !ok {
			t.Errorf("edited keyboard lacks %q: %+v", want, kb.Buttons())
		}
	}

	sub := h.sayOne(chat, user, "/subscribe إدلب")
	mustContain(t, sub.PlainText, "إدلب", "تمّ الاشتراك")
	list := h.sayOne(chat, user, "/list")
	mustContain(t, list.PlainText, "سوريا", "اقتصاد", "إدلب")

	subs := h.subs(chat.ID)
	if len(subs) != 3 {
		t.Fatalf("stored %d subscriptions, want 3: %+v", len(subs), subs)
	}
	if c, err := h.db.Chat(t.Context(), chat.ID); err != nil || c.Title != "سارة" || c.Username != "sara" {
		t.Errorf("stored chat %+v, %v", c, err)
	}
	offset, err := h.db.UpdateOffset(t.Context())
	if err != nil || offset == 0 {
		t.Fatalf("offset %d, %v", offset, err)
	}

	// Restart on the same file: nothing is re-handled, everything is kept.
	sentBefore := h.srv.SentCount(chat.ID)
	h.stop()
	if err := h.db.Close(); err != nil {
		t.Fatal(err)
	}
	h.openDB()
	h.start()
	h.settle()
	if got := h.srv.SentCount(chat.ID); got != sentBefore {
		t.Fatalf("after restart the bot sent %d more messages (updates handled twice)", got-sentBefore)
	}
	list = h.sayOne(chat, user, "/list")
	mustContain(t, list.PlainText, "سوريا", "اقتصاد", "إدلب")

	stop := h.sayOne(chat, user, "/stop")
	mustContain(t, stop.PlainText, "حُذفت", "/start")
	if n := len(h.subs(chat.ID)); n != 0 {
		t.Errorf("%d subscriptions left after /stop", n)
	}
	list = h.sayOne(chat, user, "/list")
	mustContain(t, list.PlainText, "لا اشتراكات")
}

func TestOffsetSavedAfterEachUpdate(t *testing.T) {
	h := newHarness(t, nil)
	user := telegramtest.NewUser(5, "Omar")
	chat := telegramtest.PrivateChat(5)
	var last telegramtest.Update
	for range 3 {
		last = h.srv.SendText(chat, user, "/help")
	}
	h.settle()
	offset, err := h.db.UpdateOffset(t.Context())
	if err != nil || offset != last.ID+1 {
		t.Fatalf("offset %d (%v), want %d", offset, err, last.ID+1)
	}
	if n := h.srv.SentCount(chat.ID); n != 3 {
		t.Errorf("%d replies, want 3", n)
	}
	cmds := h.srv.Commands()
	if len(cmds) < 12 {
		t.Errorf("setMyCommands registered %d commands: %+v", len(cmds), cmds)
	}
	for _, c := range cmds {
		if c.Command == "addfeed" {
			t.Errorf("admin command %q is public", c.Command)
		}
	}
}

func TestHelpListsEveryCommand(t *testing.T) {
	h := newHarness(t, nil)
	user, chat := telegramtest.NewUser(5, "Omar"), telegramtest.PrivateChat(5)
	help := h.sayOne(chat, user, "/help")
	for _, c := range []string{"/start", "/help", "/topics", "/subscribe", "/unsubscribe", "/list", "/latest",
		"/search", "/pause", "/resume", "/quiet", "/stop"} {
		mustContain(t, help.PlainText, c+" ")
	}
	if strings.Contains(help.PlainText, "/addfeed") {
		t.Error("non-admin sees admin commands")
	}
	admin := h.sayOne(telegramtest.PrivateChat(adminID), telegramtest.NewUser(adminID, "Admin"), "/help")
	mustContain(t, admin.PlainText, "/stats", "/feeds", "/addfeed", "/delfeed")
}

// Every bad input the issue lists, in a private chat.
func TestBadInput(t *testing.T) {
	h := newHarness(t, nil)
	user, chat := telegramtest.NewUser(9, "Lina"), telegramtest.PrivateChat(9)
	tests := []struct {
		name, text string
		want       []string // in the reply's plain text
		keyboard   bool
	}{
		{"unknown command", "/frobnicate", []string{"/help"}, false},
		{"subscribe without argument", "/subscribe", []string{"اختر الموضوعات"}, true},
		{"keyword over 64 characters", "/subscribe " + strings.Repeat("ب", 65), []string{"طويلة جدًا", "64 حرفًا"}, false},
		{"only punctuation", "/subscribe ؟!...،", []string{"رموز أو علامات ترقيم"}, false},
		{"only emoji", "/subscribe 🔥🔥 👨‍👩‍👧", []string{"إيموجي"}, false},
		{"bidi override", "/subscribe \u202eإدلب", []string{"محارف تحكّم"}, false},
		{"control character", "/subscribe إد\x07لب", []string{"محارف تحكّم"}, false},
		{"zero-width only", "/subscribe \u200b\u200c\u200d", []string{"محارف تحكّم"}, false},
		{"only stop words", "/subscribe في", []string{"شائعة جدًا"}, false},
		{"search stop words only", "/search في من ؟", []string{"لم أجد في طلبك كلمات"}, false},
		{"search without words", "/search", []string{"/search"}, false},
		{"quiet out of range", "/quiet 25-99", []string{"بين 0 و23"}, false},
		{"quiet nonsense", "/quiet soon", []string{"بين 0 و23"}, false},
		{"quiet same hours", "/quiet 5-5", []string{"/quiet off"}, false},
		{"latest unknown topic", "/latest كواكب", []string{"/topics"}, false},
		{"delfeed by non-admin", "/delfeed 1", []string{"مشرفي البوت"}, false},
		{"addfeed by non-admin", "/addfeed https://example.com/rss", []string{"مشرفي البوت"}, false},
		{"stats by non-admin", "/stats", []string{"مشرفي البوت"}, false},
		{"unsubscribe unknown", "/unsubscribe حلب", []string{"حلب", "ليس ضمن الاشتراكات"}, false},
		{"plain text", "مرحبا", []string{"/subscribe", "/help"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := h.sayOne(chat, user, tc.text)
			mustContain(t, m.PlainText, tc.want...)
			if (m.Keyboard != nil) != tc.keyboard {
				t.Errorf("keyboard %v, want %v", m.Keyboard != nil, tc.keyboard)
			}
		})
	}
	if n := len(h.subs(chat.ID)); n != 0 {
		t.Errorf("bad input stored %d subscriptions", n)
	}
	if len(h.feeds.feeds) != 0 {
		t.Error("a non-admin added a feed")
	}
}

func TestSubscribeDuplicateAndLimit(t *testing.T) {
	h := newHarness(t, nil)
	user, chat := telegramtest.NewUser(9, "Lina"), telegramtest.PrivateChat(9)
	h.sayOne(chat, user, "/subscribe إدلب")
	// The same keyword typed differently normalizes to the same key.
	m := h.sayOne(chat, user, "/subscribe  إِدلب ")
	mustContain(t, m.PlainText, "ضمن الاشتراكات بالفعل")
	h.sayOne(chat, user, "/subscribe سوريا")
	m = h.sayOne(chat, user, "/subscribe سوريا")
	mustContain(t, m.PlainText, "سوريا", "بالفعل")
	if n := len(h.subs(chat.ID)); n != 2 {
		t.Fatalf("%d subscriptions, want 2 (no duplicates)", n)
	}
	for i := len(h.subs(chat.ID)); i < news.MaxSubscriptionsPerChat; i++ {
		if _, err := h.db.Subscribe(t.Context(), news.Subscription{ChatID: chat.ID, Kind: news.KindKeyword,
			Key: fmt.Sprintf("k%d", i), Display: fmt.Sprintf("k%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	m = h.sayOne(chat, user, "/subscribe حلب")
	mustContain(t, m.PlainText, "الحدّ الأقصى", "50")
	if n := len(h.subs(chat.ID)); n != news.MaxSubscriptionsPerChat {
		t.Errorf("%d subscriptions, want %d", n, news.MaxSubscriptionsPerChat)
	}
	// The topic keyboard refuses too, with an alert.
	kb := h.sayOne(chat, user, "/topics")
	a := h.press(chat, user, kb.ID, "t:lebanon")
	if !a.ShowAlert || !strings.Contains(a.Text, "الحدّ الأقصى") {
		t.Errorf("answer %+v", a)
	}
}

func TestEchoedTextIsEscaped(t *testing.T) {
	h := newHarness(t, nil)
	user, chat := telegramtest.NewUser(9, "Lina"), telegramtest.PrivateChat(9)
	for _, word := range []string{`<b>عاجل</b>`, `Tom & "Jerry"`, `'x' <script>&amp;`} {
		m := h.sayOne(chat, user, "/subscribe "+word)
		mustContain(t, stripIsolates(m.PlainText), word)
		m = h.sayOne(chat, user, "/search "+word)
		mustContain(t, stripIsolates(m.PlainText), word)
	}
	m := h.sayOne(chat, user, "/list")
	mustContain(t, stripIsolates(m.PlainText), `<b>عاجل</b>`, `Tom & "Jerry"`)
	m = h.sayOne(chat, user, "/unsubscribe "+`Tom & "Jerry"`)
	mustContain(t, stripIsolates(m.PlainText), `Tom & "Jerry"`, "إلغاء")
}

func TestForgedCallbacks(t *testing.T) {
	h := newHarness(t, nil)
	user, chat := telegramtest.NewUser(9, "Lina"), telegramtest.PrivateChat(9)
	other, otherChat := telegramtest.NewUser(10, "Sami"), telegramtest.PrivateChat(10)
	h.sayOne(otherChat, other, "/subscribe حلب")
	foreign := h.subs(otherChat.ID)[0].ID
	h.sayOne(chat, user, "/subscribe إدلب")
	kb := h.sayOne(chat, user, "/topics")
	for _, data := range []string{"t:nonexistent", "u:999999", "garbage", "", "u:abc", "u:-1", fmt.Sprintf("u:%d", foreign), "t:"} {
		t.Run(data, func(t *testing.T) {
			a := h.press(chat, user, kb.ID, data)
			mustContain(t, a.Text, "لم يعد صالحًا")
		})
	}
	if n := len(h.subs(chat.ID)); n != 1 {
		t.Errorf("chat has %d subscriptions, want 1", n)
	}
	if n := len(h.subs(otherChat.ID)); n != 1 {
		t.Errorf("other chat lost its subscription: %d", n)
	}
	if m, _ := h.srv.Message(chat.ID, kb.ID); m.Edits != 0 {
		t.Errorf("keyboard edited %d times by forged presses", m.Edits)
	}
}

func TestUnsubscribeKeyboard(t *testing.T) {
	h := newHarness(t, nil)
	user, chat := telegramtest.NewUser(9, "Lina"), telegramtest.PrivateChat(9)
	m := h.sayOne(chat, user, "/unsubscribe")
	mustContain(t, m.PlainText, "لا اشتراكات")
	h.sayOne(chat, user, "/subscribe إدلب")
	h.sayOne(chat, user, "/subscribe لبنان")
	kb := h.sayOne(chat, user, "/unsubscribe")
	if len(kb.Buttons()) != 2 {
		t.Fatalf("buttons %+v", kb.Buttons())
	}
	for _, b := range kb.Buttons() {
		if !strings.HasPrefix(b.CallbackData, "u:") || len(b.CallbackData) > 64 {
			t.Errorf("callback data %q", b.CallbackData)
		}
	}
	a := h.press(chat, user, kb.ID, kb.Buttons()[0].CallbackData)
	mustContain(t, a.Text, "إلغاء", "إدلب")
	// The same (now stale) button again changes nothing.
	a = h.press(chat, user, kb.ID, kb.Buttons()[0].CallbackData)
	mustContain(t, a.Text, "لم يعد صالحًا")
	edited, _ := h.srv.Message(chat.ID, kb.ID)
	if len(edited.Buttons()) != 1 {
		t.Errorf("keyboard after removal: %+v", edited.Buttons())
	}
	h.press(chat, user, kb.ID, edited.Buttons()[0].CallbackData)
	edited, _ = h.srv.Message(chat.ID, kb.ID)
	mustContain(t, edited.PlainText, "لم يبقَ")
	if n := len(h.subs(chat.ID)); n != 0 {
		t.Errorf("%d subscriptions left", n)
	}
	// Unsubscribing by name, and toggling a topic off from the keyboard.
	h.sayOne(chat, user, "/subscribe حلب")
	m = h.sayOne(chat, user, "/unsubscribe حلب")
	mustContain(t, m.PlainText, "تمّ إلغاء الاشتراك")
	topics := h.sayOne(chat, user, "/topics")
	h.press(chat, user, topics.ID, "t:syria")
	a = h.press(chat, user, topics.ID, "t:syria")
	mustContain(t, a.Text, "إلغاء")
	if n := len(h.subs(chat.ID)); n != 0 {
		t.Errorf("%d subscriptions left after toggling off", n)
	}
}

func TestDeepLinkStart(t *testing.T) {
	h := newHarness(t, nil)
	user, chat := telegramtest.NewUser(9, "Lina"), telegramtest.PrivateChat(9)
	m := h.sayOne(chat, user, "/start lebanon")
	mustContain(t, m.PlainText, "تمّ الاشتراك في موضوع", "لبنان")
	if _, ok := m.Button("✅ 🇱🇧 لبنان"); !ok {
		t.Errorf("keyboard does not tick the topic: %+v", m.Buttons())
	}
	m = h.sayOne(chat, user, "/start nonsense-payload")
	if strings.Contains(m.PlainText, "تمّ الاشتراك") {
		t.Error("unknown payload subscribed")
	}
	if n := len(h.subs(chat.ID)); n != 1 {
		t.Errorf("%d subscriptions", n)
	}
}

func TestPauseResumeQuiet(t *testing.T) {
	h := newHarness(t, nil)
	user, chat := telegramtest.NewUser(9, "Lina"), telegramtest.PrivateChat(9)
	h.sayOne(chat, user, "/subscribe إدلب")
	mustContain(t, h.sayOne(chat, user, "/pause").PlainText, "/resume")
	c, _ := h.db.Chat(t.Context(), chat.ID)
	if !c.Paused {
		t.Error("not paused")
	}
	mustContain(t, h.sayOne(chat, user, "/list").PlainText, "موقوفة")
	h.sayOne(chat, user, "/resume")
	c, _ = h.db.Chat(t.Context(), chat.ID)
	if c.Paused {
		t.Error("still paused")
	}
	m := h.sayOne(chat, user, "/quiet 22-07")
	// It says exactly what quiet hours do: nothing rings, the rest waits.
	mustContain(t, stripIsolates(m.PlainText), "22:00", "07:00", "Asia/Damascus", "لا يرنّ فيها شيء",
		"العاجلة تصلك فورًا بلا صوت", "موجز واحد يصلك عند 07:00")
	c, _ = h.db.Chat(t.Context(), chat.ID)
	if c.Quiet != (news.QuietHours{From: 22, To: 7}) {
		t.Errorf("quiet %+v", c.Quiet)
	}
	mustContain(t, stripIsolates(h.sayOne(chat, user, "/quiet").PlainText), "22:00", "Asia/Damascus")
	h.sayOne(chat, user, "/quiet ٢٣-٦")
	c, _ = h.db.Chat(t.Context(), chat.ID)
	if c.Quiet != (news.QuietHours{From: 23, To: 6}) {
		t.Errorf("quiet %+v", c.Quiet)
	}
	h.sayOne(chat, user, "/quiet 25-99")
	c, _ = h.db.Chat(t.Context(), chat.ID)
	if c.Quiet != (news.QuietHours{From: 23, To: 6}) {
		t.Errorf("a refused /quiet changed it: %+v", c.Quiet)
	}
	mustContain(t, h.sayOne(chat, user, "/quiet off").PlainText, "أُلغيت")
	c, _ = h.db.Chat(t.Context(), chat.ID)
	if c.Quiet.Enabled() {
		t.Errorf("quiet %+v", c.Quiet)
	}
}

// Edited messages, channel posts, photos, stickers and group chatter are
// ignored; so are commands for another bot.
func TestIgnoredUpdates(t *testing.T) {
	h := newHarness(t, nil)
	user := telegramtest.NewUser(9, "Lina")
	private := telegramtest.PrivateChat(9)
	group := telegramtest.Group(-500, "مجموعة")
	channel := telegramtest.Channel(-1001234, "قناة")
	h.sayOne(private, user, "/help")
	h.srv.SendEdited(private, user, 1, "/subscribe حلب")
	h.srv.SendChannelPost(channel, "/subscribe حلب")
	h.srv.SendPhoto(private, user, "/subscribe حلب")
	h.srv.SendSticker(private, user, "🔥")
	h.srv.SendText(group, user, "صباح الخير")
	h.srv.SendText(group, user, "/frobnicate")
	h.srv.SendText(group, user, "/help@other_bot")
	h.srv.SendText(private, user, "/list@other_bot")
	h.settle()
	for _, id := range []int64{private.ID, group.ID, channel.ID} {
		want := 0
		if id == private.ID {
			want = 1
		}
		if n := h.srv.SentCount(id); n != want {
			t.Errorf("chat %d: %d messages, want %d: %+v", id, n, want, h.srv.Sent(id))
		}
	}
	if n := len(h.subs(private.ID)); n != 0 {
		t.Errorf("%d subscriptions", n)
	}
	if _, err := h.db.Chat(t.Context(), channel.ID); err == nil {
		t.Error("channel stored as a chat")
	}
}

func TestGroupAdmins(t *testing.T) {
	h := newHarness(t, nil)
	group := telegramtest.Supergroup(-1009876, "أخبار الحي")
	admin, member := telegramtest.NewUser(1, "Admin"), telegramtest.NewUser(2, "Member")
	h.srv.AddChat(group)
	h.srv.SetAdmin(group.ID, admin.ID)
	bot := "@" + telegramtest.DefaultBotUsername

	for _, cmd := range []string{"/subscribe إدلب", "/subscribe" + bot + " إدلب", "/unsubscribe سوريا", "/pause", "/resume", "/quiet 1-5", "/stop", "/start syria", "/unsubscribe"} {
		m := h.sayOne(group, member, cmd)
		mustContain(t, m.PlainText, "مقصور على مشرفيها")
	}
	if n := len(h.subs(group.ID)); n != 0 {
		t.Fatalf("a member changed the group's subscriptions: %d", n)
	}
	// Anyone may read.
	mustContain(t, h.sayOne(group, member, "/list").PlainText, "لا اشتراكات")
	h.sayOne(group, member, "/help"+bot)
	h.sayOne(group, member, "/latest")

	m := h.sayOne(group, admin, "/subscribe"+bot+" إدلب")
	mustContain(t, m.PlainText, "تمّ الاشتراك")
	kb := h.sayOne(group, member, "/topics")
	a := h.press(group, member, kb.ID, "t:syria")
	if !a.ShowAlert || !strings.Contains(a.Text, "مشرفيها") {
		t.Errorf("member's press answered %+v", a)
	}
	a = h.press(group, admin, kb.ID, "t:syria")
	mustContain(t, a.Text, "تمّ الاشتراك")
	if n := len(h.subs(group.ID)); n != 2 {
		t.Errorf("%d subscriptions, want 2", n)
	}
	c, err := h.db.Chat(t.Context(), group.ID)
	if err != nil || c.Type != news.ChatSupergroup || c.Title != "أخبار الحي" {
		t.Errorf("stored group %+v, %v", c, err)
	}
	// A member's status is cached: three presses, one getChatMember per user.
	before := h.srv.CallCount("getChatMember")
	h.press(group, member, kb.ID, "t:lebanon")
	h.press(group, member, kb.ID, "t:economy")
	if got := h.srv.CallCount("getChatMember") - before; got != 0 {
		t.Errorf("%d more getChatMember calls for a cached member", got)
	}
}

// /addfeed's country=: a place by its slug or its Arabic name is stored as
// its slug; anything else is refused in Arabic, naming the value, and
// nothing is added or changed.
func TestAddFeedCountry(t *testing.T) {
	h := newHarness(t, nil)
	admin, chat := telegramtest.NewUser(adminID, "Admin"), telegramtest.PrivateChat(adminID)
	for _, tc := range []struct {
		name, args string
		says       []string
		want       string // the feed's country after it ("-": no feed)
	}{
		{"unknown slug refused by name", "https://m.example/rss country=atlantis",
			[]string{"«atlantis»", "country=morocco", "country=none"}, "-"},
		{"a section is no country", "https://m.example/rss country=sports", []string{"«sports»"}, "-"},
		{"markup refused, escaped", "https://m.example/rss country=<b>x</b>", []string{"غير معروفة", "country="}, "-"},
		{"by slug", "https://m.example/rss country=Lebanon", []string{"#1", "country=lebanon", "تُنسب إليه"}, "lebanon"},
		{"by Arabic name, on a known feed", `https://m.example/rss country="سوريا"`, []string{"تغيّرت خياراته", "country=syria"}, "syria"},
		{"an unknown one leaves the feed as it was", "https://m.example/rss country=narnia", []string{"«narnia»"}, "syria"},
		{"none takes it away", "https://m.example/rss country=none", []string{"تغيّرت خياراته"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := h.sayOne(chat, admin, "/addfeed "+tc.args)
			mustContain(t, m.PlainText, tc.says...)
			if strings.Contains(m.PlainText, "topic:") || strings.Contains(m.PlainText, "bad feed option") {
				t.Errorf("English in the reply: %s", m.PlainText)
			}
			h.feeds.mu.Lock()
			defer h.feeds.mu.Unlock()
			switch {
			case tc.want == "-" && len(h.feeds.feeds) != 0:
				t.Errorf("a refused /addfeed added %+v", h.feeds.feeds)
			case tc.want != "-" && (len(h.feeds.feeds) != 1 || h.feeds.feeds[0].Country != tc.want):
				t.Errorf("feeds %+v, want one with country %q", h.feeds.feeds, tc.want)
			}
		})
		if tc.want == "syria" {
			mustContain(t, h.sayOne(chat, admin, "/feeds 1").PlainText, "country=syria")
			mustContain(t, h.sayOne(chat, admin, "/feeds").PlainText, "البلد: syria")
		}
	}
}

func TestBotAdminCommands(t *testing.T) {
	h := newHarness(t, nil)
	admin, chat := telegramtest.NewUser(adminID, "Admin"), telegramtest.PrivateChat(adminID)
	mustContain(t, h.sayOne(chat, admin, "/feeds").PlainText, "لا مصادر")
	mustContain(t, h.sayOne(chat, admin, "/addfeed").PlainText, "/addfeed https://")
	m := h.sayOne(chat, admin, "/addfeed https://example.com/rss?a=1&b=2")
	mustContain(t, m.PlainText, "#1", "https://example.com/rss?a=1&b=2")
	mustContain(t, h.sayOne(chat, admin, "/addfeed https://example.com/rss?a=1&b=2").PlainText, "موجود بالفعل")
	// Options after the address: the full-text mode, and nothing else.
	mustContain(t, h.sayOne(chat, admin, "/addfeed https://example.com/rss?a=1&b=2 fulltext=never").PlainText,
		"تغيّرت خياراته", "fulltext=never", "يُكتفى بنص المصدر")
	mustContain(t, h.sayOne(chat, admin, "/addfeed https://teasers.example/rss fulltext=always").PlainText,
		"#2", "fulltext=always", "lang=ar", "تُرسل الأخبار المكتوبة بالعربية")
	// A feed in another language: its items are pushed with lang=any.
	mustContain(t, h.sayOne(chat, admin, "/addfeed https://example.com/rss?a=1&b=2 lang=any").PlainText,
		"تغيّرت خياراته", "lang=any", "بأي لغة", "fulltext=never")
	for _, tc := range []struct{ args, says, names string }{
		{"https://x.example/rss images=yes", "لا أعرف الخيار «images»", "lang=ar|any"},
		{"https://x.example/rss fulltext=sometimes", "«sometimes» غير معروفة", "fulltext="},
		{"https://x.example/rss fulltext=", "غير معروفة", "fulltext="},
		{"https://x.example/rss lang=fr", "قيمة lang «fr» غير معروفة", "lang=ar|any"},
		{"https://x.example/rss lang=", "غير معروفة", "lang=ar|any"},
	} {
		mustContain(t, h.sayOne(chat, admin, "/addfeed "+tc.args).PlainText, tc.says, tc.names)
	}
	h.feeds.mu.Lock()
	if n := len(h.feeds.feeds); n != 2 || h.feeds.feeds[0].FullText != news.FullTextNever || h.feeds.feeds[0].Lang != news.LangAny {
		t.Errorf("feeds after the options (a refused option adds nothing): %+v", h.feeds.feeds)
	}
	h.feeds.feeds[0].Held = news.HeldItems{Language: 12}
	h.feeds.feeds[1].Pages = news.PageCounts{Read: 5, Failed: 2}
	h.feeds.feeds[1].LastPageError = "feed: page text is not the story (1 of 7 of its words)"
	h.feeds.feeds[1].Interval = 150 * time.Second
	h.feeds.feeds[0].WebSub = news.WebSubStatus{State: news.WebSubFailed, Reason: "the hub answered 500 Internal Server Error"}
	h.feeds.mu.Unlock()
	mustContain(t, h.sayOne(chat, admin, "/feeds").PlainText, "المصادر (2)", "#1", "#2", "النص: never", "اللغة: any", "النص: always")
	mustContain(t, h.sayOne(chat, admin, "/feeds 1").PlainText, "حُفظ 12 خبرًا دون إرسال (12 بغير العربية",
		"WebSub: تعذّر الاشتراك", "hub answered 500")
	mustContain(t, h.sayOne(chat, admin, "/feeds #2").PlainText, "النص الكامل: always", "صفحات قُرئت: 5، تعذّر استعمال 2",
		"page text is not the story", "يُحدَّث كل دقيقتين و30 ثانية")
	mustContain(t, h.sayOne(chat, admin, "/delfeed 2").PlainText, "حُذف المصدر")
	// Refusals say why in Arabic; the Go error stays in the log.
	for _, tc := range []struct{ url, says string }{
		{"ftp://<evil>", "ليس رابطًا صالحًا"},
		{"https://", "ليس رابطًا صالحًا"},
		{"http://127.0.0.1:8080/rss", "شبكة داخلية أو خاصة"},
		{"http://[::1]/rss", "شبكة داخلية أو خاصة"},
		{"https://no-such-site.invalid/rss", "لم أجد الموقع «no-such-site.invalid»"},
	} {
		m = h.sayOne(chat, admin, "/addfeed "+tc.url)
		mustContain(t, stripIsolates(m.PlainText), "تعذّرت إضافة المصدر "+tc.url, tc.says)
		if strings.Contains(m.PlainText, "feed:") || strings.Contains(m.PlainText, "refus") {
			t.Errorf("/addfeed %s: English error text in the reply: %s", tc.url, m.PlainText)
		}
	}
	h.feeds.mu.Lock()
	h.feeds.feeds[0].LastError = "HTTP 500 <html>"
	h.feeds.feeds[0].Failures = 3
	h.feeds.feeds[0].Title = "وكالة <الأنباء>"
	h.feeds.feeds[0].Held = news.HeldItems{Old: 2, OverLimit: 9_980}
	h.feeds.mu.Unlock()
	m = h.sayOne(chat, admin, "/feeds")
	mustContain(t, stripIsolates(m.PlainText), "#1", "وكالة <الأنباء>", "يفشل منذ", "إخفاقات متتالية: 3")
	m = h.sayOne(chat, admin, "/feeds 1")
	mustContain(t, stripIsolates(m.PlainText), "#1", "وكالة <الأنباء>", "HTTP 500 <html>", "3",
		"حُفظ 9982 خبرًا دون إرسال", "9980 تجاوزت حدّ الإرسال", "2 تاريخها قديم")
	mustContain(t, h.sayOne(chat, admin, "/delfeed 9").PlainText, "لا يوجد مصدر")
	mustContain(t, h.sayOne(chat, admin, "/delfeed abc").PlainText, "/delfeed 3")
	mustContain(t, h.sayOne(chat, admin, "/delfeed 1").PlainText, "حُذف المصدر")
	mustContain(t, h.sayOne(chat, admin, "/stats").PlainText, "المحادثات: 1")

	// An admin id in a group is still an admin; a stranger is not.
	stranger := telegramtest.NewUser(31, "X")
	mustContain(t, h.sayOne(telegramtest.PrivateChat(31), stranger, "/feeds").PlainText, "مشرفي البوت")
}

// breaking=yes|no marks a source whose every item is urgent (polled at
// the shortest interval in every hour); a bad value is refused by name,
// in Arabic, and adds nothing. /feeds says why each feed is polled as it
// is.
func TestBotFeedBreakingAndWhyPolled(t *testing.T) {
	h := newHarness(t, nil)
	admin, chat := telegramtest.NewUser(adminID, "Admin"), telegramtest.PrivateChat(adminID)
	for _, tc := range []struct{ args, says string }{
		{"https://x.example/rss breaking=maybe", "قيمة breaking «maybe» غير معروفة. القيم المقبولة: breaking=yes|no"},
		{"https://x.example/rss breaking=", "قيمة breaking «» غير معروفة"},
		{"https://x.example/rss fulltext=never breaking=sometimes", "breaking=yes|no"},
	} {
		mustContain(t, h.sayOne(chat, admin, "/addfeed "+tc.args).PlainText, tc.says)
	}
	h.feeds.mu.Lock()
	if n := len(h.feeds.feeds); n != 0 {
		t.Errorf("a refused option added %d feeds", n)
	}
	h.feeds.mu.Unlock()
	mustContain(t, h.sayOne(chat, admin, "/addfeed https://urgent.example/rss breaking=yes").PlainText,
		"#1", "breaking=yes", "كل أخباره عاجلة")
	mustContain(t, h.sayOne(chat, admin, "/addfeed https://calm.example/rss").PlainText, "#2", "breaking=no")
	mustContain(t, h.sayOne(chat, admin, "/addfeed https://urgent.example/rss breaking=no").PlainText,
		"تغيّرت خياراته", "breaking=no")
	mustContain(t, h.sayOne(chat, admin, "/addfeed https://calm.example/rss breaking=نعم").PlainText,
		"تغيّرت خياراته", "breaking=yes")
	h.feeds.mu.Lock()
	if f := h.feeds.feeds; f[0].Breaking || !f[1].Breaking {
		t.Errorf("breaking after the changes: %v, %v", f[0].Breaking, f[1].Breaking)
	}
	h.feeds.feeds[0].Interval, h.feeds.feeds[0].PollReason = 15*time.Minute, news.PollQuiet
	h.feeds.feeds[1].Interval, h.feeds.feeds[1].PollReason = time.Minute, news.PollBreaking
	h.feeds.mu.Unlock()
	mustContain(t, h.sayOne(chat, admin, "/feeds 1").PlainText,
		"يُحدَّث كل 15 دقيقة: ساعة هادئة لم ينشر فيها في الأسبوعين الأخيرين")
	mustContain(t, h.sayOne(chat, admin, "/feeds 2").PlainText,
		"يُحدَّث كل دقيقة: مصدر عاجل (breaking=yes)")
	for reason, says := range map[news.PollReason]string{
		news.PollLearning:    "مصدر جديد",
		news.PollRecent:      "نشر في الساعة الأخيرة",
		news.PollRhythm:      "ينشر عادةً في هذه الساعة",
		news.PollWebSub:      "فمركز WebSub يرسل جديده فور نشره",
		news.PollServerFresh: "طلب خادمه ذلك (Cache-Control أو Expires)",
		news.PollRetryAfter:  "المحاولة التالية في 2026-12-02 17:00: طلب خادمه الانتظار (429 أو Retry-After)",
		news.PollFailing:     "المحاولة التالية في 2026-12-02 17:00 بعد إخفاقات متتالية",
	} {
		h.feeds.mu.Lock()
		h.feeds.feeds[0].PollReason, h.feeds.feeds[0].NextPollAt = reason, time.Date(2026, 12, 2, 14, 0, 0, 0, time.UTC)
		h.feeds.mu.Unlock()
		mustContain(t, stripIsolates(h.sayOne(chat, admin, "/feeds 1").PlainText), says)
	}
}

func TestRateLimitPerChat(t *testing.T) {
	h := newHarness(t, func(o *bot.Options) { o.ChatBurst = 0 }) // the default: 1/s, burst 10
	flooder, floodChat := telegramtest.NewUser(9, "Flood"), telegramtest.PrivateChat(9)
	calm, calmChat := telegramtest.NewUser(10, "Calm"), telegramtest.PrivateChat(10)
	for range 100 {
		h.srv.SendText(floodChat, flooder, "/help")
	}
	h.srv.SendText(calmChat, calm, "/help")
	h.settle()
	sent := h.srv.Sent(floodChat.ID)
	// The clock is frozen, so exactly the burst gets through, then one
	// polite notice, then silence.
	if len(sent) != 11 {
		t.Fatalf("flooding chat got %d messages, want 10 replies and 1 notice", len(sent))
	}
	slow := 0
	for _, m := range sent {
		if strings.Contains(m.PlainText, "مهلًا") {
			slow++
		}
	}
	if slow != 1 {
		t.Errorf("%d slow-down notices, want 1", slow)
	}
	if n := h.srv.SentCount(calmChat.ID); n != 1 {
		t.Errorf("the other chat got %d replies, want 1", n)
	}
}

// In a group the budget is each member's: one member flooding /latest
// gets a few answers and one notice, while the admin's /pause and /resume
// and another member's /help are answered. An admin's settings commands
// have a budget of their own, so even an admin who flooded /latest
// first can still /pause, and press the settings buttons.
func TestRateLimitPerUserInAChat(t *testing.T) {
	h := newHarness(t, func(o *bot.Options) { o.ChatBurst = 0 }) // the default: 1/s, burst 10, clock frozen
	group := telegramtest.Supergroup(-1007001, "حيّنا")
	admin, member, other := telegramtest.NewUser(7001, "مشرفة"), telegramtest.NewUser(7002, "مستعجل"), telegramtest.NewUser(7003, "هادئ")
	h.srv.SetAdmin(group.ID, admin.ID)
	h.say(group, admin, "/subscribe سوريا")
	replies := func(from telegramtest.User, text string, n int) []telegramtest.Message {
		t.Helper()
		before := h.srv.SentCount(group.ID)
		for range n {
			h.srv.SendText(group, from, text)
		}
		h.settle()
		return h.newSince(group.ID, before)
	}
	if got := replies(member, "/latest", 100); len(got) != 11 {
		t.Fatalf("the flooding member got %d messages, want 10 answers and 1 notice", len(got))
	}
	for _, tc := range []struct {
		from telegramtest.User
		text string
		want string
	}{
		{admin, "/pause", "أُوقفت"},
		{admin, "/resume", "استُؤنفت"},
		{other, "/help", "/subscribe"},
	} {
		if got := replies(tc.from, tc.text, 1); len(got) != 1 || !strings.Contains(got[0].PlainText, tc.want) {
			t.Errorf("%s during a member's flood: %+v, want an answer saying %q", tc.text, got, tc.want)
		}
	}
	// The admin's own flood of other commands leaves /pause answered.
	replies(admin, "/latest", 30)
	if got := replies(admin, "/pause", 1); len(got) != 1 || !strings.Contains(got[0].PlainText, "أُوقفت") {
		t.Errorf("/pause after the admin's own flood: %+v", got)
	}
	if c, err := h.db.Chat(t.Context(), group.ID); err != nil || !c.Paused {
		t.Errorf("the group is not paused: %+v, %v", c, err)
	}
	// A member's /pause is no settings command of an admin: limited with
	// the rest of that member's flood.
	if got := replies(member, "/pause", 1); len(got) != 0 {
		t.Errorf("the flooding member's /pause was answered: %+v", got)
	}
}

func TestLatestAndSearch(t *testing.T) {
	h := newHarness(t, nil)
	user, chat := telegramtest.NewUser(9, "Lina"), telegramtest.PrivateChat(9)
	mustContain(t, h.sayOne(chat, user, "/latest").PlainText, "لا أخبار")
	for i, a := range []news.Article{
		{Key: "a1", Source: "وكالة <س>", URL: "https://example.com/1?a=1&b=2", Title: "انخفاض سعر الذهب & الفضة",
			Summary: "تراجع سعر الذهب 3.5% اليوم.", Topics: []string{"economy"}},
		{Key: "a2", Source: "Reuters", URL: "javascript:alert(1)", Title: "قصف في إدلب",
			Summary: "قالت مصادر إن قصفًا استهدف المدينة.", Topics: []string{"syria"}},
	} {
		a.SearchText = strings.Join(searchTerms(a.Title+" "+a.Summary), " ")
		a.PublishedAt = fixedNow.Add(-time.Duration(i) * time.Hour)
		if _, _, err := h.db.SaveArticle(t.Context(), a, false); err != nil {
			t.Fatal(err)
		}
	}
	m := h.sayOne(chat, user, "/latest")
	mustContain(t, stripIsolates(m.PlainText), "انخفاض سعر الذهب & الفضة", "قصف في إدلب", "وكالة <س>")
	if strings.Contains(m.Text, "javascript:") {
		t.Error("javascript: URL linked")
	}
	m = h.sayOne(chat, user, "/latest اقتصاد")
	mustContain(t, m.PlainText, "الذهب")
	if strings.Contains(m.PlainText, "إدلب") {
		t.Error("/latest اقتصاد shows a Syria story")
	}
	m = h.sayOne(chat, user, "/search الذهب")
	mustContain(t, m.PlainText, "نتائج البحث", "الذهب")
	m = h.sayOne(chat, user, `/search "إدلب" *`)
	mustContain(t, m.PlainText, "إدلب")
	mustContain(t, h.sayOne(chat, user, "/search زلزال").PlainText, "لم أجد أخبارًا")
}

// The real embedded catalogue works with the bot: every topic has a button
// whose data fits Telegram's 64 bytes, and names resolve to topics.
func TestRealCatalogue(t *testing.T) {
	cat := topic.Embedded()
	h := newHarness(t, func(o *bot.Options) { o.Topics = cat })
	user, chat := telegramtest.NewUser(9, "Lina"), telegramtest.PrivateChat(9)
	kb := h.sayOne(chat, user, "/topics")
	if got, want := len(kb.Buttons()), len(cat.All()); got != want {
		t.Fatalf("%d buttons for %d topics", got, want)
	}
	for _, row := range kb.Keyboard {
		if len(row) < 1 || len(row) > 3 {
			t.Errorf("row of %d buttons", len(row))
		}
	}
	for _, b := range kb.Buttons() {
		if len(b.CallbackData) > 64 || !strings.HasPrefix(b.CallbackData, "t:") {
			t.Errorf("button %q data %q", b.Text, b.CallbackData)
		}
	}
	first := cat.All()[0]
	a := h.press(chat, user, kb.ID, "t:"+first.Slug)
	mustContain(t, a.Text, first.Name)
	m := h.sayOne(chat, user, "/subscribe "+first.Name)
	mustContain(t, m.PlainText, "بالفعل")
	m = h.sayOne(chat, user, "/subscribe إدلب")
	mustContain(t, m.PlainText, "الكلمة", "إدلب")
	subs := h.subs(chat.ID)
	if len(subs) != 2 || subs[0].Kind != news.KindTopic || subs[1].Kind != news.KindKeyword {
		t.Errorf("subscriptions %+v", subs)
	}
}

// After a week without updates Telegram numbers them again from a random
// id, often far below the saved offset; long polling must keep answering.
func TestPollingFollowsRenumberedUpdates(t *testing.T) {
	h := newHarness(t, nil)
	user, chat := telegramtest.NewUser(5, "Omar"), telegramtest.PrivateChat(5)
	h.srv.RenumberUpdates(90_000)
	h.sayOne(chat, user, "/help")
	h.srv.RenumberUpdates(7)
	h.sayOne(chat, user, "/help")
	h.srv.RenumberUpdates(3)
	h.sayOne(chat, user, "/help")
	h.settle()
	if offset, err := h.db.UpdateOffset(t.Context()); err != nil || offset != 4 {
		t.Errorf("offset %d (%v), want 4", offset, err)
	}
	if n := h.srv.SentCount(chat.ID); n != 3 {
		t.Errorf("%d replies, want 3", n)
	}
}

// Every command given a 4,000-character argument answers with one message
// Telegram takes: an echo is cut or the argument refused.
func TestLongArgumentsGetOneShortReply(t *testing.T) {
	h := newHarness(t, nil)
	admin, chat := telegramtest.NewUser(adminID, "Admin"), telegramtest.PrivateChat(adminID)
	h.sayOne(chat, admin, "/subscribe سوريا")
	long := strings.Repeat("كلمة ", 800) // 4,000 characters
	for _, cmd := range []string{"/subscribe", "/unsubscribe", "/search", "/latest", "/quiet", "/limit", "/start",
		"/topics", "/list", "/addfeed", "/delfeed", "/channel", "/renamefeed", "/renamefeed 1", "/feeds"} {
		m := h.sayOne(chat, admin, cmd+" "+long)
		if n := len(utf16.Encode([]rune(m.PlainText))); n > telegramtest.MaxMessageLength || n > 1400 {
			t.Errorf("%s <4,000 characters>: a reply of %d UTF-16 units", cmd, n)
		}
	}
	// /help takes no argument: its reply is /help's, whatever follows.
	if m := h.sayOne(chat, admin, "/help "+long); m.PlainText != h.sayOne(chat, admin, "/help").PlainText {
		t.Errorf("/help <4,000 characters> answered otherwise than /help:\n%s", m.PlainText)
	}
}

func TestMuteAndUnmute(t *testing.T) {
	h := newHarness(t, nil)
	user, chat := telegramtest.NewUser(9, "قارئ"), telegramtest.PrivateChat(9)
	mustContain(t, h.sayOne(chat, user, "/mute").PlainText, "/mute كرة القدم")
	mustContain(t, h.sayOne(chat, user, "/subscribe كرة القدم").PlainText, "كرة القدم")
	// A mute that equals a keyword the reader follows: the mute wins, and
	// the reader is told.
	m := h.sayOne(chat, user, "/mute كرة القدم")
	mustContain(t, m.PlainText, "لن تصلك بعد الآن الأخبار التي تذكر", "كرة القدم", "الكتم هو الذي يسري")
	mustContain(t, h.sayOne(chat, user, "/mute كرة القدم").PlainText, "مكتومة بالفعل")
	for _, tc := range []struct{ args, says string }{
		{strings.Repeat("ك", 65), "64"},
		{"<b>كلمة</b>", "HTML"},
		{"كلمة\u202eخفية", ""},
		{"من", "شائعة جدًا"},
	} {
		before := len(h.subs(chat.ID))
		reply := h.sayOne(chat, user, "/mute "+tc.args).PlainText
		if tc.says != "" {
			mustContain(t, reply, tc.says)
		}
		if strings.Contains(reply, "لن تصلك") || len(h.subs(chat.ID)) != before {
			t.Errorf("/mute %q was taken: %s", tc.args, reply)
		}
	}
	// /list shows mutes apart; /unsubscribe does not offer them.
	mustContain(t, h.sayOne(chat, user, "/list").PlainText, "مكتوم", "كرة القدم")
	kb := h.sayOne(chat, user, "/unsubscribe")
	if len(kb.Buttons()) != 1 || strings.Contains(kb.Buttons()[0].Text, "🔈") {
		t.Errorf("/unsubscribe offers %+v, want the keyword only", kb.Buttons())
	}
	// /unmute with no word: a keyboard of the mutes; a press removes one.
	mustContain(t, h.sayOne(chat, user, "/mute الطقس").PlainText, "الطقس")
	kb = h.sayOne(chat, user, "/unmute")
	if len(kb.Buttons()) != 2 {
		t.Fatalf("/unmute offers %+v, want both mutes", kb.Buttons())
	}
	a := h.press(chat, user, kb.ID, kb.Buttons()[0].CallbackData)
	mustContain(t, a.Text, "أُلغي كتم")
	mustContain(t, h.sayOne(chat, user, "/unmute الطقس").PlainText, "أُلغي كتم", "الطقس")
	mustContain(t, h.sayOne(chat, user, "/unmute الطقس").PlainText, "ليست مكتومة")
	for _, s := range h.subs(chat.ID) {
		if s.Kind == news.KindMute {
			t.Errorf("a mute is left: %+v", s)
		}
	}
	// The 51st entry, mutes and subscriptions together, is refused.
	for i := len(h.subs(chat.ID)); i < news.MaxSubscriptionsPerChat; i++ {
		h.sayOne(chat, user, fmt.Sprintf("/mute كلمة%d", i))
	}
	mustContain(t, h.sayOne(chat, user, "/mute أخيرة").PlainText, "50")
}

// /settings shows every setting in one message and changes each in place
// as the reader taps; the commands reach the same settings.
func TestSettingsChangeInPlace(t *testing.T) {
	h := newHarness(t, nil)
	user, chat := telegramtest.NewUser(11, "قارئة"), telegramtest.PrivateChat(11)
	h.sayOne(chat, user, "/start")
	m := h.sayOne(chat, user, "/settings")
	mustContain(t, m.PlainText, "الإعدادات", "الأخبار العاجلة فقط", "بلا ساعات هدوء", "بلا حدّ", "تظهر فوق الخبر", "/sound", "/quiet", "/limit", "/pictures")
	for _, tc := range []struct {
		data string
		ok   func(news.Chat) bool
		says string
	}{
		{"st:ring:all", func(c news.Chat) bool { return c.Rings == news.RingAll }, "كل الأخبار"},
		{"st:ring:none", func(c news.Chat) bool { return c.Rings == news.RingNone }, "لا شيء"},
		{"st:quiet:22-7", func(c news.Chat) bool { return c.Quiet == news.QuietHours{From: 22, To: 7} }, "22:00–07:00"},
		{"st:quiet:off", func(c news.Chat) bool { return !c.Quiet.Enabled() }, "بلا ساعات هدوء"},
		{"st:limit:10", func(c news.Chat) bool { return c.MaxPerHour == 10 }, "10 أخبار في الساعة"},
		{"st:pictures:off", func(c news.Chat) bool { return c.PicturesOff }, "لا تظهر"},
		{"st:pause:on", func(c news.Chat) bool { return c.Paused }, "متوقفة مؤقتًا"},
		{"st:pause:off", func(c news.Chat) bool { return !c.Paused }, "تصلك الأخبار"},
	} {
		a := h.press(chat, user, m.ID, tc.data)
		c, err := h.db.Chat(t.Context(), chat.ID)
		if err != nil || !tc.ok(c) || a.Text != "تم الحفظ" {
			t.Errorf("%s: chat %+v, answer %q", tc.data, c, a.Text)
		}
		now, _ := h.srv.Message(chat.ID, m.ID)
		mustContain(t, now.PlainText, tc.says)
		if b, ok := now.Button(checkMarkFor(tc.data, now)); !ok && !strings.HasPrefix(tc.data, "st:pause") {
			t.Errorf("%s: no ticked button after the change (%+v)", tc.data, b)
		}
	}
	before, _ := h.db.Chat(t.Context(), chat.ID)
	for _, forged := range []string{"st:limit:999", "st:ring:loud", "st:quiet:25-99", "st:volume:11", "st:"} {
		if a := h.press(chat, user, m.ID, forged); !strings.Contains(a.Text, "لم يعد صالحًا") {
			t.Errorf("%s: answer %q", forged, a.Text)
		}
	}
	if after, _ := h.db.Chat(t.Context(), chat.ID); after != before {
		t.Errorf("forged buttons changed the settings: %+v → %+v", before, after)
	}
	// The command reaches the same setting.
	mustContain(t, h.sayOne(chat, user, "/sound breaking").PlainText, "الأخبار العاجلة فقط")
	if c, _ := h.db.Chat(t.Context(), chat.ID); c.Rings != news.RingBreaking {
		t.Errorf("/sound breaking: %q", c.Rings)
	}
	mustContain(t, h.sayOne(chat, user, "/sound loud").PlainText, "لم أفهم", "/sound all")

	// In a group only its administrators change settings.
	group := telegramtest.Group(-600, "مجموعة")
	admin, member := telegramtest.NewUser(12, "مشرف"), telegramtest.NewUser(13, "عضو")
	h.srv.SetAdmin(group.ID, admin.ID)
	h.sayOne(group, admin, "/start")
	gm := h.sayOne(group, admin, "/settings")
	if a := h.press(group, member, gm.ID, "st:ring:all"); !strings.Contains(a.Text, "مشرف") {
		t.Errorf("a member's press: %q", a.Text)
	}
	if c, _ := h.db.Chat(t.Context(), group.ID); c.Rings == news.RingAll {
		t.Error("a member changed the group's settings")
	}
}

// checkMarkFor finds the ticked button a settings press should leave.
func checkMarkFor(data string, m telegramtest.Message) string {
	for _, b := range m.Buttons() {
		if b.CallbackData == data && strings.HasPrefix(b.Text, "✅") {
			return b.Text
		}
	}
	return ""
}

// The follow button works on the chat's own push of a story within 48
// hours of it, and nowhere else.
func TestFollowButtonRefusals(t *testing.T) {
	clock := time.Now()
	h := newHarness(t, func(o *bot.Options) { o.Now = func() time.Time { return clock } })
	h.stop()
	h.opts.Follows = h.db
	h.start()
	reader, other := telegramtest.PrivateChat(21), telegramtest.PrivateChat(22)
	user, stranger := telegramtest.NewUser(21, "قارئ"), telegramtest.NewUser(22, "آخر")
	h.srv.AddChat(reader)
	h.srv.AddChat(other)
	storagetest.Chat(t, h.db, reader.ID, news.ChatPrivate, "syria")
	storagetest.Chat(t, h.db, other.ID, news.ChatPrivate)
	a := news.Article{Key: "s1", Source: "و", Title: "خبر عن سوريا", Text: "نص.", Topics: []string{"syria"}, SeenAt: time.Now()}
	saved, _, err := h.db.SaveArticle(t.Context(), a, true)
	if err != nil {
		t.Fatal(err)
	}
	ds, _ := h.db.PendingDeliveries(t.Context(), time.Now(), 10)
	d := ds[0]
	d.Push.FollowStory = d.StoryID
	id, err := h.bot.Send(t.Context(), d.Target(), d.Push)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.db.MarkSent(t.Context(), d.ID, id, time.Now(), false, d.EditPending); err != nil {
		t.Fatal(err)
	}
	data := "f:" + strconv.FormatInt(saved.StoryID, 10)
	m, _ := h.srv.Message(reader.ID, id)
	if b, ok := m.Button("🔔 تابِع الخبر"); !ok || b.CallbackData != data {
		t.Fatalf("push keyboard %+v", m.Keyboard)
	}
	// Another chat pressing the same data on a message of its own.
	otherMsg := h.sayOne(other, stranger, "/help")
	if a := h.press(other, stranger, otherMsg.ID, data); !strings.Contains(a.Text, "لم يعد صالحًا") {
		t.Errorf("another chat: %q", a.Text)
	}
	// The reader's data on another message than the push.
	help := h.sayOne(reader, user, "/help")
	if a := h.press(reader, user, help.ID, data); !strings.Contains(a.Text, "لم يعد صالحًا") {
		t.Errorf("another message: %q", a.Text)
	}
	for _, forged := range []string{"f:abc", "f:-3", "uf:" + strconv.FormatInt(saved.StoryID, 10)} {
		if a := h.press(reader, user, id, forged); !strings.Contains(a.Text, "لم يعد صالحًا") && !strings.Contains(a.Text, "لا تتابع") {
			t.Errorf("%s: %q", forged, a.Text)
		}
	}
	// 49 hours later the story can no longer be followed.
	clock = clock.Add(49 * time.Hour)
	if a := h.press(reader, user, id, data); !strings.Contains(a.Text, "انقضت") {
		t.Errorf("expired: %q", a.Text)
	}
	if fs, _ := h.db.Follows(t.Context(), news.Target{ChatID: reader.ID}); len(fs) != 0 {
		t.Errorf("follows after the refusals: %+v", fs)
	}
}

// A keyword or a mute typed with an invisible character inside — a
// variation selector (U+FE0F), the combining grapheme joiner (U+034F), a
// Hangul filler (U+3164, which Unicode calls a letter), a zero-width
// space, a tag — is stored and shown as the word the keyword index
// matches, without it: the reader sees «مصر» and «مصر» is what matches.
// One made of such characters alone is refused; bidi controls still are.
func TestInvisibleCharactersInKeywordsAndMutes(t *testing.T) {
	h := newHarness(t, nil)
	user, chat := telegramtest.NewUser(12, "قارئ"), telegramtest.PrivateChat(12)
	for _, inv := range []string{"\uFE0F", "\u034F", "\u3164", "\uFFA0", "\u200B", "\U000E0100", "\u180B"} {
		t.Run(fmt.Sprintf("%U", []rune(inv)[0]), func(t *testing.T) {
			reply := h.sayOne(chat, user, "/mute م"+inv+"صر").PlainText
			mustContain(t, reply, "«مصر»")
			if strings.Contains(reply, inv) {
				t.Errorf("the reply shows the invisible character: %q", reply)
			}
			reply = h.sayOne(chat, user, "/subscribe د"+inv+"مشق").PlainText
			mustContain(t, reply, "دمشق")
			var mute, word *news.Subscription
			for _, s := range h.subs(chat.ID) {
				switch s.Kind {
				case news.KindMute:
					mute = &s
				case news.KindKeyword:
					word = &s
				}
			}
			if mute == nil || mute.Display != "مصر" || mute.Key != arabic.Normalize("مصر") {
				t.Fatalf("mute stored as %+v, want «مصر» under the key the index matches", mute)
			}
			if word == nil || word.Display != "دمشق" || word.Key != arabic.Normalize("دمشق") {
				t.Fatalf("keyword stored as %+v, want «دمشق»", word)
			}
			// The same word without it is the same entry, and either
			// spelling removes it.
			mustContain(t, h.sayOne(chat, user, "/mute مصر").PlainText, "مكتومة بالفعل")
			mustContain(t, h.sayOne(chat, user, "/unmute م"+inv+"صر").PlainText, "أُلغي كتم", "مصر")
			mustContain(t, h.sayOne(chat, user, "/unsubscribe دمشق").PlainText, "دمشق")
			if n := len(h.subs(chat.ID)); n != 0 {
				t.Errorf("%d entries left", n)
			}
		})
	}
	for _, args := range []string{"\u3164\u3164", "\uFE0F", "م\u202Eصر"} {
		reply := h.sayOne(chat, user, "/mute "+args).PlainText
		if strings.Contains(reply, "لن تصلك") || len(h.subs(chat.ID)) != 0 {
			t.Errorf("/mute %+q was taken: %s", args, reply)
		}
	}
}
