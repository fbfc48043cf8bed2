package main

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ajel-news/ajel/analyze"
	"github.com/ajel-news/ajel/bot/telegramtest"
	"github.com/ajel-news/ajel/config"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/storage/storagetest"
)

// A second ajel on the same database stops at once, with one line naming
// the file and the first one's pid; the first goes on answering, and a
// backup still works beside it.
func TestSecondInstanceRefused(t *testing.T) {
	t.Parallel()
	tg := telegramtest.NewTest(t, testToken)
	dbPath := filepath.Join(t.TempDir(), "ajel.db")
	startApp(t, tg, dbPath, nil)

	code, _, stderr := runCLI(t, testEnv(tg.Endpoint(), dbPath, map[string]string{config.EnvLogLevel: "warn"}), "", "run")
	if code != 1 || !strings.Contains(stderr, dbPath) || !strings.Contains(stderr, "in use by another process") ||
		!strings.Contains(stderr, "pid ") || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
		t.Fatalf("second run: exit %d, stderr %q; want one line naming the file and the holder", code, stderr)
	}
	// A backup is no second instance: it works beside the running bot.
	dst := filepath.Join(t.TempDir(), "copy.db")
	if code, out, stderr := runCLI(t, testEnv(tg.Endpoint(), dbPath, nil), "", "backup", dst); code != 0 || !strings.Contains(out, dst) {
		t.Fatalf("backup beside the running bot: exit %d, %q %q", code, out, stderr)
	}
	chat := telegramtest.PrivateChat(3100)
	tg.SendText(chat, telegramtest.NewUser(3100, "قارئ"), "/help")
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	if err := tg.WaitFor(ctx, func() bool { return tg.SentCount(chat.ID) == 1 }); err != nil {
		t.Fatalf("the first instance stopped answering: %v", err)
	}
}

// waitHealth waits until /healthz of the app answers a body holding want.
func waitHealth(t *testing.T, a *app, want string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	var body string
	for ctx.Err() == nil {
		var err error
		if _, body, err = healthz(ctx, a.listener.Addr().String()); err == nil && strings.Contains(body, want) {
			return body
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("/healthz never said %q; last: %s", want, body)
	return ""
}

// Telegram unreachable at start: the bot does not exit; /healthz says why
// until Telegram answers, then the bot works.
func TestStartWhileTelegramIsDown(t *testing.T) {
	t.Parallel()
	tg := telegramtest.NewTest(t, testToken)
	down := tg.FailAlways("getMe", 0, telegramtest.BadGateway())
	cfg, err := config.Load(envLookup(testEnv(tg.Endpoint(), filepath.Join(t.TempDir(), "ajel.db"),
		map[string]string{config.EnvHTTPAddr: "127.0.0.1:0"})))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := newApp(ctx, cfg, newLogger(ioDiscard{}, 8), appOptions{pollTimeout: time.Second})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.run(ctx) }()
	t.Cleanup(func() { cancel(); <-done; a.Close() })

	body := waitHealth(t, a, "cannot reach Telegram at start")
	if !strings.Contains(body, `"status":"degraded"`) {
		t.Errorf("/healthz while Telegram is down: %s", body)
	}
	select {
	case err := <-done:
		t.Fatalf("the bot exited while Telegram was down: %v", err)
	default:
	}
	down()
	wctx, wcancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer wcancel()
	if err := tg.WaitFor(wctx, tg.Polling); err != nil {
		t.Fatalf("the bot did not start once Telegram answered: %v", err)
	}
	waitHealth(t, a, `"status":"ok"`)
}

// Another process polling with the same token: /healthz says so while it
// lasts, and the bot keeps trying.
func TestConflictingPollerReported(t *testing.T) {
	t.Parallel()
	tg := telegramtest.NewTest(t, testToken)
	a := startApp(t, tg, filepath.Join(t.TempDir(), "ajel.db"), map[string]string{config.EnvHTTPAddr: "127.0.0.1:0"})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go func() { // the other process: a getUpdates of its own, again and again
		for ctx.Err() == nil {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf(tg.Endpoint(), testToken, "getUpdates")+"?timeout=1", nil)
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
			}
		}
	}()
	waitHealth(t, a, "another process is polling Telegram")
	cancel()
	waitHealth(t, a, `"status":"ok"`)
}

// datedItem is an RSS item with a publication date.
type datedItem struct {
	guid, title, text, link string
	published               time.Time
}

func datedRSS(items []datedItem) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>وكالة الاختبار</title>`)
	for _, it := range items {
		fmt.Fprintf(&b, "<item><guid>%s</guid><title>%s</title><link>%s</link><description><![CDATA[%s]]></description><pubDate>%s</pubDate></item>",
			it.guid, it.title, it.link, it.text, it.published.UTC().Format(time.RFC1123Z))
	}
	b.WriteString("</channel></rss>")
	return []byte(b.String())
}

// syriaHeadlines are fourteen unrelated stories, each about Syria.
var syriaHeadlines = [...]string{
	"افتتاح معرض دمشق الدولي للكتاب بمشاركة عربية واسعة",
	"ارتفاع أسعار الخبز في حلب بعد أزمة الطحين في سوريا",
	"وزارة الصحة السورية تطلق حملة تلقيح ضد شلل الأطفال",
	"عودة آلاف اللاجئين السوريين من لبنان عبر معبر جديدة يابوس",
	"أمطار غزيرة تغمر شوارع اللاذقية وتعطل حركة المرور",
	"المنتخب السوري لكرة القدم يفوز على نظيره الأردني",
	"افتتاح مطار حلب الدولي أمام الرحلات التجارية من جديد",
	"حريق يلتهم مساحات من غابات ريف طرطوس في سوريا",
	"جامعة دمشق تعلن نتائج امتحانات القبول للعام الجديد",
	"انقطاع الكهرباء عن أحياء واسعة من حمص لساعات طويلة",
	"مزارعو درعا يشكون تراجع محصول القمح هذا الموسم في سوريا",
	"ترميم قلعة حلب الأثرية بعد سنوات من الإهمال",
	"مهرجان للمسرح في السويداء يجمع فرقًا من المحافظات السورية",
	"الحكومة السورية ترفع أجور العاملين في القطاع العام",
}

// A feed that renames its items — new GUIDs; then https, www. and a
// trailing slash on every link — pushes nothing again, however recent the
// items; one dated 2001 or next year is stored but rings nobody; one
// really new item is pushed once.
func TestRenamedFeedItemsAreNotNews(t *testing.T) {
	t.Parallel()
	tg := telegramtest.NewTest(t, testToken)
	feedSrv := newFeedServer(t)
	now := time.Now()
	var items []datedItem
	for i, title := range syriaHeadlines {
		items = append(items, datedItem{guid: fmt.Sprint("g-", i), title: title,
			text: "<p>" + title + ". وقال مسؤولون إن الأمر يتابع عن كثب، وإن تفاصيل أخرى ستعلن لاحقًا.</p>",
			link: fmt.Sprintf("http://news.example/a/%d", i), published: now.Add(-time.Duration(i+1) * 5 * time.Minute)})
	}
	feedSrv.set(datedRSS(items), "")
	a := startApp(t, tg, filepath.Join(t.TempDir(), "ajel.db"), map[string]string{
		config.EnvFeeds: feedSrv.srv.URL + "/rss", config.EnvPollInterval: "1h"})
	ctx := t.Context()
	reader := telegramtest.PrivateChat(3200)
	storagetest.Chat(t, a.db, reader.ID, news.ChatPrivate, "syria")
	if err := a.addFeeds(ctx, a.cfg.Feeds, nil); err != nil {
		t.Fatal(err)
	}
	feeds, err := a.db.Feeds(ctx)
	if err != nil || len(feeds) != 1 {
		t.Fatalf("feeds %+v, %v", feeds, err)
	}
	feedID := feeds[0].ID
	poll := func(what string, list []datedItem) {
		t.Helper()
		feedSrv.set(datedRSS(list), "")
		if err := a.poller.PollNow(ctx, feedID); err != nil {
			t.Fatalf("%s: poll: %v", what, err)
		}
	}
	poll("priming", items) // the poller may prime it too: the second poll finds nothing new

	renamed := slices.Clone(items)
	for i := range renamed {
		renamed[i].guid = fmt.Sprint("urn:uuid:new-", i)
	}
	poll("new GUIDs", renamed)
	moved := slices.Clone(items)
	for i := range moved {
		moved[i].guid = fmt.Sprint("moved-", i)
		moved[i].link = fmt.Sprintf("https://www.news.example/a/%d/", i)
		moved[i].text += "<p>تحديث: أضيفت إلى الخبر تفاصيل جديدة.</p>"
	}
	poll("https, www. and a slash", moved)
	if ds, _ := a.db.Deliveries(ctx, reader.ID); len(ds) != 0 {
		t.Fatalf("relisted items queued %d pushes, want none", len(ds))
	}

	odd := append(slices.Clone(moved),
		datedItem{guid: "y2001", title: "مجلس الشعب السوري يقر موازنة عام 2001", text: "<p>خبر من الأرشيف عن الموازنة السورية.</p>",
			link: "https://www.news.example/archive/2001", published: time.Date(2001, 3, 4, 9, 0, 0, 0, time.UTC)},
		datedItem{guid: "next-year", title: "موعد الانتخابات التشريعية في سوريا العام المقبل", text: "<p>خبر بتاريخ خاطئ في العام المقبل.</p>",
			link: "https://www.news.example/future", published: now.AddDate(1, 0, 0)},
		datedItem{guid: "fresh", title: "زلزال بقوة خمس درجات يضرب شمال غرب سوريا", text: "<p>ضرب زلزال بقوة خمس درجات مناطق في شمال غرب سوريا صباح اليوم دون أنباء عن ضحايا.</p>",
			link: "https://www.news.example/quake", published: now.Add(-time.Minute)})
	poll("odd dates and one new item", odd)
	ds, err := a.db.Deliveries(ctx, reader.ID)
	if err != nil || len(ds) != 1 {
		t.Fatalf("queued %d pushes (%v), want exactly the new one", len(ds), err)
	}
	if art, _ := a.db.Article(ctx, ds[0].ArticleID); !strings.Contains(art.Title, "زلزال") {
		t.Errorf("pushed %q, want the earthquake", art.Title)
	}
	if f, _ := a.db.Feed(ctx, feedID); f.Held != (news.HeldItems{Old: 1, Future: 1}) {
		t.Errorf("the feed's status says %+v held, want one old and one future", f.Held)
	}
	if found, err := a.db.SearchArticles(ctx, analyze.SearchTerms("موازنة 2001"), 5); err != nil || len(found) != 1 {
		t.Errorf("the item dated 2001 is not searchable: %d found, %v", len(found), err)
	}
	wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := tg.WaitFor(wctx, func() bool { return len(pushes(tg.Sent(reader.ID))) == 1 }); err != nil {
		t.Fatal(err)
	}
}

// A token revoked while the bot runs stops it with one line that says so,
// each prefix once, and no token.
func TestRevokedTokenStopsWithOneLine(t *testing.T) {
	t.Parallel()
	tg := telegramtest.NewTest(t, testToken)
	tg.FailAlways("getUpdates", 0, telegramtest.APIError{Code: http.StatusUnauthorized, Description: "Unauthorized"})
	code, _, stderr := runCLI(t, testEnv(tg.Endpoint(), filepath.Join(t.TempDir(), "ajel.db"), map[string]string{config.EnvLogLevel: "warn"}), "", "run")
	last := stderr[strings.LastIndex(strings.TrimSpace(stderr), "\n")+1:]
	if code != 1 || !strings.HasPrefix(last, "ajel: bot: getUpdates: telegram refused the token") ||
		strings.Contains(stderr, "bot: bot:") || strings.Contains(stderr, testToken) {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
}
