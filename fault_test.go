//go:build linux

package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ajel-news/ajel/bot/telegramtest"
	"github.com/ajel-news/ajel/config"
	"github.com/ajel-news/ajel/storage/storagetest"
)

// faultCase is one fault the running binary must live through: begin starts
// it (the feed then publishes a story to faultChats subscribers), end stops
// it. While it lasts the logs must show logWant and /healthz healthWant;
// once it ends every subscriber gets the story exactly once.
type faultCase struct {
	name string
	// stretch is the least time the fault lasts.
	stretch time.Duration
	// logWant is in the logs while the fault lasts.
	logWant string
	// healthWant matches /healthz's body while the fault lasts.
	healthWant string
	// dbDir, when set, is where the database lives (the full-disk case
	// mounts a small tmpfs there); "" is a temporary directory.
	dbDir func(t *testing.T) string
	// text is the published story's body ("" is itemSyria's).
	text  string
	begin func(t *testing.T, f *faultEnv) (end func())
}

// faultEnv is what a fault can act on.
type faultEnv struct {
	tg     *telegramtest.Server
	dbPath string
	// dropping makes the Bot API endpoint close every connection at once.
	dropping atomic.Bool
}

const faultChats, faultFirstChat = 20, 300_000

// TestFaults breaks Telegram, the network and the disk under the running
// binary and checks that it keeps running, says so in its logs and in
// /healthz, and delivers everything once the fault ends. It prints the
// time from the end of each fault to the last subscriber's push.
func TestFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary; skipped with -short")
	}
	t.Parallel()
	cases := []faultCase{
		{
			name: "429 with retry_after", stretch: 4 * time.Second,
			logWant: "telegram asked to slow down", healthWant: `"rate limited \(429\)`,
			begin: func(_ *testing.T, f *faultEnv) func() {
				return f.tg.AddRule(telegramtest.Rule{Method: "sendMessage", Err: telegramtest.TooManyRequests(1)})
			},
		},
		{
			name: "500s", stretch: 3 * time.Second,
			logWant: "send failed; will retry", healthWant: `"component":"telegram"`,
			begin: func(_ *testing.T, f *faultEnv) func() {
				return f.tg.AddRule(telegramtest.Rule{Method: "sendMessage", Err: telegramtest.ServerError()})
			},
		},
		{
			name: "slow answers", stretch: 4 * time.Second,
			logWant: "delivery: sent", healthWant: `"pending":[1-9]`,
			begin: func(_ *testing.T, f *faultEnv) func() {
				return f.tg.AddRule(telegramtest.Rule{Method: "sendMessage", Delay: 1500 * time.Millisecond})
			},
		},
		{
			name: "dropped connections", stretch: 3 * time.Second,
			logWant: "send failed; will retry", healthWant: `"component":"telegram"`,
			begin: func(_ *testing.T, f *faultEnv) func() {
				f.dropping.Store(true)
				return func() { f.dropping.Store(false) }
			},
		},
		{
			name: "database locked by another process", stretch: 2 * time.Second,
			logWant: "database is locked", healthWant: `"component":"database"`,
			begin: func(t *testing.T, f *faultEnv) func() { return lockDatabase(t, f.dbPath) },
		},
		{
			name: "full disk", stretch: 2 * time.Second, dbDir: smallTmpfs,
			// A story big enough that it cannot fit in the pages SQLite
			// already has.
			text:    strings.Repeat("<p>واصلت فرق الإنقاذ في دمشق البحث عن ناجين تحت الأنقاض، وقال مسؤولون إن العمل سيستمر طوال الليل.</p>", 3000),
			logWant: "database or disk is full", healthWant: `"component":"database"`,
			begin: func(t *testing.T, f *faultEnv) func() { return fillDisk(t, filepath.Dir(f.dbPath)) },
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			runFault(t, tc)
		})
	}
}

func runFault(t *testing.T, tc faultCase) {
	tg := telegramtest.NewTest(t, testToken)
	dir := t.TempDir()
	if tc.dbDir != nil {
		dir = tc.dbDir(t)
	}
	f := &faultEnv{tg: tg, dbPath: filepath.Join(dir, "ajel.db")}
	// The bot reaches the fake Telegram through this endpoint, which drops
	// connections while f.dropping is set.
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if f.dropping.Load() {
			if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
				conn.Close()
				return
			}
		}
		tg.ServeHTTP(w, r)
	}))
	t.Cleanup(api.Close)
	feedSrv := newFeedServer(t)
	feedSrv.set(rss(itemOld), "")
	storagetest.Seed(t, f.dbPath, faultFirstChat, faultChats, "syria")
	child := newChild(t, childEnv(api.URL+"/bot%s/%s", f.dbPath, map[string]string{
		config.EnvFeeds:    feedSrv.srv.URL + "/rss",
		config.EnvHTTPAddr: "127.0.0.1:0",
	}))
	item := itemSyria
	if tc.text != "" {
		item.text = tc.text
	}
	pushes := watchPushes(tg, item.title)
	child.start()
	addr := child.httpAddr()
	child.primed()

	began := time.Now()
	end := tc.begin(t, f)
	feedSrv.set(rss(itemOld, item), "")
	var health string
	child.waitUntil("the fault in the logs and /healthz", 40*time.Second, func() bool {
		if !child.alive() {
			t.Fatalf("ajel exited during the fault; logs:\n%s", child.tail())
		}
		if !strings.Contains(child.runLogs(), tc.logWant) {
			return false
		}
		_, body, err := healthz(t.Context(), addr)
		if err == nil && regexp.MustCompile(tc.healthWant).MatchString(body) {
			health = body
			return true
		}
		return false
	})
	if d := tc.stretch - time.Since(began); d > 0 {
		time.Sleep(d)
	}
	ended := time.Now()
	end()
	child.waitUntil("every subscriber to get the story after the fault", 60*time.Second, func() bool {
		reached, _ := pushes.result(faultFirstChat, faultChats)
		return reached == faultChats
	})
	recovered := time.Since(ended)
	child.waitUntil("/healthz to say ok again", 20*time.Second, func() bool {
		code, body, err := healthz(t.Context(), addr)
		return err == nil && code == http.StatusOK && strings.Contains(body, `"status":"ok"`)
	})
	awaitIdle(t, child.store()) // nothing pending: nothing more may come
	if !child.alive() {
		t.Fatalf("ajel exited; logs:\n%s", child.tail())
	}
	child.stop()

	reached, repeats := pushes.result(faultFirstChat, faultChats)
	fmt.Printf("fault %q: lasted %s, recovered %s after it ended (%d/%d chats, %d repeats)\n",
		tc.name, ended.Sub(began).Round(100*time.Millisecond), recovered.Round(100*time.Millisecond), reached, faultChats, repeats)
	t.Logf("/healthz during the fault: %s", health)
	if repeats != 0 {
		t.Errorf("%d repeats: a fault must not repeat a push", repeats)
	}
	if strings.Contains(child.logs.String(), testToken) {
		t.Error("the bot token is in the logs")
	}
}

// lockDatabase holds SQLite's write lock on the database from this process
// (not the bot's) until the returned func is called. The lock outlasts the
// bot's busy timeout (10 s) so its writes fail rather than only wait.
func lockDatabase(t *testing.T, dbPath string) (unlock func()) {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+dbPath+"?_busy_timeout=10000")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), "BEGIN EXCLUSIVE"); err != nil {
		t.Fatal(err)
	}
	done := false
	unlock = func() {
		if done {
			return
		}
		done = true
		conn.ExecContext(context.Background(), "ROLLBACK")
		conn.Close()
		db.Close()
	}
	t.Cleanup(unlock)
	return unlock
}

// smallTmpfs mounts an 8 MiB tmpfs for the database, or skips the test
// when this machine does not allow it (mounting needs root).
func smallTmpfs(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("full-disk test needs to mount a small tmpfs (root): mount: %v %s", err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v %s", dir, err, out)
		}
	})
	return dir
}

// fillDisk fills the file system of dir with one file until it is full;
// the returned func deletes it.
func fillDisk(t *testing.T, dir string) (free func()) {
	t.Helper()
	path := filepath.Join(dir, "filler")
	fh, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	for size := 64 << 10; size >= 512; {
		if _, err := fh.Write(make([]byte, size)); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("filling the disk: %v", err)
			}
			size /= 8 // then fill the last few blocks
		}
	}
	fh.Close()
	free = func() { os.Remove(path) }
	t.Cleanup(free)
	return free
}
