package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ajel-news/ajel/bot/telegramtest"
	"github.com/ajel-news/ajel/config"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/opml"
	"github.com/ajel-news/ajel/storage"
	"github.com/ajel-news/ajel/storage/storagetest"
)

// site serves a news site: a home page linking to its feed, the feed,
// and a page that links to none; it counts the home page's requests.
type site struct {
	srv       *httptest.Server
	homeHits  atomic.Int32
	feedTitle string
}

func newSite(t *testing.T) *site {
	s := &site{feedTitle: "Hespress - Article Feed"}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			s.homeHits.Add(1)
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<!doctype html><html><head><title>الموقع</title>`+
				`<link rel="alternate" type="application/rss+xml" title="الأخبار" href="/feed/"></head><body>أخبار</body></html>`)
		case "/nofeed":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<!doctype html><html><head><title>بلا خلاصة</title></head><body>لا شيء</body></html>`)
		case "/feed/":
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprint(w, strings.Replace(string(rss(itemOld)), "وكالة الاختبار", s.feedTitle, 1))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.srv.Close)
	return s
}

// A FEEDS entry that is a site's address adds the feed its page links to,
// with the entry's options; at the next start the entry is known, and the
// site is not asked again. A page with no feed stops the start, naming
// the entry.
func TestFeedsEntryOfASite(t *testing.T) {
	s := newSite(t)
	tg := telegramtest.NewTest(t, testToken)
	dbPath := filepath.Join(t.TempDir(), "ajel.db")
	env := map[string]string{config.EnvFeeds: s.srv.URL + `/ name="هسبريس" fulltext=never`}
	h := newHarness(t, tg, env)
	h.env[config.EnvDatabasePath] = dbPath
	h.start()
	h.stop()
	db := storagetest.OpenAt(t, dbPath)
	feeds, err := db.Feeds(t.Context())
	if err != nil || len(feeds) != 1 {
		t.Fatalf("feeds = %+v, %v", feeds, err)
	}
	f := feeds[0]
	if f.URL != s.srv.URL+"/feed/" || f.PageURL != s.srv.URL+"/" || f.Name != "هسبريس" || f.FullText != news.FullTextNever {
		t.Errorf("feed = %+v, want the site's feed with the entry's options", f)
	}
	db.Close()
	hits := s.homeHits.Load()
	h.start()
	h.stop()
	if got := s.homeHits.Load(); got != hits {
		t.Errorf("the site's page was asked again at the second start (%d → %d)", hits, got)
	}
	db = storagetest.OpenAt(t, dbPath)
	if feeds, _ := db.Feeds(t.Context()); len(feeds) != 1 {
		t.Errorf("%d feeds after the second start", len(feeds))
	}
	db.Close()

	wantStartRefused(t, testEnv(tg.Endpoint(), filepath.Join(t.TempDir(), "ajel.db"), map[string]string{
		config.EnvFeeds: s.srv.URL + "/nofeed", config.EnvLogLevel: "warn"}),
		[]string{`FEEDS entry "` + s.srv.URL + `/nofeed" is a web page with no feed`, "/rss.xml", "give the feed's own address"})
}

func TestPreviewOfASite(t *testing.T) {
	s := newSite(t)
	code, out, stderr := runCLI(t, nil, "", "preview", s.srv.URL+"/")
	if code != 0 || !strings.Contains(out, "is a web page; its feed: "+s.srv.URL+"/feed/") || !strings.Contains(out, itemOld.title) {
		t.Errorf("preview of a site: %d\n%s\n%s", code, out, stderr)
	}
	code, _, stderr = runCLI(t, nil, "", "preview", s.srv.URL+"/nofeed")
	if code != 1 || !strings.Contains(stderr, "web page with no feed") {
		t.Errorf("preview of a page with no feed: %d %s", code, stderr)
	}
}

// `ajel feeds import` and `ajel feeds export` work while `ajel run` holds
// the database (its instance lock, its WAL), and the running bot polls
// what was imported.
func TestFeedsImportAndExportBesideARunningBot(t *testing.T) {
	feedSrv := newFeedServer(t)
	feedSrv.set(rss(itemOld), "")
	tg := telegramtest.NewTest(t, testToken)
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "ajel.db")
	a := startApp(t, tg, dbPath, nil)
	if _, err := storage.Lock(dbPath); !errors.Is(err, storage.ErrInUse) {
		t.Fatalf("the bot does not hold the instance lock: %v", err)
	}
	file := filepath.Join(dir, "feeds.opml")
	doc := `<?xml version="1.0"?><opml version="2.0"><body>` +
		`<outline text="عربي"><outline type="rss" text="Hespress - Article Feed" xmlUrl="` + feedSrv.srv.URL + `/rss"/></outline>` +
		`<outline type="rss" text="again" xmlUrl="` + feedSrv.srv.URL + `/rss"/>` +
		`<outline text="bookmark" url="https://example.com/"/>` +
		`<outline type="rss" text="ftp" xmlUrl="ftp://files.example/feed"/>` +
		`</body></opml>`
	if err := os.WriteFile(file, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{config.EnvDatabasePath: dbPath, config.EnvAllowPrivateFeeds: "true"}
	code, out, stderr := runCLI(t, env, "", "feeds", "import", file)
	if code != 0 || !strings.Contains(out, "added 1, already known 0, listed twice 1, refused 2") ||
		!strings.Contains(out, "ftp://files.example/feed: ") || !strings.Contains(out, `"bookmark": outline without xmlUrl`) {
		t.Fatalf("import: %d\n%s\n%s", code, out, stderr)
	}
	// The running bot polls the imported feed (its first poll primes it).
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	if err := tg.WaitFor(ctx, func() bool {
		feeds, err := a.db.Feeds(ctx)
		return err == nil && len(feeds) == 1 && feeds[0].Primed
	}); err != nil {
		t.Fatalf("the running bot did not poll the imported feed: %v", err)
	}
	code, out, stderr = runCLI(t, env, "", "feeds", "export")
	if code != 0 || !strings.Contains(out, `xmlUrl="`+feedSrv.srv.URL+`/rss"`) || !strings.Contains(out, `text="Hespress"`) {
		t.Fatalf("export: %d\n%s\n%s", code, out, stderr)
	}
	entries, err := opml.Read(strings.NewReader(out))
	if err != nil || len(entries) != 1 {
		t.Errorf("the export reads back as %+v, %v", entries, err)
	}
	// Again: already known; a file that is not OPML imports nothing.
	if code, out, _ := runCLI(t, env, "", "feeds", "import", file); code != 0 || !strings.Contains(out, "added 0, already known 1") {
		t.Errorf("import again: %d %s", code, out)
	}
	notOPML := filepath.Join(dir, "notes.txt")
	os.WriteFile(notOPML, []byte("https://a.example/rss\n"), 0o600)
	if code, _, stderr := runCLI(t, env, "", "feeds", "import", notOPML); code != 1 || !strings.Contains(stderr, "not an OPML file") ||
		!strings.Contains(stderr, "nothing was imported") {
		t.Errorf("import of a text file: %d %s", code, stderr)
	}
	// --output never overwrites.
	dst := filepath.Join(dir, "out.opml")
	if code, _, stderr := runCLI(t, env, "", "feeds", "export", "--output", dst); code != 0 {
		t.Errorf("export --output: %d %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, env, "", "feeds", "export", "--output", dst); code != 1 || !strings.Contains(stderr, "already exists") {
		t.Errorf("export over a file: %d %s", code, stderr)
	}
	for _, args := range [][]string{{"feeds"}, {"feeds", "import"}, {"feeds", "erase"}, {"feeds", "export", "x"}} {
		if code, _, stderr := runCLI(t, env, "", args...); code != 2 || !strings.Contains(stderr, "import FILE.opml") {
			t.Errorf("%v: %d %s", args, code, stderr)
		}
	}
}

func TestHealthcheckCommand(t *testing.T) {
	var status atomic.Int32
	status.Store(http.StatusOK)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(int(status.Load()))
		fmt.Fprint(w, `{"status":"ok"}`)
	}))
	defer srv.Close()
	env := map[string]string{config.EnvHTTPAddr: strings.TrimPrefix(srv.URL, "http://")}
	if code, out, stderr := runCLI(t, env, "", "healthcheck"); code != 0 || !strings.Contains(out, "healthy") {
		t.Errorf("healthy: %d %s %s", code, out, stderr)
	}
	status.Store(http.StatusServiceUnavailable)
	if code, _, stderr := runCLI(t, env, "", "healthcheck"); code != 1 || !strings.Contains(stderr, "503") {
		t.Errorf("unhealthy: %d %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, map[string]string{config.EnvHTTPAddr: ""}, "", "healthcheck"); code != 1 || !strings.Contains(stderr, "HTTP_ADDR is empty") {
		t.Errorf("no HTTP_ADDR: %d %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, nil, "", "healthcheck", "--url", "http://127.0.0.1:1/healthz"); code != 1 || !strings.Contains(stderr, "did not answer") {
		t.Errorf("nothing listening: %d %s", code, stderr)
	}
}

// Through the whole app: /addfeed of a site's address finds its feed,
// one of a page with none adds nothing, /export sends the OPML file.
func TestAddFeedOfASiteThroughTheApp(t *testing.T) {
	s := newSite(t)
	tg := telegramtest.NewTest(t, testToken)
	h := newHarness(t, tg, map[string]string{config.EnvAdminIDs: "42"})
	h.start()
	admin, chat := telegramtest.NewUser(42, "مشرف"), telegramtest.PrivateChat(42)
	m := h.say(chat, admin, "/addfeed "+s.srv.URL+" name=هسبريس")
	if p := stripIsolates(m.PlainText); !strings.Contains(p, "صفحة موقع") || !strings.Contains(p, s.srv.URL+"/feed/") || !strings.Contains(p, "«هسبريس»") {
		t.Errorf("/addfeed of a site: %s", m.PlainText)
	}
	m = h.say(chat, admin, "/addfeed "+s.srv.URL+"/nofeed")
	if !strings.Contains(m.PlainText, "لم أجد خلاصة أخبار") {
		t.Errorf("/addfeed of a page with no feed: %s", m.PlainText)
	}
	m = h.say(chat, admin, "/export")
	if m.Document == nil || !strings.Contains(string(m.Document.Data), s.srv.URL+"/feed/") || !strings.Contains(string(m.Document.Data), `ajel:name="هسبريس"`) {
		t.Errorf("/export sent %+v", m)
	}
}

func stripIsolates(s string) string {
	return strings.NewReplacer("\u2068", "", "\u2069", "").Replace(s)
}
