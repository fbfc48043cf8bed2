package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/ajel-news/ajel/arabic"
	"github.com/ajel-news/ajel/bot"
	"github.com/ajel-news/ajel/bot/telegramtest"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/storage"
	"github.com/ajel-news/ajel/storage/storagetest"
)

// fuzzBot is one bot, its database and the fake Telegram, shared by every
// input of a fuzz target (starting them per input would make fuzzing crawl).
type fuzzBot struct {
	srv  *telegramtest.Server
	db   *storage.DB
	user telegramtest.User
	chat telegramtest.Chat
}

func newFuzzBot(f *testing.F) *fuzzBot {
	f.Helper()
	srv := telegramtest.NewTest(f, testToken)
	db := storagetest.Open(f)
	ctx, cancel := context.WithCancel(context.Background())
	b, err := bot.New(bot.Options{
		Token: testToken, Endpoint: srv.Endpoint(), AdminIDs: []int64{adminID},
		Store: db, Topics: newCatalogue(), Feeds: &feedAdmin{},
		KeywordKey: arabic.Normalize, SearchTerms: searchTerms,
		PollTimeout: time.Second, ChatBurst: 1 << 30,
		Stats:   func(context.Context) (bot.Stats, error) { return bot.Stats{Chats: 1}, nil },
		Follows: db, Stories: db,
	})
	if err != nil {
		cancel()
		f.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	f.Cleanup(func() { cancel(); <-done })
	// The admin's own chat: every command, admin ones included, is reached.
	return &fuzzBot{srv: srv, db: db, user: telegramtest.NewUser(adminID, "مشرف"), chat: telegramtest.PrivateChat(adminID)}
}

// settle waits until the bot has handled every update and polls again.
func (fb *fuzzBot) settle(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := fb.srv.WaitFor(ctx, func() bool { return fb.srv.Pending() == 0 && fb.srv.Polling() && inboxEmpty(ctx, fb.db) }); err != nil {
		t.Fatalf("the bot did not handle its updates: %v", err)
	}
}

// checkReplies checks every message the bot sent into the chat since
// before: HTML parse mode, valid Telegram HTML, at most 4096 UTF-16 units
// of visible text, and never the token.
func (fb *fuzzBot) checkReplies(t *testing.T, before int, input string) {
	t.Helper()
	all := fb.srv.Sent(fb.chat.ID)
	if before > len(all) {
		before = 0 // a reply was deleted meanwhile; check them all
	}
	for _, m := range all[before:] {
		if m.ParseMode != "HTML" {
			t.Errorf("input %q: reply in parse mode %q, want HTML", input, m.ParseMode)
		}
		if err := telegramtest.ValidateHTML(m.Text); err != nil {
			t.Errorf("input %q: invalid Telegram HTML %q: %v", input, m.Text, err)
		}
		if n := len(utf16.Encode([]rune(m.PlainText))); n > 4096 {
			t.Errorf("input %q: reply of %d UTF-16 units, over 4096", input, n)
		}
		if strings.Contains(m.Text, testToken) {
			t.Errorf("input %q: the token is in a reply", input)
		}
	}
}

// FuzzCommand sends any text as the admin: command and argument parsing,
// every handler, every reply's HTML.
func FuzzCommand(f *testing.F) {
	for _, s := range []string{
		"/start", "/start syria", "/start@AjelTestBot lebanon", "/help", "/topics", "/list",
		"/subscribe إدلب", "/subscribe <b>x</b> & y", "/subscribe " + strings.Repeat("كلمة ", 40),
		"/unsubscribe", "/unsubscribe إدلب", "/latest", "/latest سوريا", "/search دمشق \"OR\" *",
		"/pause", "/resume", "/quiet 22-7", "/quiet ٢٢-٧", "/quiet 25-99", "/quiet off", "/quiet",
		"/stats", "/feeds", "/addfeed https://example.com/rss?a=1&b=<2>", "/addfeed javascript:alert(1)",
		"/delfeed 1", "/delfeed -5", "/delfeed 99999999999999999999", "/STOP@other_bot", "/", "//", "/\u202eevil",
		"/subscribe \u2067\u200fسوريا\u2069", "hello", "/unknown_command args", "/quiet 7-7",
		"/channel", "/channel add @ajel_syria سوريا", "/channel add -100123 breaking", "/channel del <b>", "/channel add",
		"/story", "/story 1", "/story_1", "/story ١", "/story #-1", "/story 99999999999999999999", "/story_", "/story_1x",
	} {
		f.Add(s)
	}
	fb := newFuzzBot(f)
	f.Fuzz(func(t *testing.T, text string) {
		if strings.HasPrefix(text, "/stop") {
			// Deletes the chat's data, which is fine, but say it plainly.
			text = "/stop"
		}
		before := fb.srv.SentCount(fb.chat.ID)
		fb.srv.SendText(fb.chat, fb.user, text)
		fb.settle(t)
		fb.checkReplies(t, before, text)
	})
}

// FuzzCallbackData presses a button carrying any data, as a forged or stale
// callback would: the bot always answers it and stays valid.
func FuzzCallbackData(f *testing.F) {
	for _, s := range []string{
		"t:syria", "t:nope", "t:", "u:1", "u:0", "u:-1", "u:abc", "u:9223372036854775807",
		"u:99999999999999999999", "x:1", ":", "", "t:syria:extra", strings.Repeat("t", 64), "t:<b>",
		"cmp:1", "cmp:", "cmp:-1", "icmp:1.AAAAAAAAAAA", "istory:1.", "icmp:" + strings.Repeat("9", 58),
	} {
		f.Add(s)
	}
	fb := newFuzzBot(f)
	before := fb.srv.SentCount(fb.chat.ID)
	fb.srv.SendText(fb.chat, fb.user, "/start")
	var host int
	ctx, cancel := context.WithTimeout(f.Context(), 10*time.Second)
	defer cancel()
	if _, err := fb.srv.WaitSent(ctx, fb.chat.ID, before+1); err != nil {
		f.Fatal(err)
	}
	host = fb.srv.Sent(fb.chat.ID)[before].ID
	f.Fuzz(func(t *testing.T, data string) {
		before := fb.srv.SentCount(fb.chat.ID)
		u, err := fb.srv.PressButton(fb.chat, fb.user, host, data)
		if err != nil {
			t.Fatal(err)
		}
		fb.settle(t)
		if _, ok := fb.srv.CallbackAnswer(u.CallbackQueryID); !ok {
			t.Errorf("callback %q was not answered", data)
		}
		fb.checkReplies(t, before, data)
		if m, ok := fb.srv.Message(fb.chat.ID, host); ok {
			if err := telegramtest.ValidateHTML(m.Text); err != nil {
				t.Errorf("callback %q: the keyboard message became invalid HTML: %v", data, err)
			}
		}
	})
}

// FuzzInlineQuery sends any inline query: the bot always answers it,
// with results whose ids fit in 64 bytes and whose messages are valid
// Telegram HTML of at most 4096 characters, or none and the way to the
// bot.
func FuzzInlineQuery(f *testing.F) {
	for _, s := range []string{"", "حلب", "سوريا", "في من على", "<b>زلزال</b>", "\u202eزلزال", `"OR" * NEAR(`,
		strings.Repeat("ز", 256), strings.Repeat("كلمة ", 60), "\x00\xff", "😀"} {
		f.Add(s)
	}
	fb := newFuzzBot(f)
	for i := range 25 {
		if _, _, err := fb.db.SaveArticle(f.Context(), news.Article{Key: "k" + strings.Repeat("x", i), Source: "وكالة <س>",
			Title: "زلزال في حلب " + strings.Repeat("و", i), Text: "نص.", URL: "https://news.example/?a=1&b=<2>",
			Topics: []string{"syria"}, Breaking: i%2 == 0, SearchText: "زلزال حلب"}, false); err != nil {
			f.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, query string) {
		u := fb.srv.SendInlineQuery(fb.user, query, "group")
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		var a telegramtest.InlineAnswer
		if err := fb.srv.WaitFor(ctx, func() bool { var ok bool; a, ok = fb.srv.InlineAnswer(u.InlineQueryID); return ok }); err != nil {
			t.Fatalf("inline query %q: no answer", query)
		}
		if len(a.Results) == 0 && a.Button == nil || len(a.Results) > 20 {
			t.Errorf("query %q: %d results, button %+v", query, len(a.Results), a.Button)
		}
		for _, r := range a.Results {
			if len(r.ID) > 64 || telegramtest.ValidateHTML(r.MessageText) != nil || len(utf16.Encode([]rune(r.PlainText))) > 4096 {
				t.Errorf("query %q: result %+v", query, r)
			}
		}
	})
}

// FuzzRenderPush renders any story: the result is always valid Telegram
// HTML whose visible text fits in one message.
func FuzzRenderPush(f *testing.F) {
	f.Add("زلزال يضرب <سوريا> & لبنان", "ضرب زلزال بقوة 5.8 درجات مناطق في شمال غرب سوريا.", "وكالة \"الخبر\"", "https://news.example/a?b=1&c=<2>", "سوريا", 3, true)
	f.Add(strings.Repeat("عنوان طويل جدا ", 200), strings.Repeat("ملخص طويل. ", 800), strings.Repeat("م", 300), "javascript:alert(1)", "", 0, false)
	f.Add("\u202eRTL override\u202c", "\x00\x01\ufeff\u200b", "Apple Inc. 3.5%", "http://x/\"><script>", "<b>", -1, true)
	f.Add("", "", "", "", "", 0, false)
	f.Add("😀👩‍👩‍👧‍👦", strings.Repeat("😀", 5000), "src", "https://a.example/"+strings.Repeat("x", 3000), "t", 1000000, true)
	f.Fuzz(func(t *testing.T, title, summary, source, link, topic string, others int, breaking bool) {
		html := renderer.Push(news.Push{Title: title, Summary: summary, Source: source, URL: link,
			Topic: topic, OtherSources: others, Breaking: breaking})
		if err := telegramtest.ValidateHTML(html); err != nil {
			t.Fatalf("invalid Telegram HTML: %v\n%q", err, html)
		}
		plain, err := telegramtest.ParseHTML(html)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(utf16.Encode([]rune(plain))); n > 4096 {
			t.Errorf("visible text of %d UTF-16 units, over 4096", n)
		}
		if !strings.Contains(plain, "أخبار عاجلة") {
			t.Errorf("a push without its first line: %q", plain)
		}
	})
}

// FuzzRenderComparison renders any story's comparison, its tellings
// repeated up to 120 times: always valid Telegram HTML whose visible text
// fits in one message, first outlet first.
func FuzzRenderComparison(f *testing.F) {
	f.Add("زلزال <حلب> & إدلب", "وكالة \"الخبر\"", "عنوان الوكالة", "https://news.example/a?b=1&c=<2>", "9 قتلى", 3, 5)
	f.Add(strings.Repeat("عنوان طويل جدا ", 200), strings.Repeat("م", 300), strings.Repeat("كلمة ", 900), "javascript:alert(1)", strings.Repeat("ف", 500), 120, 0)
	f.Add("\u202eRTL\u202c", "\x00\x01\ufeff", "Apple Inc. 3.5%", "http://x/\"><script>", "<b>", 40, 40)
	f.Add("", "", "", "", "", 0, 1)
	f.Fuzz(func(t *testing.T, title, outlet, headline, link, fact string, n, outlets int) {
		n = min(max(n, 0), 120)
		st := news.StoryTellings{Story: news.Story{Title: title}, Outlets: outlets}
		for i := range n {
			st.Tellings = append(st.Tellings, news.Telling{Outlet: outlet + strings.Repeat("ـ", i%3), Title: headline, URL: link,
				PublishedAt: time.Unix(int64(i)*997, 0), Differs: []string{fact, fact + "x"}})
		}
		html := renderer.Comparison(st, time.Unix(50_000, 0))
		if err := telegramtest.ValidateHTML(html); err != nil {
			t.Fatalf("invalid Telegram HTML: %v\n%q", err, html)
		}
		plain, err := telegramtest.ParseHTML(html)
		if err != nil {
			t.Fatal(err)
		}
		if l := len(utf16.Encode([]rune(plain))); l > 4096 {
			t.Errorf("visible text of %d UTF-16 units, over 4096", l)
		}
		if n > 0 && !strings.Contains(plain, "1. ") {
			t.Errorf("the first outlet is missing: %q", plain)
		}
	})
}
