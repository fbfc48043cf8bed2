package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ajel-news/ajel/bot/telegramtest"
	"github.com/ajel-news/ajel/config"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/storage/storagetest"
)

// A TELEGRAM_API_ENDPOINT that is not the Bot API — it answers every call
// with 500 and a body of its own — is retried, and the log and /healthz
// say what it answered instead of an empty reason.
func TestEndpointThatIsNotTheBotAPIIsNamed(t *testing.T) {
	t.Parallel()
	wrong := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte(`{"message":"Route not found"}`))
	}))
	defer wrong.Close()
	logs := &syncBuffer{}
	a := launchApp(t, testEnv(wrong.URL+"/bot%s/%s", filepath.Join(t.TempDir(), "ajel.db"),
		map[string]string{config.EnvHTTPAddr: "127.0.0.1:0"}), appOptions{pollTimeout: time.Second}, logs)

	const reason = `not a Bot API answer: HTTP 500 Internal Server Error from `
	body := waitHealth(t, a, reason)
	for _, want := range []string{`"status":"degraded"`, `Route not found`, "TELEGRAM_API_ENDPOINT"} {
		if !strings.Contains(body, want) {
			t.Errorf("/healthz lacks %q: %s", want, body)
		}
	}
	if l := logs.String(); !strings.Contains(l, reason) || strings.Contains(l, `err=""`) {
		t.Errorf("the log does not say what the endpoint answered:\n%s", l)
	}
	if strings.Contains(body+logs.String(), testToken) {
		t.Error("the token leaked")
	}
}

// A push queued by a clock that was ahead (the clock was then set back)
// does not wait, in silence, for the clock to catch up: it goes out at
// once and /healthz says what happened.
func TestPushDatedInTheFutureGoesOut(t *testing.T) {
	t.Parallel()
	tg := telegramtest.NewTest(t, testToken)
	dbPath := filepath.Join(t.TempDir(), "ajel.db")
	db := storagetest.OpenAt(t, dbPath)
	reader := telegramtest.PrivateChat(3500)
	storagetest.Chat(t, db, reader.ID, news.ChatPrivate, "syria")
	ahead := time.Now().Add(2 * time.Hour)
	if _, n, err := db.SaveArticle(t.Context(), news.Article{Key: "ahead", Source: "وكالة", Title: "خبر سُجّل بساعة متقدمة",
		Summary: "ملخص الخبر.", Topics: []string{"syria"}, SeenAt: ahead}, true); err != nil || n != 1 {
		t.Fatalf("queued %d, %v", n, err)
	}
	db.Close()

	a := startApp(t, tg, dbPath, map[string]string{config.EnvHTTPAddr: "127.0.0.1:0"})
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	if err := tg.WaitFor(ctx, func() bool { return len(pushes(tg.Sent(reader.ID))) == 1 }); err != nil {
		t.Fatalf("the push dated two hours ahead did not go out: %v", err)
	}
	body := waitHealth(t, a, "the clock went back")
	if !strings.Contains(body, `"status":"degraded"`) || !regexp.MustCompile(`1 pending pushes were dated up to (2h0m0s|1h59m\d+s) in the future`).MatchString(body) {
		t.Errorf("/healthz: %s", body)
	}
}

// An update the bot cannot use (a kind it does not handle) is skipped
// and counted in /metrics; the next reader is answered.
func TestSkippedUpdatesAreCounted(t *testing.T) {
	t.Parallel()
	tg := telegramtest.NewTest(t, testToken)
	a := startApp(t, tg, filepath.Join(t.TempDir(), "ajel.db"), map[string]string{config.EnvHTTPAddr: "127.0.0.1:0"})
	user := telegramtest.NewUser(3600, "قارئ")
	if _, err := tg.EnqueueRaw("poll_answer", map[string]any{"poll_id": "1", "user": user, "option_ids": []int{0}}); err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, tg: tg}
	if m := h.say(telegramtest.PrivateChat(user.ID), user, "/help"); !strings.Contains(m.PlainText, "/subscribe") {
		t.Fatalf("/help after the skipped update: %q", m.PlainText)
	}
	if m := httpGet(t, "http://"+a.listener.Addr().String()+"/metrics"); !strings.Contains(m, "ajel_updates_skipped_total 1\n") ||
		!strings.Contains(m, "ajel_updates_parked_total 0\n") {
		t.Errorf("/metrics does not count the skipped update")
	}
}
