package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ajel-news/ajel/config"
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
	cfg, err := config.Load(envLookup(testEnv(wrong.URL+"/bot%s/%s", filepath.Join(t.TempDir(), "ajel.db"),
		map[string]string{config.EnvHTTPAddr: "127.0.0.1:0"})))
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := newApp(ctx, cfg, newLogger(logs, cfg.LogLevel, testToken), appOptions{pollTimeout: time.Second})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.run(ctx) }()
	t.Cleanup(func() { cancel(); <-done; a.Close() })

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
