//go:build linux

package main

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ajel-news/ajel/bot/telegramtest"
	"github.com/ajel-news/ajel/config"
	"github.com/ajel-news/ajel/storage/storagetest"
)

// TestTokenNeverLeaks runs the binary through everything that goes wrong —
// Telegram answering 500s and dropping connections, a feed that fails and
// one that is not a feed, an admin adding a bad feed, then runs that cannot
// start (Telegram unreachable, the token refused) — captures every line
// the processes wrote and every message the bot sent, and looks for the
// token, plain or URL-escaped.
func TestTokenNeverLeaks(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary; skipped with -short")
	}
	t.Parallel()
	tg := telegramtest.NewTest(t, testToken)
	var dropping atomic.Bool
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if dropping.Load() && strings.HasSuffix(r.URL.Path, "/sendMessage") {
			if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
				conn.Close()
				return
			}
		}
		tg.ServeHTTP(w, r)
	}))
	defer api.Close()
	// "/html" is a feed when the entry is looked at, at start (a page
	// with no feed would stop the start), and a web page at every poll
	// after: a site that replaced its feed with a page.
	var htmlAsked atomic.Int32
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/html") {
			if htmlAsked.Add(1) == 1 {
				w.Write(rss())
				return
			}
			w.Write([]byte("<html>not a feed " + r.URL.String() + "</html>"))
			return
		}
		http.Error(w, "boom", http.StatusInternalServerError)
	}))
	defer broken.Close()
	feedSrv := newFeedServer(t)
	feedSrv.set(rss(itemOld), "")
	dbPath := filepath.Join(t.TempDir(), "ajel.db")
	storagetest.Seed(t, dbPath, 400_000, 3, "syria")
	child := newChild(t, childEnv(api.URL+"/bot%s/%s", dbPath, map[string]string{
		config.EnvFeeds:        feedSrv.srv.URL + "/rss," + broken.URL + "/rss," + broken.URL + "/html",
		config.EnvAdminIDs:     "42",
		config.EnvHTTPAddr:     "127.0.0.1:0",
		config.EnvLogLevel:     "debug",
		config.EnvSendRate:     "30",
		config.EnvPollInterval: "1s", config.EnvPollIntervalMax: "1s",
	}))
	tg.AddRule(telegramtest.Rule{Method: "getUpdates", Times: 2, Err: telegramtest.ServerError()})
	child.start()
	child.primed()
	removeFail := tg.AddRule(telegramtest.Rule{Method: "sendMessage", ChatID: 400_000, Err: telegramtest.ServerError()})
	feedSrv.set(rss(itemOld, itemSyria), "")
	child.waitUntil("a failed send", 20*time.Second, func() bool {
		return strings.Contains(child.runLogs(), "send failed; will retry")
	})
	removeFail()
	dropping.Store(true)
	child.waitUntil("a dropped connection", 20*time.Second, func() bool {
		return strings.Contains(child.runLogs(), "EOF")
	})
	dropping.Store(false)
	admin, adminChat := telegramtest.NewUser(42, "مشرف"), telegramtest.PrivateChat(42)
	for _, cmd := range []string{"/addfeed " + broken.URL + "/rss", "/addfeed http://127.0.0.1:1/none", "/feeds", "/stats"} {
		before := tg.SentCount(adminChat.ID)
		tg.SendText(adminChat, admin, cmd)
		child.waitUntil("a reply to "+cmd, 20*time.Second, func() bool { return tg.SentCount(adminChat.ID) > before })
	}
	child.waitUntil("the broken feeds to fail", 20*time.Second, func() bool {
		l := child.runLogs()
		return strings.Contains(l, "poll failed") && strings.Contains(l, "getUpdates failed")
	})
	child.stop()

	// A run with Telegram unreachable keeps trying (its errors name the
	// endpoint, never the token), and stops cleanly when asked.
	child.env[config.EnvTelegramEndpoint] = "http://127.0.0.1:1/bot%s/%s"
	child.start()
	child.waitUntil("a retry to reach Telegram", 20*time.Second, func() bool {
		return strings.Contains(child.runLogs(), "Telegram cannot be reached")
	})
	if !child.alive() {
		t.Error("a run with Telegram unreachable exited instead of trying again")
	}
	child.stop()
	// A run that cannot start: the error is the last thing it prints.
	other := telegramtest.NewTest(t, "999:another-token")
	child.env[config.EnvTelegramEndpoint] = other.Endpoint()
	child.start()
	if code := child.wait(30 * time.Second); code == 0 {
		t.Error("a run whose token Telegram refuses exited 0")
	}

	logs := child.logs.String()
	for _, leak := range []string{testToken, url.PathEscape(testToken), url.QueryEscape(testToken), strings.SplitN(testToken, ":", 2)[1]} {
		if i := strings.Index(logs, leak); i >= 0 {
			t.Errorf("the token (%q) is in the logs: …%s…", leak, logs[max(0, i-200):min(len(logs), i+100)])
		}
		for _, c := range tg.CallsTo("sendMessage") {
			if strings.Contains(c.Params["text"], leak) {
				t.Errorf("the token is in a message to chat %d: %q", c.ChatID, c.Params["text"])
			}
		}
	}
	if !strings.Contains(logs, "<token>") && !strings.Contains(logs, "<redacted>") {
		t.Errorf("no error in the logs mentions the (redacted) endpoint; did the failures happen?\n%s", child.tail())
	}
	t.Logf("checked %d bytes of logs from %d runs and %d messages", len(logs), 3, tg.CallCount("sendMessage"))
}
