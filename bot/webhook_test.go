package bot_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ajel-news/ajel/arabic"
	"github.com/ajel-news/ajel/bot"
	"github.com/ajel-news/ajel/bot/telegramtest"
	"github.com/ajel-news/ajel/storage"
	"github.com/ajel-news/ajel/storage/storagetest"
	"github.com/ajel-news/ajel/telegram"
)

// lockedBuffer collects log output written from several goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// hookEnv is a Bot that is not polling, for webhook tests: a fake Telegram,
// a database file that outlives restarts, and captured logs.
type hookEnv struct {
	t    *testing.T
	srv  *telegramtest.Server
	path string
	logs *lockedBuffer
}

func newHookEnv(t *testing.T) *hookEnv {
	return &hookEnv{t: t, srv: telegramtest.NewTest(t, testToken),
		path: filepath.Join(t.TempDir(), "ajel.db"), logs: &lockedBuffer{}}
}

// newBot opens the database and connects a new Bot, as a process start does.
func (e *hookEnv) newBot() (*bot.Bot, *storage.DB) {
	e.t.Helper()
	return e.newBotWith(nil)
}

// newBotWith is newBot with the options changed by mod.
func (e *hookEnv) newBotWith(mod func(*bot.Options)) (*bot.Bot, *storage.DB) {
	e.t.Helper()
	db := storagetest.OpenAt(e.t, e.path)
	o := bot.Options{
		Token:       testToken,
		Endpoint:    e.srv.Endpoint(),
		Store:       db,
		Topics:      newCatalogue(),
		KeywordKey:  arabic.Normalize,
		SearchTerms: searchTerms,
		Now:         func() time.Time { return fixedNow },
		PollTimeout: time.Second,
		ChatBurst:   1000,
		Logger:      slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if mod != nil {
		mod(&o)
	}
	b, err := bot.New(o)
	if err != nil {
		e.t.Fatalf("bot.New: %v", err)
	}
	return b, db
}

// handling runs b's webhook mode (RunWebhook) until the test ends, so the
// updates its handler keeps are handled.
func (e *hookEnv) handling(b *bot.Bot, db *storage.DB) *hooked {
	e.t.Helper()
	ctx, cancel := context.WithCancel(e.t.Context())
	done := make(chan error, 1)
	go func() { done <- b.RunWebhook(ctx, "https://bot.example.com/telegram", "") }()
	e.t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			e.t.Errorf("RunWebhook: %v", err)
		}
	})
	return &hooked{e: e, db: db}
}

// hooked is a bot in webhook mode.
type hooked struct {
	e  *hookEnv
	db *storage.DB
}

// post sends one webhook request and waits until the updates kept so far
// are handled.
func (k *hooked) post(h http.Handler, method, secret, body string) int {
	k.e.t.Helper()
	code := post(k.e.t.Context(), h, method, secret, body)
	k.settle()
	return code
}

func (k *hooked) settle() {
	k.e.t.Helper()
	ctx, cancel := context.WithTimeout(k.e.t.Context(), 10*time.Second)
	defer cancel()
	if err := k.e.srv.WaitFor(ctx, func() bool { return inboxEmpty(ctx, k.db) }); err != nil {
		k.e.t.Fatalf("kept updates were not handled: %v", err)
	}
}

// noSecretsLogged fails when a secret reached the logs.
func (e *hookEnv) noSecretsLogged(secrets ...string) {
	e.t.Helper()
	logs := e.logs.String()
	for _, s := range append(secrets, testToken) {
		if strings.Contains(logs, s) {
			e.t.Errorf("logs contain the secret %q:\n%s", s, logs)
		}
	}
}

// textUpdate is the JSON Telegram posts for a private text message.
func textUpdate(id int, chatID int64, text string) string {
	ent := ""
	if strings.HasPrefix(text, "/") {
		n := len(text)
		if i := strings.IndexByte(text, ' '); i > 0 {
			n = i
		}
		ent = fmt.Sprintf(`,"entities":[{"type":"bot_command","offset":0,"length":%d}]`, n)
	}
	return fmt.Sprintf(`{"update_id":%d,"message":{"message_id":%d,"from":{"id":%d,"is_bot":false,"first_name":"Sara","language_code":"ar"},`+
		`"chat":{"id":%d,"type":"private","first_name":"Sara"},"date":%d,"text":%q%s}}`,
		id, id, chatID, chatID, fixedNow.Unix(), text, ent)
}

// post sends one webhook request; secret "" sends no header.
func post(ctx context.Context, h http.Handler, method, secret, body string) int {
	r := httptest.NewRequestWithContext(ctx, method, "/telegram", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	if secret != "" {
		r.Header.Set(telegram.SecretTokenHeader, secret)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Code
}

func TestWebhookSecret(t *testing.T) {
	valid := regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)
	derived := telegram.WebhookSecret(testToken, "")
	if !valid.MatchString(derived) {
		t.Errorf("derived secret %q breaks Telegram's rule", derived)
	}
	if again := telegram.WebhookSecret(testToken, ""); again != derived {
		t.Errorf("derived secret not stable: %q then %q", derived, again)
	}
	if other := telegram.WebhookSecret("999:OTHER", ""); other == derived {
		t.Error("two tokens derive the same secret")
	}
	if strings.Contains(derived, "TEST") || strings.Contains(derived, "123456") {
		t.Errorf("derived secret %q shows the token", derived)
	}
	if got := telegram.WebhookSecret(testToken, "my_Secret-1"); got != "my_Secret-1" {
		t.Errorf("configured secret replaced by %q", got)
	}
}

func TestSetWebhook(t *testing.T) {
	for _, tc := range []struct{ name, secret, want string }{
		{"derived", "", telegram.WebhookSecret(testToken, "")},
		{"configured", "abc_DEF-123", "abc_DEF-123"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newHookEnv(t)
			b, _ := e.newBot()
			if err := b.SetWebhook(t.Context(), "https://bot.example.com/telegram", tc.secret); err != nil {
				t.Fatal(err)
			}
			wh := e.srv.Webhook()
			if wh.URL != "https://bot.example.com/telegram" || wh.SecretToken != tc.want || wh.MaxConnections != 1 {
				t.Errorf("webhook = %+v, want the URL, secret %q, max_connections 1", wh, tc.want)
			}
			// Only what the bot acts on: Telegram need not send the rest.
			if !slices.Equal(wh.AllowedUpdates, []string{"message", "callback_query", "inline_query"}) {
				t.Errorf("allowed_updates %v, want message, callback_query and inline_query", wh.AllowedUpdates)
			}
			calls := e.srv.CallsTo("setWebhook")
			if len(calls) != 1 || calls[0].Params["drop_pending_updates"] != "false" {
				t.Errorf("setWebhook calls %+v: want one keeping pending updates", calls)
			}
			// Run deletes it through the transport when it polls again.
			tg, err := telegram.New(telegram.Options{Token: testToken, Endpoint: e.srv.Endpoint()})
			if err != nil {
				t.Fatal(err)
			}
			if err := tg.DeleteWebhook(t.Context()); err != nil {
				t.Fatal(err)
			}
			if wh := e.srv.Webhook(); wh.URL != "" {
				t.Errorf("webhook still set after DeleteWebhook: %+v", wh)
			}
			e.noSecretsLogged(tc.want)
		})
	}
}

func TestWebhookHandlerRequests(t *testing.T) {
	e := newHookEnv(t)
	b, db := e.newBot()
	k := e.handling(b, db)
	const secret = "s3cret_VALUE-x"
	h := b.WebhookHandler(secret)
	const chat = 4242
	for _, tc := range []struct {
		name, method, secret, body string
		want                       int
		replies                    int // new bot messages in chat
	}{
		{"no header", http.MethodPost, "", textUpdate(1, chat, "/start"), http.StatusUnauthorized, 0},
		{"wrong secret", http.MethodPost, "s3cret_VALUE-y", textUpdate(2, chat, "/start"), http.StatusForbidden, 0},
		{"secret prefix", http.MethodPost, "s3cret", textUpdate(3, chat, "/start"), http.StatusForbidden, 0},
		{"derived instead of configured", http.MethodPost, telegram.WebhookSecret(testToken, ""), textUpdate(4, chat, "/start"), http.StatusForbidden, 0},
		{"GET", http.MethodGet, secret, "", http.StatusMethodNotAllowed, 0},
		{"PUT", http.MethodPut, secret, textUpdate(5, chat, "/start"), http.StatusMethodNotAllowed, 0},
		{"garbage JSON", http.MethodPost, secret, `{"update_id":6,"message":`, http.StatusBadRequest, 0},
		{"not JSON", http.MethodPost, secret, "hello", http.StatusBadRequest, 0},
		{"no update_id", http.MethodPost, secret, `{}`, http.StatusBadRequest, 0},
		{"two updates", http.MethodPost, secret, textUpdate(7, chat, "/start") + textUpdate(8, chat, "/help"), http.StatusBadRequest, 0},
		{"oversized", http.MethodPost, secret, `{"update_id":9,"message":{"text":"` + strings.Repeat("ع", 1<<20) + `"}}`, http.StatusRequestEntityTooLarge, 0},
		{"start", http.MethodPost, secret, textUpdate(10, chat, "/start"), http.StatusOK, 1},
		{"help", http.MethodPost, secret, textUpdate(11, chat, "/help"), http.StatusOK, 1},
		{"help repeated", http.MethodPost, secret, textUpdate(11, chat, "/help"), http.StatusOK, 0},
		{"older update", http.MethodPost, secret, textUpdate(10, chat, "/start"), http.StatusOK, 0},
		{"non-text update", http.MethodPost, secret, `{"update_id":12,"my_chat_member":{}}`, http.StatusOK, 0},
	} {
		before := e.srv.SentCount(chat)
		if got := k.post(h, tc.method, tc.secret, tc.body); got != tc.want {
			t.Errorf("%s: status %d, want %d", tc.name, got, tc.want)
		}
		if got := e.srv.SentCount(chat) - before; got != tc.replies {
			t.Errorf("%s: %d replies, want %d", tc.name, got, tc.replies)
		}
	}
	if m, ok := e.srv.LastSent(chat); !ok || m.ParseMode != "HTML" {
		t.Errorf("last reply %+v, want an HTML message", m)
	}
	if off, err := db.UpdateOffset(t.Context()); err != nil || off != 13 {
		t.Errorf("saved offset %d (%v), want 13", off, err)
	}
	logs := e.logs.String()
	for _, want := range []string{"without the secret token", "wrong secret token", "not a JSON update", "status=413"} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %q:\n%s", want, logs)
		}
	}
	e.noSecretsLogged(secret, "s3cret_VALUE-y", telegram.WebhookSecret(testToken, ""))
}

func TestWebhookRepeatsAcrossRestart(t *testing.T) {
	e := newHookEnv(t)
	b, db := e.newBot()
	k := e.handling(b, db)
	secret := telegram.WebhookSecret(testToken, "")
	const chat = 99
	send := func(h http.Handler, id int, text string) int {
		t.Helper()
		before := e.srv.SentCount(chat)
		if code := k.post(h, http.MethodPost, secret, textUpdate(id, chat, text)); code != http.StatusOK {
			t.Fatalf("update %d: status %d", id, code)
		}
		return e.srv.SentCount(chat) - before
	}
	h := b.WebhookHandler("")
	if n := send(h, 5000, "/start"); n != 1 {
		t.Fatalf("first delivery: %d replies, want 1", n)
	}
	if n := send(h, 5000, "/start"); n != 0 {
		t.Errorf("repeated delivery: %d replies, want 0", n)
	}

	// A restart: a new Bot on the same database knows what was handled.
	b2, db2 := e.newBot()
	k = e.handling(b2, db2)
	h2 := b2.WebhookHandler("")
	if n := send(h2, 5000, "/start"); n != 0 {
		t.Errorf("repeat after restart: %d replies, want 0", n)
	}
	if n := send(h2, 5001, "/help"); n != 1 {
		t.Errorf("new update after restart: %d replies, want 1", n)
	}
	// After a week without updates Telegram restarts the numbering at a
	// random id, possibly far below the saved offset: that is new.
	if n := send(h2, 3, "/help"); n != 1 {
		t.Errorf("renumbered update: %d replies, want 1", n)
	}
	if n := send(h2, 3, "/help"); n != 0 {
		t.Errorf("repeat of renumbered update: %d replies, want 0", n)
	}
	e.noSecretsLogged(secret)
}

func TestWebhookConcurrentRepeats(t *testing.T) {
	e := newHookEnv(t)
	b, db := e.newBot()
	k := e.handling(b, db)
	h := b.WebhookHandler("abc")
	const chat = 7
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if code := post(t.Context(), h, http.MethodPost, "abc", textUpdate(40, chat, "/start")); code != http.StatusOK {
				t.Errorf("status %d", code)
			}
		})
	}
	wg.Wait()
	k.settle()
	if n := e.srv.SentCount(chat); n != 1 {
		t.Errorf("%d replies to one update delivered 8 times at once, want 1", n)
	}
}

func TestWebhookFinishesAfterRequestEnds(t *testing.T) {
	e := newHookEnv(t)
	b, db := e.newBot()
	k := e.handling(b, db)
	h := b.WebhookHandler("abc")
	const chat = 8
	defer e.srv.Slow("sendMessage", chat, 300*time.Millisecond)()
	// Telegram (or the proxy) gives up on the request while the reply is
	// being sent: the reply still goes out and the offset is saved. When
	// the cancellation lands does not matter: handling never looks at it.
	ctx, cancel := context.WithCancel(t.Context())
	stop := time.AfterFunc(50*time.Millisecond, cancel)
	defer stop.Stop()
	post(ctx, h, http.MethodPost, "abc", textUpdate(70, chat, "/start"))
	cancel()
	k.settle()
	if n := e.srv.SentCount(chat); n != 1 {
		t.Errorf("%d replies, want 1 despite the cancelled request", n)
	}
	if off, err := db.UpdateOffset(t.Context()); err != nil || off != 71 {
		t.Errorf("offset %d (%v), want 71", off, err)
	}
}

func TestRunWebhookThenPolling(t *testing.T) {
	e := newHookEnv(t)
	b, _ := e.newBot()
	const url = "https://bot.example.com/telegram"

	// Telegram is down for the first attempt: RunWebhook retries.
	e.srv.FailNext("setWebhook", 0, 1, telegramtest.ServerError())
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- b.RunWebhook(ctx, url, "") }()
	wctx, wcancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer wcancel()
	if err := e.srv.WaitFor(wctx, func() bool { return e.srv.Webhook().URL == url }); err != nil {
		t.Fatalf("webhook not set: %v", err)
	}
	if e.srv.Webhook().SecretToken != telegram.WebhookSecret(testToken, "") {
		t.Error("RunWebhook did not register the derived secret")
	}
	if len(e.srv.Commands()) == 0 {
		t.Error("RunWebhook did not register the commands")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("RunWebhook: %v", err)
	}
	// Left set on shutdown so Telegram keeps the restart's updates.
	if e.srv.Webhook().URL != url {
		t.Error("RunWebhook deleted the webhook on shutdown")
	}

	// An update arrives while no one listens; then the bot is started in
	// long-polling mode: Run deletes the webhook and receives it.
	user := telegramtest.NewUser(55, "Sara")
	e.srv.SendText(telegramtest.PrivateChat(55), user, "/start")
	pctx, pcancel := context.WithCancel(t.Context())
	pdone := make(chan error, 1)
	go func() { pdone <- b.Run(pctx) }()
	if _, err := e.srv.WaitSent(wctx, 55, 1); err != nil {
		t.Errorf("long polling after webhook mode: %v", err)
	}
	if e.srv.Webhook().URL != "" {
		t.Error("Run left the webhook set")
	}
	if calls := e.srv.CallsTo("deleteWebhook"); len(calls) == 0 || calls[0].Params["drop_pending_updates"] == "true" {
		t.Errorf("deleteWebhook calls %+v: want one keeping pending updates", calls)
	}
	pcancel()
	if err := <-pdone; err != nil {
		t.Errorf("Run: %v", err)
	}
	e.noSecretsLogged(telegram.WebhookSecret(testToken, ""))
}

func TestRunPollingRecoversFromWebhookConflict(t *testing.T) {
	e := newHookEnv(t)
	b, _ := e.newBot()
	// The deletion at start fails, so the first getUpdates meets the webhook.
	if err := b.SetWebhook(t.Context(), "https://bot.example.com/telegram", ""); err != nil {
		t.Fatal(err)
	}
	e.srv.FailNext("deleteWebhook", 0, 1, telegramtest.ServerError())
	user := telegramtest.NewUser(56, "Omar")
	e.srv.SendText(telegramtest.PrivateChat(56), user, "/start")
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	wctx, wcancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer wcancel()
	if _, err := e.srv.WaitSent(wctx, 56, 1); err != nil {
		t.Errorf("Run did not recover from the webhook conflict: %v", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
}

func TestRunWebhookRefused(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  telegramtest.APIError
		want string
	}{
		{"bad URL", telegramtest.BadRequest("bad webhook: HTTPS url must be provided for webhook"), "refused WEBHOOK_URL https://bot.example.com"},
		{"token", telegramtest.APIError{Code: http.StatusUnauthorized, Description: "Unauthorized"}, "refused the token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newHookEnv(t)
			b, _ := e.newBot()
			e.srv.FailNext("setWebhook", 0, 1, tc.err)
			err := b.RunWebhook(t.Context(), "https://bot.example.com/"+testToken, "")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("RunWebhook = %v, want an error containing %q", err, tc.want)
			}
			if strings.Contains(err.Error(), testToken) {
				t.Errorf("error shows the token: %v", err)
			}
		})
	}
}
