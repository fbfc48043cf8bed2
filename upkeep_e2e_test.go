package main

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ajel-news/ajel/bot/telegramtest"
	"github.com/ajel-news/ajel/config"
)

// A second ajel on the same database stops at once, with one line naming
// the file and the first one's pid; the first goes on answering.
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
