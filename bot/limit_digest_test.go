package bot_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ajel-news/ajel/bot"
	"github.com/ajel-news/ajel/bot/telegramtest"
	"github.com/ajel-news/ajel/news"
)

func TestRenderPushOtherSourceLinks(t *testing.T) {
	base := news.Push{Topic: "سوريا", Title: "عنوان", Summary: "ملخص الخبر.", Source: "الأولى",
		URL: "https://one.example/a", OtherSources: 4}
	tests := []struct {
		name   string
		others []news.SourceLink
		plain  []string
		html   []string
		absent []string
	}{
		{name: "none", absent: []string{"مصادر أخرى:"}},
		{
			name:   "two linked",
			others: []news.SourceLink{{Name: "الثانية", URL: "https://two.example/b"}, {Name: "Reuters", URL: "https://r.example/c?a=1&b=2"}},
			plain:  []string{"\nمصادر أخرى: الثانية · \u2068Reuters\u2069"},
			html:   []string{`<a href="https://two.example/b">الثانية</a>`, `<a href="https://r.example/c?a=1&amp;b=2">` + "\u2068Reuters\u2069</a>"},
		},
		{
			name:   "at most three, unsafe links named without a link",
			others: []news.SourceLink{{Name: "أ", URL: "javascript:alert(1)"}, {Name: "<ب>", URL: "https://b.example/"}, {Name: "", URL: "https://empty.example/"}, {Name: "ج", URL: "https://c.example/"}, {Name: "د", URL: "https://d.example/"}},
			plain:  []string{"مصادر أخرى: أ · <ب> · ج"},
			absent: []string{"javascript", "d.example", "empty.example", "<ب>"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := base
			p.Others = tc.others
			html := bot.RenderPush(p)
			plain := visible(t, html)
			mustContain(t, plain, "وأفادت به 4 مصادر أخرى")
			mustContain(t, plain, tc.plain...)
			mustContain(t, html, tc.html...)
			for _, a := range tc.absent {
				if strings.Contains(html, a) {
					t.Errorf("HTML contains %q:\n%s", a, html)
				}
			}
		})
	}
	// Long everything still fits.
	p := base
	p.Summary = strings.Repeat("كلمة طويلة ", 800)
	p.Title = strings.Repeat("عنوان ", 300)
	for i := range 3 {
		p.Others = append(p.Others, news.SourceLink{Name: strings.Repeat("م", 300), URL: "https://x.example/" + strings.Repeat("a", 1500) + fmt.Sprint(i)})
	}
	if n := utf16Len(visible(t, bot.RenderPush(p))); n > 4096 {
		t.Errorf("visible text %d UTF-16 units", n)
	}
}

func TestRenderDigest(t *testing.T) {
	push := func(i int) news.Push {
		return news.Push{Title: fmt.Sprintf("خبر <رقم> %d", i), URL: fmt.Sprintf("https://e.example/%d?a=1&b=2", i)}
	}
	tests := []struct {
		n      int
		header string
		more   string
	}{
		{1, "🗞️ موجز الأخبار · خبر واحد", ""},
		{2, "🗞️ موجز الأخبار · خبران", ""},
		{3, "🗞️ موجز الأخبار · 3 أخبار", ""},
		{12, "🗞️ موجز الأخبار · 12 خبرًا", ""},
		{400, "🗞️ موجز الأخبار · 400 خبر", "خبرًا آخر"},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.n), func(t *testing.T) {
			var ps []news.Push
			for i := range tc.n {
				ps = append(ps, push(i))
			}
			html := bot.RenderDigest(ps)
			if n := utf16Len(html); n > 4096 {
				t.Fatalf("digest HTML is %d UTF-16 units", n)
			}
			plain := visible(t, html)
			first, _, _ := strings.Cut(plain, "\n")
			if first != tc.header {
				t.Errorf("header %q, want %q", first, tc.header)
			}
			mustContain(t, plain, "• خبر <رقم> \u20680\u2069")
			mustContain(t, html, `<b><a href="https://e.example/0?a=1&amp;b=2">خبر &lt;رقم&gt; `+"\u20680\u2069</a></b>")
			if tc.more != "" {
				last := plain[strings.LastIndex(plain, "\n")+1:]
				if !strings.HasPrefix(last, "و") || !strings.Contains(last, tc.more) {
					t.Errorf("last line %q, want how many more", last)
				}
				listed := strings.Count(plain, "\n• ")
				if !strings.Contains(last, fmt.Sprint(tc.n-listed)) {
					t.Errorf("listed %d, last line %q", listed, last)
				}
			} else if c := strings.Count(plain, "\n• "); c != tc.n {
				t.Errorf("listed %d of %d", c, tc.n)
			}
		})
	}
	// A story without a usable link is a bold title alone.
	html := bot.RenderDigest([]news.Push{{Title: "بلا رابط", URL: "javascript:x"}})
	mustContain(t, html, "• <b>بلا رابط</b>")
}

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
