package bot_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ajel-news/ajel/bot"
	"github.com/ajel-news/ajel/bot/telegramtest"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/opml"
)

// The admin's first hour: a site's address finds its feed, names, pages
// of /feeds, OPML in and out.

func (h *harness) feedList() []news.Feed {
	h.feeds.mu.Lock()
	defer h.feeds.mu.Unlock()
	return append([]news.Feed(nil), h.feeds.feeds...)
}

func TestAddFeedOfASite(t *testing.T) {
	h := newHarness(t, nil)
	admin, chat := telegramtest.NewUser(adminID, "Admin"), telegramtest.PrivateChat(adminID)
	h.feeds.site("https://www.hespress.com", news.FeedSearch{Page: "https://www.hespress.com/",
		Feeds: []news.FeedLink{{URL: "https://www.hespress.com/feed", Title: "Hespress - Article Feed"}}}, nil)
	m := h.sayOne(chat, admin, `/addfeed https://www.hespress.com name="هسبريس" country=syria`)
	mustContain(t, stripIsolates(m.PlainText), "صفحة موقع", "«Hespress - Article Feed»", "أُضيف المصدر #1", "https://www.hespress.com/feed",
		"name=", "«هسبريس»")
	feeds := h.feedList()
	if len(feeds) != 1 || feeds[0].URL != "https://www.hespress.com/feed" || feeds[0].PageURL != "https://www.hespress.com" ||
		feeds[0].Name != "هسبريس" || feeds[0].Country != "syria" {
		t.Fatalf("feeds = %+v, want the found feed with its page, name and country", feeds)
	}
	// The site's address again is the feed already added: no fetch, its
	// options change.
	mustContain(t, h.sayOne(chat, admin, "/addfeed https://www.hespress.com lang=any").PlainText, "تغيّرت خياراته", "lang=any")
	if n := len(h.feedList()); n != 1 {
		t.Errorf("%d feeds after the site's address again", n)
	}
}

func TestAddFeedOfASiteWithNoFeed(t *testing.T) {
	h := newHarness(t, nil)
	admin, chat := telegramtest.NewUser(adminID, "Admin"), telegramtest.PrivateChat(adminID)
	h.feeds.site("https://nofeed.example", news.FeedSearch{Page: "https://nofeed.example/", Refused: []news.RefusedLink{
		{URL: "javascript:alert(1)", Err: news.ErrBadURL}, {URL: "http://10.0.0.1/rss", Err: news.ErrPrivateAddress}}},
		fmt.Errorf("feed: https://nofeed.example/ is a web page with no feed: %w", news.ErrNoFeed))
	m := h.sayOne(chat, admin, "/addfeed https://nofeed.example")
	mustContain(t, stripIsolates(m.PlainText), "لم أجد خلاصة أخبار", "https://nofeed.example/", "لم يُضف شيء", "روابط خلاصات لم أقبلها، عددها 2")
	if strings.Contains(m.PlainText, "feed:") {
		t.Errorf("English in the reply: %s", m.PlainText)
	}
	for addr, tc := range map[string]struct {
		err  error
		says string
	}{
		"https://loop.example":     {fmt.Errorf("feed: redirect loop at https://loop.example/: %w", news.ErrRedirectLoop), "يحيل إلى نفسه في حلقة"},
		"https://slow.example":     {fmt.Errorf("feed: no complete answer within 15s: %w", news.ErrTimeout), "لم يُجب الموقع في الوقت المحدد"},
		"https://private.example":  {fmt.Errorf("feed: refusing to connect to 10.0.0.1: %w", news.ErrPrivateAddress), "شبكة داخلية أو خاصة"},
		"https://missing.example":  {statusError("404 Not Found"), "أجاب الموقع بالرمز 404 Not Found"},
		"https://strange.example/": {errors.New("feed: malformed feed: XML syntax error on line 1"), "لم أستطع قراءة العنوان: feed: malformed feed"},
	} {
		h.feeds.site(addr, news.FeedSearch{}, tc.err)
		mustContain(t, stripIsolates(h.sayOne(chat, admin, "/addfeed "+addr).PlainText), "تعذّرت إضافة المصدر", tc.says)
	}
	if feeds := h.feedList(); len(feeds) != 0 {
		t.Errorf("a page that is no feed was stored: %+v", feeds)
	}
}

type statusError string

func (e statusError) Error() string      { return "feed: server answered " + string(e) }
func (e statusError) HTTPStatus() string { return string(e) }

func TestAddFeedOfASiteWithTenFeeds(t *testing.T) {
	var now atomic.Int64
	now.Store(fixedNow.UnixNano())
	h := newHarness(t, func(o *bot.Options) { o.Now = func() time.Time { return time.Unix(0, now.Load()) } })
	admin, chat := telegramtest.NewUser(adminID, "Admin"), telegramtest.PrivateChat(adminID)
	var links []news.FeedLink
	for i := range 10 {
		links = append(links, news.FeedLink{URL: fmt.Sprintf("https://www.very-long-news-site-name.example/sections/section-number-%d/feed/rss2/", i+1),
			Title: fmt.Sprintf("الموقع - قسم %d", i+1)})
	}
	h.feeds.site("https://www.very-long-news-site-name.example/", news.FeedSearch{Page: "https://www.very-long-news-site-name.example/", Feeds: links}, nil)
	m := h.sayOne(chat, admin, "/addfeed https://www.very-long-news-site-name.example/ fulltext=never")
	mustContain(t, m.PlainText, "تشير إلى 10 خلاصات", "اختر")
	buttons := m.Buttons()
	if len(buttons) != 10 {
		t.Fatalf("%d buttons, want one per feed: %+v", len(buttons), buttons)
	}
	for _, b := range buttons {
		if len(b.CallbackData) > 64 {
			t.Errorf("button %q: %d bytes of data", b.Text, len(b.CallbackData))
		}
	}
	if len(h.feedList()) != 0 {
		t.Fatal("a feed was added before the admin chose")
	}
	// A stranger's press is refused; the admin's adds that feed.
	stranger := telegramtest.NewUser(31, "X")
	if a := h.press(chat, stranger, m.ID, buttons[2].CallbackData); !strings.Contains(a.Text, "مشرفي البوت") {
		t.Errorf("a stranger's press: %+v", a)
	}
	before := h.srv.SentCount(chat.ID)
	h.press(chat, admin, m.ID, buttons[2].CallbackData)
	got := h.newSince(chat.ID, before)
	if len(got) != 1 {
		t.Fatalf("%d replies to the pick", len(got))
	}
	mustContain(t, stripIsolates(got[0].PlainText), "#1", links[2].URL, "fulltext=never")
	feeds := h.feedList()
	if len(feeds) != 1 || feeds[0].URL != links[2].URL || feeds[0].PageURL != "https://www.very-long-news-site-name.example/" ||
		feeds[0].FullText != news.FullTextNever {
		t.Fatalf("feeds = %+v", feeds)
	}
	if m, _ := h.srv.Message(chat.ID, m.ID); len(m.Buttons()) != 9 {
		t.Errorf("%d buttons after a pick, want 9 (the added one gone)", len(m.Buttons()))
	}
	// Another pick adds another; a forged index is stale.
	h.press(chat, admin, m.ID, buttons[7].CallbackData)
	if n := len(h.feedList()); n != 2 {
		t.Errorf("%d feeds after a second pick", n)
	}
	id, _, _ := strings.Cut(strings.TrimPrefix(buttons[0].CallbackData, "fa:"), "-")
	if a := h.press(chat, admin, m.ID, "fa:"+id+"-99"); !strings.Contains(a.Text, "انتهت صلاحية") {
		t.Errorf("a forged index: %+v", a)
	}
	// Half an hour later the choice is gone, and nothing is added.
	now.Add(int64(31 * time.Minute))
	if a := h.press(chat, admin, m.ID, buttons[5].CallbackData); !strings.Contains(a.Text, "انتهت صلاحية") {
		t.Errorf("a press after the choice expired: %+v", a)
	}
	if n := len(h.feedList()); n != 2 {
		t.Errorf("%d feeds after an expired press", n)
	}
}

func TestFeedNames(t *testing.T) {
	h := newHarness(t, nil)
	admin, chat := telegramtest.NewUser(adminID, "Admin"), telegramtest.PrivateChat(adminID)
	long := strings.Repeat("ش", 200)
	for _, tc := range []struct{ args, says string }{
		{"https://a.example/rss name=" + long, "الاسم طويل (200 حرف)، وأقصى طوله 64 حرفًا"},
		{`https://a.example/rss name="<b>عاجل</b>"`, "بلا وسوم"},
		{"https://a.example/rss name=\"a\u202eb\"", "رموز تحكّم أو اتجاه"},
		{`https://a.example/rss name=""`, "الاسم فارغ"},
	} {
		m := h.sayOne(chat, admin, "/addfeed "+tc.args)
		mustContain(t, m.PlainText, tc.says)
		if strings.Contains(m.PlainText, long) {
			t.Error("the 200-character name was echoed")
		}
	}
	if n := len(h.feedList()); n != 0 {
		t.Fatalf("a refused name added %d feeds", n)
	}
	mustContain(t, h.sayOne(chat, admin, `/addfeed https://a.example/rss name="وكالة & <شركاه>"`).PlainText, "بلا وسوم")
	mustContain(t, h.sayOne(chat, admin, `/addfeed https://a.example/rss name="وكالة & شركاه"`).PlainText, "#1", "«وكالة & شركاه»")

	// /renamefeed: usage, an unknown id, refusals, a name, back to the title.
	mustContain(t, h.sayOne(chat, admin, "/renamefeed").PlainText, "/renamefeed 3 الشرق الأوسط")
	mustContain(t, h.sayOne(chat, admin, "/renamefeed 1").PlainText, "/renamefeed 3 الشرق الأوسط")
	mustContain(t, h.sayOne(chat, admin, "/renamefeed 42 اسم").PlainText, "لا يوجد مصدر بالرقم 42")
	mustContain(t, h.sayOne(chat, admin, "/renamefeed x اسم").PlainText, "/renamefeed 3")
	mustContain(t, h.sayOne(chat, admin, "/renamefeed 1 "+long).PlainText, "الاسم طويل")
	mustContain(t, h.sayOne(chat, admin, "/renamefeed 1 <i>x</i>").PlainText, "بلا وسوم")
	mustContain(t, stripIsolates(h.sayOne(chat, admin, "/renamefeed #١ الشرق   الأوسط").PlainText), "صار اسم المصدر #1 «الشرق الأوسط»")
	if f := h.feedList()[0]; f.Name != "الشرق الأوسط" {
		t.Errorf("name = %q", f.Name)
	}
	mustContain(t, stripIsolates(h.sayOne(chat, admin, "/feeds").PlainText), "#1 الشرق الأوسط")
	h.feeds.mu.Lock()
	h.feeds.feeds[0].Title = "Hespress - Article Feed"
	h.feeds.mu.Unlock()
	mustContain(t, stripIsolates(h.sayOne(chat, admin, "/renamefeed 1 -").PlainText), "بعنوان خلاصته «Hespress»")
	if f := h.feedList()[0]; f.Name != "" {
		t.Errorf("name after - = %q", f.Name)
	}
	stranger := telegramtest.NewUser(31, "X")
	mustContain(t, h.sayOne(telegramtest.PrivateChat(31), stranger, "/renamefeed 1 x").PlainText, "مشرفي البوت")
}

func TestFeedsTenAPage(t *testing.T) {
	h := newHarness(t, nil)
	admin, chat := telegramtest.NewUser(adminID, "Admin"), telegramtest.PrivateChat(adminID)
	h.feeds.mu.Lock()
	for i := range 25 {
		h.feeds.next++
		h.feeds.feeds = append(h.feeds.feeds, news.Feed{ID: h.feeds.next, URL: fmt.Sprintf("https://s%d.example/%s", i+1, strings.Repeat("long/", 80)),
			Title: fmt.Sprintf("مصدر %d - Article Feed", i+1), LastSuccessAt: fixedNow.Add(-time.Hour), LastError: strings.Repeat("خطأ ", 200)})
	}
	h.feeds.mu.Unlock()
	m := h.sayOne(chat, admin, "/feeds")
	mustContain(t, stripIsolates(m.PlainText), "المصادر (25) · الصفحة 1 من 3", "#1 مصدر 1\n", "#10 مصدر 10\n", "✅ يعمل")
	if strings.Contains(m.PlainText, "#11 ") || strings.Contains(m.PlainText, "Article Feed") {
		t.Errorf("page 1 shows more than ten, or raw titles:\n%s", m.PlainText)
	}
	if b := m.Buttons(); len(b) != 1 || b[0].CallbackData != "fp:2" {
		t.Fatalf("page 1 buttons = %+v, want next only", b)
	}
	h.press(chat, admin, m.ID, "fp:2")
	p2, _ := h.srv.Message(chat.ID, m.ID)
	mustContain(t, stripIsolates(p2.PlainText), "الصفحة 2 من 3", "#11 ", "#20 ")
	if len(p2.Buttons()) != 2 {
		t.Errorf("page 2 buttons = %+v, want previous and next", p2.Buttons())
	}
	h.press(chat, admin, m.ID, "fp:3")
	p3, _ := h.srv.Message(chat.ID, m.ID)
	mustContain(t, stripIsolates(p3.PlainText), "الصفحة 3 من 3", "#21 ", "#25 ")
	if b := p3.Buttons(); len(b) != 1 || b[0].CallbackData != "fp:2" {
		t.Errorf("page 3 buttons = %+v, want previous only", b)
	}
	// A page past the last shows the last; a stranger cannot turn pages.
	h.press(chat, admin, m.ID, "fp:99")
	if p, _ := h.srv.Message(chat.ID, m.ID); !strings.Contains(p.PlainText, "الصفحة 3 من 3") {
		t.Error("a page past the last")
	}
	if a := h.press(chat, telegramtest.NewUser(31, "X"), m.ID, "fp:1"); !strings.Contains(a.Text, "مشرفي البوت") {
		t.Errorf("a stranger turned the page: %+v", a)
	}
	for _, p := range [][]telegramtest.Message{h.srv.Sent(chat.ID)} {
		for _, msg := range p {
			checkHTML(t, msg)
		}
	}
	mustContain(t, h.sayOne(chat, admin, "/feeds 99").PlainText, "لا يوجد مصدر بالرقم 99")
}

func opmlDoc(body string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?><opml version="2.0"><head><title>x</title></head><body>` + body + `</body></opml>`)
}

func TestImportAnOPMLDocument(t *testing.T) {
	h := newHarness(t, nil)
	admin, chat := telegramtest.NewUser(adminID, "Admin"), telegramtest.PrivateChat(adminID)
	h.sayOne(chat, admin, "/addfeed https://known.example/rss")
	send := func(name string, data []byte) []telegramtest.Message {
		t.Helper()
		before := h.srv.SentCount(chat.ID)
		h.srv.SendDocument(chat, admin, telegramtest.Document{FileName: name, MimeType: "text/xml", Data: data}, "")
		h.settle()
		return h.newSince(chat.ID, before)
	}
	data := opmlDoc(`<outline text="عربي">` +
		`<outline type="rss" text="Hespress - Article Feed" xmlUrl="https://www.hespress.com/feed"/>` +
		`<outline text="مجلد"><outline type="rss" title="Enab Baladi" xmlUrl="https://www.enabbaladi.net/feed"/></outline>` +
		`</outline>` +
		`<outline type="rss" text="known" xmlUrl="https://known.example/rss"/>` +
		`<outline type="rss" text="twice" xmlUrl="https://www.hespress.com/feed"/>` +
		`<outline text="no address"/>` +
		`<outline type="rss" text="internal" xmlUrl="http://192.168.1.10/rss"/>` +
		`<outline type="rss" text="loopback" xmlUrl="http://127.0.0.1/rss"/>`)
	got := send("feeds.opml", data)
	if len(got) != 1 {
		t.Fatalf("%d replies to the file", len(got))
	}
	checkHTML(t, got[0])
	mustContain(t, stripIsolates(got[0].PlainText), "استيراد OPML", "أُضيف: مصدران", "موجود من قبل: مصدر واحد",
		"مذكور مرتين في الملف (عُدّ مرة): 1", "رُفض 3:", "no address: لا رابط خلاصة فيه", "http://192.168.1.10/rss: عنوان في شبكة داخلية أو خاصة",
		"http://127.0.0.1/rss: عنوان في شبكة داخلية")
	feeds := h.feedList()
	if len(feeds) != 3 || feeds[1].URL != "https://www.hespress.com/feed" || feeds[1].Name != "Hespress" || feeds[2].Name != "Enab Baladi" {
		t.Fatalf("feeds = %+v", feeds)
	}
	if n := h.srv.CallCount("download"); n != 1 {
		t.Errorf("%d downloads", n)
	}

	// Files refused whole: nothing added.
	for _, tc := range []struct {
		name string
		data []byte
		says string
	}{
		{"notes.opml", []byte("Hespress https://www.hespress.com/feed"), "ليس OPML صالحًا"},
		{"page.xml", []byte("<!doctype html><html></html>"), "ليس OPML صالحًا"},
		{"huge.opml", append(opmlDoc(""), bytes.Repeat([]byte(" "), 10<<20)...), "الملف كبير (10.0 ميغابايت)، وأقصى حجم لملف OPML 2 ميغابايت"},
		{"many.opml", opmlDoc(strings.Repeat(`<outline type="rss" text="x" xmlUrl="https://x.example/rss"/>`, 5000)), "أكثر من 2000 عنصر"},
	} {
		got := send(tc.name, tc.data)
		if len(got) != 1 {
			t.Fatalf("%s: %d replies", tc.name, len(got))
		}
		mustContain(t, got[0].PlainText, tc.says, "لم يُستورد شيء")
	}
	if n := h.srv.CallCount("download"); n != 4 {
		t.Errorf("%d downloads; the 10 MB file must not be downloaded (its size says enough)", n)
	}
	if n := len(h.feedList()); n != 3 {
		t.Errorf("%d feeds after refused files", n)
	}
	// Another document from an admin: a word on what the bot takes. A
	// stranger's OPML is not for the bot.
	mustContain(t, send("photo.jpg", []byte{0xff, 0xd8})[0].PlainText, "ملف OPML")
	stranger := telegramtest.NewUser(31, "X")
	h.srv.SendDocument(telegramtest.PrivateChat(31), stranger, telegramtest.Document{FileName: "feeds.opml", Data: data}, "")
	h.settle()
	if n := h.srv.SentCount(31); n != 0 {
		t.Errorf("%d replies to a stranger's file", n)
	}
	if n := len(h.feedList()); n != 3 {
		t.Errorf("a stranger's file added feeds")
	}
}

func TestExportThenImportKeepsTheFeeds(t *testing.T) {
	h := newHarness(t, nil)
	admin, chat := telegramtest.NewUser(adminID, "Admin"), telegramtest.PrivateChat(adminID)
	mustContain(t, h.sayOne(chat, admin, "/export").PlainText, "لا مصادر")
	h.sayOne(chat, admin, `/addfeed https://a.example/rss name="الشرق الأوسط" fulltext=never breaking=yes`)
	h.sayOne(chat, admin, "/addfeed https://b.example/atom lang=any country=lebanon")
	m := h.sayOne(chat, admin, "/export")
	if m.Document == nil || !strings.HasSuffix(m.Document.FileName, ".opml") {
		t.Fatalf("/export sent %+v, want an .opml document", m)
	}
	mustContain(t, m.PlainText, "مصدران", "OPML")
	entries, err := opml.Read(bytes.NewReader(m.Document.Data))
	if err != nil || len(entries) != 2 {
		t.Fatalf("the export reads as %+v, %v", entries, err)
	}

	// Into another bot: the same feeds, names and options.
	h2 := newHarness(t, nil)
	h2.srv.SendDocument(chat, admin, telegramtest.Document{FileName: m.Document.FileName, Data: m.Document.Data}, "")
	h2.settle()
	a, b := h.feedList(), h2.feedList()
	if len(b) != 2 {
		t.Fatalf("imported %+v", b)
	}
	for i := range a {
		if a[i].URL != b[i].URL || a[i].Name != b[i].Name || a[i].FullText != b[i].FullText || a[i].Lang != b[i].Lang ||
			a[i].Breaking != b[i].Breaking || a[i].Country != b[i].Country {
			t.Errorf("feed %d: exported %+v, imported %+v", i+1, a[i], b[i])
		}
	}
}

// An alert's words: short lines with the feed's name and what to do,
// those that started and those that ended in one message.
func TestAlertText(t *testing.T) {
	h := newHarness(t, nil)
	now := fixedNow
	started := []news.Alert{
		{Kind: news.AlertFeedFailing, FeedID: 3, Source: "هسبريس", Detail: "feed: server answered 503 Service Unavailable", Since: now.Add(-7 * time.Hour)},
		{Kind: news.AlertFeedSilent, FeedID: 4, Source: "<عنب>", Since: now.Add(-3 * 24 * time.Hour), Gap: 20 * time.Hour},
		{Kind: news.AlertPagesFailing, FeedID: 5, Source: "BBC", Detail: "page text is not the story", Since: now.Add(-6 * time.Hour)},
		{Kind: news.AlertWebSubFailed, FeedID: 6, Source: "CNN", Detail: "hub answered 500"},
		{Kind: news.AlertOutboxStuck, Since: now.Add(-12 * time.Minute)},
		{Kind: news.AlertDatabaseSize, Bytes: 2_100_000_000, Limit: 2e9},
	}
	ended := []news.Alert{{Kind: news.AlertFeedFailing, FeedID: 9, Source: "الجزيرة"}, {Kind: news.AlertOutboxStuck}}
	text := h.bot.AlertText(started, ended, now)
	if err := telegramtest.ValidateHTML(text); err != nil {
		t.Fatalf("invalid HTML: %v\n%s", err, text)
	}
	plain, _ := telegramtest.ParseHTML(text)
	mustContain(t, stripIsolates(plain), "تنبيه للمشرفين", "«هسبريس» (#3) يفشل منذ 7 ساعات: feed: server answered 503", "/delfeed",
		"«<عنب>» (#4) لم ينشر شيئًا منذ 3 أيام، وأطول غياب معتاد له 20 ساعة", "صفحات مقالات «BBC» (#5)", "fulltext=never",
		"WebSub للمصدر «CNN» (#6)", "PUBLIC_URL", "تنتظر منذ 12 دقيقة", "2.1 غيغابايت، فوق الحد 2.0 غيغابايت",
		"انتهت المشكلة", "عاد المصدر «الجزيرة» (#9) يعمل", "صندوق الإرسال يعمل من جديد")
	// Many at once: one message, the rest counted.
	var many []news.Alert
	for i := range 60 {
		many = append(many, news.Alert{Kind: news.AlertFeedFailing, FeedID: int64(i + 1), Source: strings.Repeat("م", 60),
			Detail: strings.Repeat("e", 300), Since: now.Add(-7 * time.Hour)})
	}
	text = h.bot.AlertText(many, nil, now)
	plain, _ = telegramtest.ParseHTML(text)
	if n := len([]rune(plain)); n > telegramtest.MaxMessageLength {
		t.Errorf("an alert of 60 feeds is %d characters", n)
	}
	shown := strings.Count(plain, "• المصدر")
	var rest int
	if i := strings.Index(plain, "• و"); i < 0 {
		t.Fatalf("no count of the rest:\n%s", plain)
	} else if _, err := fmt.Sscanf(plain[i+len("• و"):], "%d", &rest); err != nil || shown+rest != 60 || shown == 0 {
		t.Errorf("%d shown and %d counted, want 60 together", shown, rest)
	}
}
