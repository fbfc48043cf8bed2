package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ajel-news/ajel/bot/telegramtest"
	"github.com/ajel-news/ajel/config"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/storage"
	"github.com/ajel-news/ajel/storage/storagetest"
)

// A FEEDS entry whose country= is no place of the catalogue stops the
// start with one line naming the entry and the value, and no feed of
// FEEDS is added.
func TestFeedCountryCheckedAtStart(t *testing.T) {
	tg := telegramtest.NewTest(t, testToken)
	for _, tc := range []struct {
		name, feeds string
		want        []string
	}{
		{"unknown slug", "https://a.example/rss country=morocco, https://b.example/rss country=atlantis",
			[]string{`FEEDS entry "https://b.example/rss"`, `country="atlantis" is not a place of the topic catalogue`, "country=none"}},
		{"a section is no country", "https://a.example/rss country=sports",
			[]string{`FEEDS entry "https://a.example/rss"`, `country="sports"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dbPath := filepath.Join(t.TempDir(), "ajel.db")
			wantStartRefused(t, testEnv(tg.Endpoint(), dbPath, map[string]string{config.EnvFeeds: tc.feeds, config.EnvLogLevel: "warn"}), tc.want)
			db, err := storage.Open(t.Context(), dbPath)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if feeds, err := db.Feeds(t.Context()); err != nil || len(feeds) != 0 {
				t.Errorf("feeds added before the refusal: %+v, %v", feeds, err)
			}
		})
	}
}

// wantStartRefused runs `ajel run` with env and checks that it stops at
// start with exit status 1 and one line that says each of want.
func wantStartRefused(t *testing.T, env map[string]string, want []string) {
	t.Helper()
	code, _, stderr := runCLI(t, env, "", "run")
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr: %s", code, stderr)
	}
	for _, w := range want {
		if !strings.Contains(stderr, w) {
			t.Errorf("stderr lacks %q: %s", w, stderr)
		}
	}
	if n := strings.Count(strings.TrimSpace(stderr), "\n"); n > 0 {
		t.Errorf("the error takes %d lines, want one: %s", n+1, stderr)
	}
}

// localStories are items of ours, as a Moroccan outlet would publish
// them: one names no place, one names القنيطرة, which is also a Syrian
// town.
var localStories = []struct{ title, text string }{
	{"المجلس البلدي يقرر مجانية مواقف السيارات في وسط المدينة", "قرر المجلس البلدي في جلسته الشهرية إلغاء رسوم مواقف السيارات في شوارع وسط المدينة ابتداء من الشهر المقبل."},
	{"افتتاح سوق أسبوعي جديد في القنيطرة", "افتتحت السلطات المحلية في القنيطرة سوقا أسبوعيا جديدا يضم مئتي محل للتجار الصغار."},
}

// A feed marked country=المغرب (by its Arabic name): its items reach the
// readers of Morocco when they name no place, and القنيطرة is Morocco's,
// not Syria's.
func TestFeedCountryReachesThePlaces(t *testing.T) {
	t.Parallel()
	tg := telegramtest.NewTest(t, testToken)
	var mu sync.Mutex
	listed := 0
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n := listed
		mu.Unlock()
		var b strings.Builder
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>جريدة المدينة</title>`)
		for i := range n {
			s := localStories[i]
			fmt.Fprintf(&b, "<item><guid>m%d</guid><title>%s</title><link>%s/a/%d</link><description>%s</description><pubDate>%s</pubDate></item>",
				i, s.title, srv.URL, i, s.text, time.Now().UTC().Format(time.RFC1123Z))
		}
		b.WriteString("</channel></rss>")
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		fmt.Fprint(w, b.String())
	}))
	t.Cleanup(srv.Close)

	a := startApp(t, tg, filepath.Join(t.TempDir(), "ajel.db"), map[string]string{
		config.EnvPollInterval: "1h", config.EnvFeeds: srv.URL + "/rss country=المغرب fulltext=never"})
	ctx := t.Context()
	morocco, syria := telegramtest.PrivateChat(4200), telegramtest.PrivateChat(4201)
	storagetest.Chat(t, a.db, morocco.ID, news.ChatPrivate, "morocco")
	storagetest.Chat(t, a.db, syria.ID, news.ChatPrivate, "syria")
	if err := a.addFeeds(ctx, a.cfg.Feeds, a.cfg.FeedOptions); err != nil {
		t.Fatal(err)
	}
	feeds, _ := a.db.Feeds(ctx)
	if len(feeds) != 1 || feeds[0].Country != "morocco" {
		t.Fatalf("feeds %+v: the Arabic name must be stored as its slug", feeds)
	}
	if err := a.poller.PollNow(ctx, feeds[0].ID); err != nil { // priming
		t.Fatal(err)
	}
	mu.Lock()
	listed = len(localStories)
	mu.Unlock()
	if err := a.poller.PollNow(ctx, feeds[0].ID); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := tg.WaitFor(wctx, func() bool { return len(pushes(tg.Sent(morocco.ID))) == len(localStories) }); err != nil {
		t.Fatalf("pushes to Morocco's reader: %d of %d", len(pushes(tg.Sent(morocco.ID))), len(localStories))
	}
	if got := pushes(tg.Sent(syria.ID)); len(got) != 0 {
		t.Errorf("Syria's reader got %d pushes; القنيطرة in a Moroccan feed is not Syria's: %s", len(got), got[0].PlainText)
	}
	for _, s := range localStories {
		if !slices.ContainsFunc(pushes(tg.Sent(morocco.ID)), func(m telegramtest.Message) bool { return strings.Contains(m.PlainText, s.title) }) {
			t.Errorf("Morocco's reader did not get %q", s.title)
		}
	}
}
