package bot_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/ajel-news/ajel/bot"
	"github.com/ajel-news/ajel/bot/telegramtest"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/storage"
)

// visible parses rendered HTML as Telegram would and fails on invalid HTML.
func visible(t *testing.T, html string) string {
	t.Helper()
	plain, err := telegramtest.ParseHTML(html)
	if err != nil {
		t.Fatalf("invalid HTML: %v\n%s", err, html)
	}
	return plain
}

func utf16Len(s string) int { return len(utf16.Encode([]rune(s))) }

func TestRenderPush(t *testing.T) {
	base := news.Push{Topic: "سوريا", Title: "عنوان الخبر", Summary: "ما حدث في جملة.", Source: "عنب بلدي",
		URL: "https://example.com/a?x=1&y=2", Breaking: true}
	tests := []struct {
		name     string
		mod      func(p *news.Push)
		contains []string // in the visible text
		html     []string // in the HTML source
		absent   []string // from the HTML source
	}{
		{
			name:     "breaking",
			contains: []string{"🔴 أخبار عاجلة · سوريا\nعنوان الخبر\nما حدث في جملة.\nالمصدر: عنب بلدي · الرابط"},
			html:     []string{"<b>عنوان الخبر</b>", `<a href="https://example.com/a?x=1&amp;y=2">الرابط</a>`},
		},
		{
			name:     "not breaking",
			mod:      func(p *news.Push) { p.Breaking = false },
			contains: []string{"📰 أخبار عاجلة · سوريا\n"},
		},
		{
			name: "escaping",
			mod: func(p *news.Push) {
				p.Title = `<b>x</b> & "q"`
				p.Summary = "a < b && c > d"
				p.Source = "<i>src</i>"
				p.Topic = "A&B"
			},
			contains: []string{`<b>x</b> & "q"`, "a < b && c > d", "<i>src</i>", "A&B"},
			absent:   []string{"<i>"},
		},
		{
			name:   "quotes in the url attribute",
			mod:    func(p *news.Push) { p.URL = `https://example.com/"><script>x</script>` },
			html:   []string{`href="https://example.com/&quot;&gt;&lt;script&gt;x&lt;/script&gt;"`},
			absent: []string{"<script>"},
		},
		{name: "javascript url", mod: func(p *news.Push) { p.URL = "javascript:alert(1)" }, absent: []string{"<a ", "الرابط"}},
		{name: "JavaScript url", mod: func(p *news.Push) { p.URL = " JavaScript:alert(1)" }, absent: []string{"<a "}},
		{name: "data url", mod: func(p *news.Push) { p.URL = "data:text/html,<b>x</b>" }, absent: []string{"<a "}},
		{name: "relative url", mod: func(p *news.Push) { p.URL = "/news/1" }, absent: []string{"<a "}},
		{name: "url with a space", mod: func(p *news.Push) { p.URL = "https://exa mple.com/" }, absent: []string{"<a "}},
		{name: "http url", mod: func(p *news.Push) { p.URL = "http://example.com/" }, html: []string{`<a href="http://example.com/">`}},
		{name: "one other source", mod: func(p *news.Push) { p.OtherSources = 1 }, contains: []string{"الرابط · وأفاد به مصدر آخر"}},
		{name: "two other sources", mod: func(p *news.Push) { p.OtherSources = 2 }, contains: []string{"وأفاد به مصدران آخران"}},
		{name: "three other sources", mod: func(p *news.Push) { p.OtherSources = 3 }, contains: []string{"وأفادت به 3 مصادر أخرى"}},
		{name: "ten other sources", mod: func(p *news.Push) { p.OtherSources = 10 }, contains: []string{"وأفادت به 10 مصادر أخرى"}},
		{name: "eleven other sources", mod: func(p *news.Push) { p.OtherSources = 11 }, contains: []string{"وأفاد به 11 مصدرًا آخر"}},
		{name: "99 other sources", mod: func(p *news.Push) { p.OtherSources = 99 }, contains: []string{"وأفاد به 99 مصدرًا آخر"}},
		{name: "100 other sources", mod: func(p *news.Push) { p.OtherSources = 100 }, contains: []string{"وأفاد به 100 مصدر آخر"}},
		{name: "103 other sources", mod: func(p *news.Push) { p.OtherSources = 103 }, contains: []string{"وأفادت به 103 مصادر أخرى"}},
		{
			name: "latin and numbers isolated",
			mod: func(p *news.Push) {
				p.Title = "قالت Apple إن أرباحها ارتفعت 3.5% هذا العام"
				p.Source = "Reuters"
			},
			contains: []string{"قالت \u2068Apple\u2069 إن", "ارتفعت \u20683.5%\u2069 هذا", "المصدر: \u2068Reuters\u2069"},
		},
		{
			name:     "latin phrase isolated as one run",
			mod:      func(p *news.Push) { p.Summary = "أعلنت شركة iPhone 15 Pro (الجديد)" },
			contains: []string{"شركة \u2068iPhone 15 Pro\u2069 (الجديد)"},
		},
		{
			name:     "latin-only text left alone",
			mod:      func(p *news.Push) { p.Title = "Apple reports 3.5% growth" },
			contains: []string{"\nApple reports 3.5% growth\n"},
		},
		{
			name:     "outside bidi controls stripped",
			mod:      func(p *news.Push) { p.Title = "عنوان\u202e معكوس\u200f\u2066"; p.Source = "\u202bمصدر" },
			contains: []string{"عنوان معكوس\n", "المصدر: مصدر"},
			absent:   []string{"\u202e", "\u200f", "\u2066", "\u202b"},
		},
		{
			name:     "control characters and newlines in the title",
			mod:      func(p *news.Push) { p.Title = "سطر\nثان\x00\x1b" },
			contains: []string{"سطر ثان\n"},
		},
		{
			name:     "flag emoji not isolated",
			mod:      func(p *news.Push) { p.Title = "🇸🇾 عنوان"; p.Topic = "🇸🇾 سوريا" },
			contains: []string{"· 🇸🇾 سوريا\n🇸🇾 عنوان\n"},
		},
		{name: "no topic", mod: func(p *news.Push) { p.Topic = "" }, contains: []string{"🔴 أخبار عاجلة\n"}},
		{name: "no source", mod: func(p *news.Push) { p.Source = "" }, contains: []string{"\nالرابط"}, absent: []string{"المصدر"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := base
			if tc.mod != nil {
				tc.mod(&p)
			}
			html := bot.RenderPush(p)
			plain := visible(t, html)
			first, _, _ := strings.Cut(plain, "\n")
			if !strings.Contains(first, "أخبار عاجلة") {
				t.Errorf("first line %q lacks أخبار عاجلة", first)
			}
			mustContain(t, plain, tc.contains...)
			mustContain(t, html, tc.html...)
			for _, a := range tc.absent {
				if strings.Contains(html, a) {
					t.Errorf("HTML contains %q:\n%s", a, html)
				}
			}
		})
	}
}

func TestRenderPushLength(t *testing.T) {
	long := strings.Repeat("كلمة طويلة جدا ", 700) // 10,500 characters
	tests := []struct {
		name string
		p    news.Push
	}{
		{"10000-char summary", news.Push{Topic: "سوريا", Title: "عنوان", Summary: long[:len(long)-len("كلمة طويلة جدا ")*30], Source: "س", URL: "https://e.com"}},
		{"5000-char title", news.Push{Topic: "سوريا", Title: strings.Repeat("عنوانٌ ", 715), Summary: "ملخص", Source: "س", URL: "https://e.com"}},
		{"both long, with latin runs", news.Push{Title: strings.Repeat("Apple و 3.5% ", 500), Summary: strings.Repeat("قالت Reuters إن 2024 ", 600),
			Source: strings.Repeat("S", 500), Topic: strings.Repeat("ت", 500), URL: "https://e.com", OtherSources: 4}},
		{"emoji summary (two UTF-16 units each)", news.Push{Title: "t", Summary: strings.Repeat("🔥 ", 3000)}},
		{"one huge word", news.Push{Title: "t", Summary: strings.Repeat("ب", 9000)}},
		{"escaping grows the HTML, not the text", news.Push{Title: "t", Summary: strings.Repeat("<&> ", 2500)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			html := bot.RenderPush(tc.p)
			plain := visible(t, html)
			if n := utf16Len(plain); n > 4096 {
				t.Fatalf("visible text is %d UTF-16 units, over 4096", n)
			}
			if !strings.Contains(plain, "…") {
				t.Error("cut without an ellipsis")
			}
			if strings.Count(plain, "\u2068") != strings.Count(plain, "\u2069") {
				t.Error("unbalanced isolates")
			}
			if !strings.HasPrefix(plain, "🔴 أخبار عاجلة") && !strings.HasPrefix(plain, "📰 أخبار عاجلة") {
				t.Errorf("first line lost: %.80q", plain)
			}
		})
	}
	// The cut falls on a word boundary.
	p := news.Push{Title: "t", Summary: long}
	plain := visible(t, bot.RenderPush(p))
	fields := strings.Fields(strings.TrimSuffix(plain, "…"))
	if last := fields[len(fields)-1]; last != "كلمة" && last != "طويلة" && last != "جدا" {
		t.Errorf("summary cut inside a word: …%q", last)
	}
}

func TestSendAndEditPush(t *testing.T) {
	h := newHarness(t, nil)
	chat := telegramtest.PrivateChat(100)
	h.srv.AddChat(chat)
	p := news.Push{Topic: "سوريا", Title: "عنوان", Summary: "ملخص", Source: "س", URL: "https://e.com/1", Silent: true}
	id, err := h.bot.Send(t.Context(), news.Target{ChatID: chat.ID}, p)
	if err != nil {
		t.Fatal(err)
	}
	m, ok := h.srv.Message(chat.ID, id)
	if !ok || !m.DisableNotification || !m.DisableWebPagePreview || m.ParseMode != "HTML" {
		t.Fatalf("sent %+v", m)
	}
	checkHTML(t, m)
	p.OtherSources = 3
	if err := h.bot.EditPush(t.Context(), chat.ID, id, p); err != nil {
		t.Fatal(err)
	}
	m, _ = h.srv.Message(chat.ID, id)
	mustContain(t, m.PlainText, "مصادر أخرى")
	if m.Edits != 1 {
		t.Errorf("%d edits", m.Edits)
	}
	if err := h.bot.EditPush(t.Context(), chat.ID, id, p); err != nil {
		t.Errorf("unchanged edit: %v", err)
	}
	var se *news.SendError
	if err := h.bot.EditPush(t.Context(), chat.ID, 9999, p); !errors.As(err, &se) || se.Kind != news.SendBadRequest {
		t.Errorf("edit of a missing message: %v", err)
	}
}

// A push with the story's picture is still one text message: the picture
// is its link preview, large and above the text, and an edit keeps it.
func TestSendPushWithPicture(t *testing.T) {
	h := newHarness(t, nil)
	chat := telegramtest.PrivateChat(100)
	h.srv.AddChat(chat)
	p := news.Push{Topic: "مصر", Title: "افتتاح جسر", Summary: "ملخص", Source: "س", URL: "https://e.com/1",
		Image: "https://img.example/bridge.jpg"}
	id, err := h.bot.Send(t.Context(), news.Target{ChatID: chat.ID}, p)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := h.srv.Message(chat.ID, id)
	want := telegramtest.LinkPreview{URL: "https://img.example/bridge.jpg", PreferLargeMedia: true, ShowAboveText: true}
	if m.DisableWebPagePreview || m.Preview != want {
		t.Fatalf("preview %+v (disabled %v), want %+v", m.Preview, m.DisableWebPagePreview, want)
	}
	p.OtherSources = 2
	if err := h.bot.EditPush(t.Context(), chat.ID, id, p); err != nil {
		t.Fatal(err)
	}
	if m, _ = h.srv.Message(chat.ID, id); m.Preview != want || m.Edits != 1 {
		t.Errorf("after the edit: preview %+v, %d edits", m.Preview, m.Edits)
	}
	// Without a picture the push stays bare text.
	id, _ = h.bot.Send(t.Context(), news.Target{ChatID: chat.ID}, news.Push{Title: "خبر", URL: "https://e.com/2"})
	if m, _ = h.srv.Message(chat.ID, id); !m.DisableWebPagePreview || m.Preview.URL != "" {
		t.Errorf("a push without a picture: preview %+v, disabled %v", m.Preview, m.DisableWebPagePreview)
	}
}

func TestPicturesCommand(t *testing.T) {
	h := newHarness(t, nil)
	user, chat := telegramtest.NewUser(7, "قارئ"), telegramtest.PrivateChat(7)
	mustContain(t, h.sayOne(chat, user, "/pictures").PlainText, "مع صورتها", "/pictures off")
	mustContain(t, h.sayOne(chat, user, "/pictures off").PlainText, "بلا صور")
	if c, err := h.db.Chat(t.Context(), chat.ID); err != nil || !c.PicturesOff {
		t.Fatalf("after /pictures off: %+v, %v", c, err)
	}
	mustContain(t, h.sayOne(chat, user, "/pictures").PlainText, "بلا صور")
	mustContain(t, h.sayOne(chat, user, "/pictures maybe").PlainText, "لم أفهم", "/pictures on")
	if c, _ := h.db.Chat(t.Context(), chat.ID); !c.PicturesOff {
		t.Error("a bad argument changed the setting")
	}
	mustContain(t, h.sayOne(chat, user, "/pictures on").PlainText, "مع صورتها")
	if c, _ := h.db.Chat(t.Context(), chat.ID); c.PicturesOff {
		t.Error("/pictures on left pictures off")
	}
}

func TestSendErrors(t *testing.T) {
	h := newHarness(t, nil)
	chat := telegramtest.PrivateChat(100)
	h.srv.AddChat(chat)
	tests := []struct {
		name   string
		inject telegramtest.APIError
		want   news.SendError
	}{
		{"429", telegramtest.TooManyRequests(7), news.SendError{Kind: news.SendRateLimited, Code: 429, RetryAfter: 7 * time.Second}},
		{"403 blocked", telegramtest.Forbidden(), news.SendError{Kind: news.SendForbidden, Code: 403}},
		{"403 kicked", telegramtest.Kicked(), news.SendError{Kind: news.SendForbidden, Code: 403}},
		{"migrated", telegramtest.Migrated(-1001234567890), news.SendError{Kind: news.SendMigrated, Code: 400, MigrateTo: -1001234567890}},
		{"400", telegramtest.BadRequest("message is too long"), news.SendError{Kind: news.SendBadRequest, Code: 400}},
		// A chat that does not exist, or where the bot may no longer post,
		// is as gone as one that blocked the bot.
		{"400 chat not found", telegramtest.BadRequest("chat not found"), news.SendError{Kind: news.SendForbidden, Code: 400}},
		{"400 no rights", telegramtest.BadRequest("need administrator rights in the channel chat"), news.SendError{Kind: news.SendForbidden, Code: 400}},
		{"400 thread deleted", telegramtest.BadRequest("message thread not found"), news.SendError{Kind: news.SendThreadGone, Code: 400}},
		{"500", telegramtest.ServerError(), news.SendError{Kind: news.SendFailed, Code: 500}},
		{"502", telegramtest.BadGateway(), news.SendError{Kind: news.SendFailed, Code: 502}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h.srv.FailNext("sendMessage", chat.ID, 1, tc.inject)
			_, err := h.bot.Send(t.Context(), news.Target{ChatID: chat.ID}, news.Push{Title: "t"})
			var se *news.SendError
			if !errors.As(err, &se) {
				t.Fatalf("error %v (%T) is not a *news.SendError", err, err)
			}
			if se.Kind != tc.want.Kind || se.Code != tc.want.Code || se.RetryAfter != tc.want.RetryAfter || se.MigrateTo != tc.want.MigrateTo {
				t.Errorf("got %+v, want %+v", *se, tc.want)
			}
			if se.Description != tc.inject.Description {
				t.Errorf("description %q, want %q", se.Description, tc.inject.Description)
			}
		})
	}
	// Delivery still works after the injected failures.
	if _, err := h.bot.Send(t.Context(), news.Target{ChatID: chat.ID}, news.Push{Title: "t"}); err != nil {
		t.Fatal(err)
	}
}

// A network failure puts the request URL, token included, in the error:
// the bot must redact it everywhere.
func TestTokenRedacted(t *testing.T) {
	h := newHarness(t, nil)
	h.stop()
	h.srv.Close()
	_, err := h.bot.Send(t.Context(), news.Target{ChatID: 100}, news.Push{Title: "t"})
	var se *news.SendError
	if !errors.As(err, &se) || se.Kind != news.SendFailed || se.Code != 0 {
		t.Fatalf("network error mapped to %v", err)
	}
	checkRedacted(t, err)
	var ue *url.Error
	if errors.As(err, &ue) {
		t.Errorf("the *url.Error with the token is reachable: %v", ue)
	}
	checkRedacted(t, h.bot.EditPush(t.Context(), 100, 1, news.Push{Title: "t"}))
	checkRedacted(t, h.bot.SetCommands(t.Context()))

	// Connecting to an unreachable Telegram keeps trying, and what it
	// reports carries no token either.
	opts := h.opts
	opts.Endpoint = h.srv.Endpoint()
	b, err := bot.New(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	var seen error
	err = b.Connect(ctx, func(err error, _ time.Duration) {
		seen = err
		cancel()
	})
	if err == nil {
		t.Fatal("Connect succeeded against a closed server")
	}
	checkRedacted(t, seen)

	// A token Telegram refuses: no retry, an error at once.
	srv := telegramtest.NewTest(t, "999:other")
	opts.Endpoint = srv.Endpoint()
	b, err = bot.New(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	err = b.Connect(t.Context(), func(err error, _ time.Duration) { t.Errorf("retried a refused token: %v", err) })
	if err == nil {
		t.Fatal("Connect accepted a refused token")
	}
	checkRedacted(t, err)
}

func checkRedacted(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	if strings.Contains(err.Error(), testToken) || strings.Contains(err.Error(), url.PathEscape(testToken)) {
		t.Errorf("error leaks the token: %v", err)
	}
	for e := err; e != nil; e = errors.Unwrap(e) {
		if strings.Contains(e.Error(), testToken) {
			t.Errorf("wrapped error leaks the token: %v", e)
		}
	}
}

func TestRunSurvivesGetUpdatesFailures(t *testing.T) {
	h := newHarness(t, nil)
	h.settle()
	h.srv.FailNext("getUpdates", 0, 1, telegramtest.ServerError())
	// The running poll returns these updates; the next one fails.
	user, chat := telegramtest.NewUser(5, "Omar"), telegramtest.PrivateChat(5)
	h.srv.SendText(chat, user, "/help")
	h.srv.SendText(chat, user, "/help")
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if _, err := h.srv.WaitSent(ctx, chat.ID, 2); err != nil {
		t.Fatal(err)
	}
	h.settle() // polling again after the failure
	if n := h.srv.Stats().Injected; n != 1 {
		t.Errorf("%d injected failures reached, want 1", n)
	}
}

func TestNewValidates(t *testing.T) {
	for _, o := range []bot.Options{
		{},
		{Token: testToken},
		{Token: testToken, Store: nil, Topics: newCatalogue()},
		{Token: testToken, Topics: newCatalogue(), Store: (*storage.DB)(nil), Endpoint: "http://x/%s"},
	} {
		if _, err := bot.New(t.Context(), o); err == nil {
			t.Errorf("New(%+v) accepted", o)
		}
	}
}
