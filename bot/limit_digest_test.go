package bot_test

import (
	"strings"
	"testing"

	"github.com/ajel-news/ajel/bot"
	"github.com/ajel-news/ajel/bot/telegramtest"
	"github.com/ajel-news/ajel/news"
)

func TestSendDigest(t *testing.T) {
	h := newHarness(t, nil)
	chat := telegramtest.PrivateChat(100)
	h.srv.AddChat(chat)
	// Digests carry no pictures, even of stories that have one.
	id, err := h.bot.SendDigest(t.Context(), news.Target{ChatID: chat.ID},
		[]news.Push{{Title: "أ", URL: "https://a.example/", Image: "https://img.example/a.jpg"}, {Title: "ب"}})
	if err != nil {
		t.Fatal(err)
	}
	m, ok := h.srv.Message(chat.ID, id)
	if !ok || !m.DisableNotification || !m.DisableWebPagePreview || m.Preview.URL != "" {
		t.Fatalf("sent %+v", m)
	}
	checkHTML(t, m)
	mustContain(t, m.PlainText, "موجز الأخبار", "خبران", "• أ", "• ب")
	if _, err := h.bot.SendDigest(t.Context(), news.Target{ChatID: chat.ID}, nil); err == nil {
		t.Error("an empty digest was sent")
	}
}

func TestLimitCommand(t *testing.T) {
	h := newHarness(t, nil)
	user, chat := telegramtest.NewUser(9, "Lina"), telegramtest.PrivateChat(9)
	limit := func() int {
		c, err := h.db.Chat(t.Context(), chat.ID)
		if err != nil {
			t.Fatal(err)
		}
		return c.MaxPerHour
	}
	mustContain(t, h.sayOne(chat, user, "/limit").PlainText, "لا حدّ", "/limit 5")
	if limit() != 0 {
		t.Errorf("default limit %d, want 0 (no cap)", limit())
	}
	tests := []struct {
		text string
		want int
		says string
	}{
		{"/limit 5", 5, "5 أخبار في الساعة"},
		{"/limit ١٢", 12, "12 خبرًا"},
		{"/limit 1", 1, "خبر واحد"},
		{"/limit 61", 1, "بين 1 و60"},
		{"/limit -3", 1, "بين 1 و60"},
		{"/limit كثير", 1, "بين 1 و60"},
		{"/limit 2", 2, "خبران"},
		{"/limit off", 0, "أُلغي"},
		{"/limit 3", 3, "3 أخبار"},
		{"/limit 0", 0, "أُلغي"},
	}
	for _, tc := range tests {
		mustContain(t, h.sayOne(chat, user, tc.text).PlainText, tc.says)
		if got := limit(); got != tc.want {
			t.Errorf("after %q: limit %d, want %d", tc.text, got, tc.want)
		}
	}
	h.sayOne(chat, user, "/subscribe إدلب")
	h.sayOne(chat, user, "/limit 4")
	mustContain(t, h.sayOne(chat, user, "/limit").PlainText, "الحدّ الحالي: 4 أخبار")
	mustContain(t, h.sayOne(chat, user, "/list").PlainText, "4 أخبار في الساعة")
	mustContain(t, h.sayOne(chat, user, "/help").PlainText, "/limit ")

	// In a group only administrators change it; anyone may ask.
	group := telegramtest.Supergroup(-1005555, "مجموعة")
	admin, member := telegramtest.NewUser(1, "Admin"), telegramtest.NewUser(2, "Member")
	h.srv.AddChat(group)
	h.srv.SetAdmin(group.ID, admin.ID)
	mustContain(t, h.sayOne(group, member, "/limit 3").PlainText, "مقصور على مشرفيها")
	mustContain(t, h.sayOne(group, member, "/limit").PlainText, "لا حدّ")
	mustContain(t, h.sayOne(group, admin, "/limit 3").PlainText, "3 أخبار")
	if c, _ := h.db.Chat(t.Context(), group.ID); c.MaxPerHour != 3 {
		t.Errorf("group limit %d", c.MaxPerHour)
	}
	for _, c := range h.srv.Commands() {
		if c.Command == "limit" {
			return
		}
	}
	t.Error("setMyCommands lacks /limit")
}

// Without a limit of its own a chat still has the automatic one, and
// /limit says so, so "every story at once" is not a promise the bot breaks
// in a flood.
func TestLimitMentionsTheAutomaticCap(t *testing.T) {
	h := newHarness(t, func(o *bot.Options) { o.BurstPerHour = 30 })
	user, chat := telegramtest.NewUser(9, "Lina"), telegramtest.PrivateChat(9)
	mustContain(t, h.sayOne(chat, user, "/limit").PlainText, "لا حدّ", "ما زاد على 30 خبرًا في الساعة في موجز")
	mustContain(t, h.sayOne(chat, user, "/limit off").PlainText, "أُلغي", "ما زاد على 30 خبرًا")
	if m := h.sayOne(chat, user, "/limit 5").PlainText; strings.Contains(m, "30") {
		t.Errorf("a chat's own limit mentions the automatic one: %s", m)
	}
}
