package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ajel-news/ajel/bot/telegramtest"
	"github.com/ajel-news/ajel/config"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/storage"
	"github.com/ajel-news/ajel/storage/storagetest"
)

// oneFeedApp runs the app with one feed, served by the returned server
// and polled when a test says so (POLL_INTERVAL=1h), and returns the
// feed's id.
func oneFeedApp(t *testing.T, tg *telegramtest.Server) (*app, *feedServer, int64) {
	t.Helper()
	feedSrv := newFeedServer(t)
	a := startApp(t, tg, filepath.Join(t.TempDir(), "ajel.db"), map[string]string{
		config.EnvFeeds: feedSrv.srv.URL + "/rss", config.EnvPollInterval: "1h"})
	if err := a.addFeeds(t.Context(), a.cfg.Feeds, nil); err != nil {
		t.Fatal(err)
	}
	feeds, err := a.db.Feeds(t.Context())
	if err != nil || len(feeds) != 1 {
		t.Fatalf("feeds %+v, %v", feeds, err)
	}
	return a, feedSrv, feeds[0].ID
}

// A feed that keeps listing its items (undated, as evergreen pages and
// some outlets' feeds are) pushes none of them again after retention
// pruned their articles: not under their GUIDs, not under new GUIDs with
// the same links. A really new item still goes out once.
func TestPrunedItemsAreNotNewsAgain(t *testing.T) {
	t.Parallel()
	tg := telegramtest.NewTest(t, testToken)
	a, feedSrv, feedID := oneFeedApp(t, tg)
	ctx := t.Context()
	reader := telegramtest.PrivateChat(3300)
	storagetest.Chat(t, a.db, reader.ID, news.ChatPrivate, "syria")
	var listed []rssItem
	for i, title := range syriaHeadlines[:6] {
		listed = append(listed, rssItem{guid: fmt.Sprint("ever-", i), title: title,
			text: "<p>" + title + ". وقال مسؤولون إن الأمر يتابع عن كثب.</p>", link: fmt.Sprintf("https://news.example/page/%d", i)})
	}
	poll := func(what string, items ...rssItem) {
		t.Helper()
		feedSrv.set(rss(items...), "")
		if err := a.poller.PollNow(ctx, feedID); err != nil {
			t.Fatalf("%s: poll: %v", what, err)
		}
	}
	pending := func() int {
		t.Helper()
		ds, err := a.db.Deliveries(ctx, reader.ID)
		if err != nil {
			t.Fatal(err)
		}
		return len(ds)
	}
	poll("priming", listed...)
	fresh := rssItem{guid: "new-1", title: syriaHeadlines[6], text: "<p>" + syriaHeadlines[6] + ".</p>", link: "https://news.example/new/1"}
	listed = append(listed, fresh)
	poll("one new item", listed...)
	if n := pending(); n != 1 {
		t.Fatalf("the new item queued %d pushes, want 1", n)
	}
	wait := func(n int) {
		t.Helper()
		wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		if err := tg.WaitFor(wctx, func() bool {
			ds, err := a.db.Deliveries(ctx, reader.ID)
			return err == nil && len(ds) > 0 && ds[len(ds)-1].Status == news.DeliverySent && len(pushes(tg.Sent(reader.ID))) == n
		}); err != nil {
			t.Fatalf("waiting for %d pushes: %v (got %d)", n, err, len(pushes(tg.Sent(reader.ID))))
		}
	}
	wait(1)

	// A year later (the clock far ahead), retention has taken every
	// article and every sent row.
	p, err := a.db.Prune(ctx, time.Now().AddDate(1, 0, 0), storage.Retention{
		Deliveries: a.cfg.DeliveryRetention, Articles: a.cfg.ArticleRetention})
	if err != nil || p.Articles != len(listed) {
		t.Fatalf("pruned %+v, %v; want all %d articles", p, err, len(listed))
	}
	poll("the same list after retention", listed...)
	renamed := make([]rssItem, len(listed))
	for i, it := range listed {
		it.guid = fmt.Sprint("urn:uuid:renamed-", i)
		renamed[i] = it
	}
	poll("the same pages under new GUIDs", renamed...)
	if n := pending(); n != 0 {
		t.Fatalf("items listed again after their articles were pruned queued %d pushes, want none", n)
	}
	last := rssItem{guid: "new-2", title: syriaHeadlines[7], text: "<p>" + syriaHeadlines[7] + ".</p>", link: "https://news.example/new/2"}
	poll("another new item", append(renamed, last)...)
	if n := pending(); n != 1 {
		t.Fatalf("the second new item queued %d pushes, want 1", n)
	}
	wait(2)
}

// A mute typed with an invisible character inside (a variation selector
// after a letter, as some keyboards add) keeps the stories that mention
// the word out, as the same mute typed without it does; a keyword typed
// so brings them in.
func TestMuteWithAnInvisibleCharacterKeepsTheStoryOut(t *testing.T) {
	t.Parallel()
	tg := telegramtest.NewTest(t, testToken)
	a, feedSrv, feedID := oneFeedApp(t, tg)
	ctx := t.Context()
	poll := func(items ...rssItem) {
		t.Helper()
		feedSrv.set(rss(items...), "")
		if err := a.poller.PollNow(ctx, feedID); err != nil {
			t.Fatal(err)
		}
	}
	poll(itemOld)
	user := telegramtest.NewUser(3400, "قارئ")
	chat := telegramtest.PrivateChat(user.ID)
	h := &harness{t: t, tg: tg}
	h.say(chat, user, "/subscribe سوريا")
	if m := h.say(chat, user, "/mute م\uFE0Fصر"); !strings.Contains(m.PlainText, "«مصر»") {
		t.Fatalf("/mute answered %q", m.PlainText)
	}
	if m := h.say(chat, user, "/subscribe ح\u034Fمص"); !strings.Contains(m.PlainText, "حمص") {
		t.Fatalf("/subscribe answered %q", m.PlainText)
	}
	muted := rssItem{"egypt-1", "وزير خارجية مصر يزور دمشق", "<p>وصل وزير خارجية مصر إلى دمشق في زيارة لبحث الأوضاع في سوريا.</p>", "https://news.example/egypt"}
	homs := rssItem{"homs-1", "افتتاح سوق جديد في حمص", "<p>افتتحت في مدينة حمص سوق شعبية جديدة.</p>", "https://news.example/homs"}
	poll(itemOld, muted, homs)
	ds, err := a.db.Deliveries(ctx, chat.ID)
	if err != nil || len(ds) != 1 {
		t.Fatalf("queued %d pushes (%v); want the story about Homs alone", len(ds), err)
	}
	if art, _ := a.db.Article(ctx, ds[0].ArticleID); !strings.Contains(art.Title, "حمص") {
		t.Errorf("pushed %q, want the story about Homs", art.Title)
	}
}

// A mute and a keyword saved before the matching form dropped invisible
// characters (stored with U+FE0F inside, so they never matched) are
// brought up to it when Ajel starts: shown and matched as «مصر»; one that
// then repeats another of its chat goes, and others are left as they are.
func TestOldKeywordsWithInvisibleCharactersAreRekeyed(t *testing.T) {
	t.Parallel()
	tg := telegramtest.NewTest(t, testToken)
	dbPath := filepath.Join(t.TempDir(), "ajel.db")
	db := storagetest.OpenAt(t, dbPath)
	const chat = 3700
	storagetest.Chat(t, db, chat, news.ChatPrivate)
	for _, s := range []news.Subscription{
		{ChatID: chat, Kind: news.KindMute, Key: "م\uFE0Fصر", Display: "م\uFE0Fصر"},
		{ChatID: chat, Kind: news.KindKeyword, Key: "دمشق", Display: "دمشق"},
		{ChatID: chat, Kind: news.KindKeyword, Key: "د\u034Fمشق", Display: "د\u034Fمشق"},
		{ChatID: chat, Kind: news.KindKeyword, Key: "قطاع غزه", Display: "قطاع غزة"},
	} {
		if _, err := db.Subscribe(t.Context(), s); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	a := startApp(t, tg, dbPath, nil)
	subs, err := a.db.Subscriptions(t.Context(), news.Target{ChatID: chat})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range subs {
		got = append(got, fmt.Sprintf("%s %s «%s»", s.Kind, s.Key, s.Display))
	}
	want := []string{"mute مصر «مصر»", "keyword دمشق «دمشق»", "keyword قطاع غزه «قطاع غزة»"}
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("after the start: %q, want %q", got, want)
	}
}
