package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ajel-news/ajel/bot/telegramtest"
	"github.com/ajel-news/ajel/config"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/storage/storagetest"
)

// teaserStories are three Syrian stories of ours: a feed that carries one
// line of each, and the article pages it links to.
var teaserStories = []struct{ title, teaser, page string }{
	{"افتتاح مستشفى جديد للأطفال في حلب", "أعلنت السلطات في حلب افتتاح مستشفى جديد للأطفال…",
		"<p>أعلنت السلطات في مدينة حلب السورية اليوم افتتاح مستشفى جديد للأطفال في حي الشعار، بعد عامين من أعمال البناء.</p>" +
			"<p>ويضم المستشفى مئة وعشرين سريرا وقسما للعناية المركزة وآخر للطوارئ يعمل على مدار الساعة.</p>" +
			"<p>وقال مدير الصحة في المحافظة إن العلاج في المستشفى سيكون مجانيا في عامه الأول، وإن ثلاثين طبيبا انضموا إلى فريقه.</p>"},
	{"هطول أمطار غزيرة على الساحل السوري", "هطلت أمطار غزيرة على مدن الساحل السوري…", ""},
	{"استئناف الرحلات الجوية بين دمشق وعمّان", "أعلنت هيئة الطيران استئناف الرحلات بين دمشق وعمّان…", ""},
}

// A teaser feed's push is summarized from its article page and shows the
// page's picture above the text; a page that is a PDF, or a cookie wall,
// gives nothing and the teaser is pushed, and so is an item whose picture
// is 20,000 characters long or a script, without it; a reader with
// /pictures off gets the text alone. /feeds's store, /healthz and /metrics say what pages gave.
func TestTeaserFeedPushesTheWholeStoryWithItsPicture(t *testing.T) {
	t.Parallel()
	tg := telegramtest.NewTest(t, testToken)
	var mu sync.Mutex
	listed := 0 // how many stories the feed lists
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/rss":
			mu.Lock()
			n := listed
			mu.Unlock()
			var b strings.Builder
			b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>وكالة المقتطفات</title>`)
			b.WriteString(`<item><guid>old</guid><title>خبر قديم عن سوريا</title><link>` + srv.URL + `/a/old</link><description>مقتطف…</description></item>`)
			// Pictures no push may carry: 20,000 characters long, a script.
			badPictures := []string{"", "https://img.example/" + strings.Repeat("x", 20_000) + ".jpg", "javascript:alert(1)"}
			for i := range n {
				s := teaserStories[i]
				enc := ""
				if badPictures[i] != "" {
					enc = `<enclosure url="` + badPictures[i] + `" type="image/jpeg" length="1"/>`
				}
				fmt.Fprintf(&b, "<item><guid>s%d</guid><title>%s</title><link>%s/a/%d</link><description>%s</description><pubDate>%s</pubDate>%s</item>",
					i, s.title, srv.URL, i, s.teaser, time.Now().UTC().Format(time.RFC1123Z), enc)
			}
			b.WriteString("</channel></rss>")
			w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
			io.WriteString(w, b.String())
		case "/a/0":
			fmt.Fprintf(w, `<!doctype html><html lang="ar"><head><meta charset="utf-8"><title>%s</title>
<meta property="og:image" content="https://img.example/hospital.jpg"></head><body><nav><a href="/">الرئيسية</a></nav>
<article><h1>%s</h1>%s</article><footer>جميع الحقوق محفوظة</footer></body></html>`, teaserStories[0].title, teaserStories[0].title, teaserStories[0].page)
		case "/a/1":
			w.Header().Set("Content-Type", "application/pdf")
			io.WriteString(w, "%PDF-1.7")
		case "/a/2":
			io.WriteString(w, `<!doctype html><html lang="ar"><head><meta charset="utf-8"></head><body><div class="consent">
<p>نستخدم ملفات تعريف الارتباط لتحسين تجربتك على موقعنا وتحليل الزيارات وتخصيص الإعلانات التي تراها. بمتابعة التصفح فإنك توافق على سياسة الخصوصية وشروط الاستخدام، ويمكنك تغيير إعداداتك في أي وقت من صفحة الإعدادات.</p>
<p>اضغط على زر الموافقة للمتابعة إلى الموقع، أو على زر الإعدادات لاختيار ما تسمح به، علما بأن بعض خدمات الموقع لا تعمل من دون هذه الملفات.</p></div></body></html>`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)

	a := startApp(t, tg, filepath.Join(t.TempDir(), "ajel.db"), map[string]string{
		config.EnvPollInterval: "1h", config.EnvHTTPAddr: "127.0.0.1:0",
		config.EnvFeeds: srv.URL + "/rss fulltext=auto"})
	ctx := t.Context()
	withPictures, textOnly := telegramtest.PrivateChat(4100), telegramtest.PrivateChat(4101)
	storagetest.Chat(t, a.db, withPictures.ID, news.ChatPrivate, "syria")
	storagetest.Chat(t, a.db, textOnly.ID, news.ChatPrivate, "syria")
	if err := a.db.SetPictures(ctx, textOnly.ID, false); err != nil {
		t.Fatal(err)
	}
	if err := a.addFeeds(ctx, a.cfg.Feeds, a.cfg.FeedOptions); err != nil {
		t.Fatal(err)
	}
	feeds, _ := a.db.Feeds(ctx)
	if len(feeds) != 1 || feeds[0].FullText != news.FullTextAuto {
		t.Fatalf("feeds %+v", feeds)
	}
	if err := a.poller.PollNow(ctx, feeds[0].ID); err != nil { // priming: no page is read
		t.Fatal(err)
	}
	mu.Lock()
	listed = len(teaserStories)
	mu.Unlock()
	if err := a.poller.PollNow(ctx, feeds[0].ID); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := tg.WaitFor(wctx, func() bool {
		return len(pushes(tg.Sent(withPictures.ID))) == 3 && len(pushes(tg.Sent(textOnly.ID))) == 3
	}); err != nil {
		t.Fatalf("pushes: %d and %d of 3", len(pushes(tg.Sent(withPictures.ID))), len(pushes(tg.Sent(textOnly.ID))))
	}
	byTitle := func(chat int64, title string) telegramtest.Message {
		for _, m := range pushes(tg.Sent(chat)) {
			if strings.Contains(m.PlainText, title) {
				return m
			}
		}
		t.Fatalf("no push of %q to %d", title, chat)
		return telegramtest.Message{}
	}
	hospital := byTitle(withPictures.ID, teaserStories[0].title)
	if !strings.Contains(hospital.PlainText, "مئة وعشرين سريرا") {
		t.Errorf("the hospital push is not summarized from its page:\n%s", hospital.PlainText)
	}
	want := telegramtest.LinkPreview{URL: "https://img.example/hospital.jpg", PreferLargeMedia: true, ShowAboveText: true}
	if hospital.Preview != want {
		t.Errorf("the hospital push's preview %+v, want %+v", hospital.Preview, want)
	}
	if m := byTitle(textOnly.ID, teaserStories[0].title); m.Preview.URL != "" || !m.DisableWebPagePreview {
		t.Errorf("a reader with /pictures off got a picture: %+v", m.Preview)
	}
	for _, s := range teaserStories[1:] {
		m := byTitle(withPictures.ID, s.title)
		if !strings.Contains(m.PlainText, strings.TrimSuffix(s.teaser, "…")) || m.Preview.URL != "" {
			t.Errorf("%s: want its teaser and no picture:\n%s\n%+v", s.title, m.PlainText, m.Preview)
		}
		if strings.Contains(m.PlainText, "ملفات تعريف الارتباط") {
			t.Errorf("the cookie wall was pushed as the story:\n%s", m.PlainText)
		}
	}

	f, _ := a.db.Feed(ctx, feeds[0].ID)
	if f.Pages != (news.PageCounts{Read: 3, Failed: 2}) || f.LastPageError == "" {
		t.Errorf("feed pages %+v, last error %q", f.Pages, f.LastPageError)
	}
	base := "http://" + a.listener.Addr().String()
	var health struct {
		Feeds []struct {
			FullText string `json:"full_text"`
			Pages    *struct {
				Read       int `json:"read"`
				TeaserUsed int `json:"teaser_used"`
			} `json:"pages"`
		} `json:"feeds"`
	}
	body := httpGet(t, base+"/healthz")
	if err := json.Unmarshal([]byte(body), &health); err != nil || len(health.Feeds) != 1 ||
		health.Feeds[0].FullText != "auto" || health.Feeds[0].Pages == nil || health.Feeds[0].Pages.Read != 3 || health.Feeds[0].Pages.TeaserUsed != 2 {
		t.Errorf("/healthz: %s (%v)", body, err)
	}
	metrics := httpGet(t, base+"/metrics")
	// The cookie wall is taken out before the page is read: nothing is left.
	for _, line := range []string{`ajel_article_pages_total{result="used"} 1`, `ajel_article_pages_total{result="not_html"} 1`,
		`ajel_article_pages_total{result="no_text"} 1`} {
		if !strings.Contains(metrics, line) {
			t.Errorf("/metrics lacks %s", line)
		}
	}
}

func httpGet(t *testing.T, u string) string {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
