package telegram_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ajel-news/ajel/bot/telegramtest"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/telegram"
)

const token = "123456:SECRET-test-token"

func newClient(t *testing.T, endpoint string) *telegram.Client {
	t.Helper()
	c, err := telegram.New(telegram.Options{Token: token, Endpoint: endpoint, PollTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Telegram's refusals come back as *telegram.Error, read with errors.As,
// whose methods name what Ajel acts on.
func TestTypedErrors(t *testing.T) {
	srv := telegramtest.NewTest(t, token)
	chat := telegramtest.PrivateChat(100)
	srv.AddChat(chat)
	c := newClient(t, srv.Endpoint())
	for _, tc := range []struct {
		name   string
		inject telegramtest.APIError
		check  func(*telegram.Error) bool
	}{
		{"429 with retry_after", telegramtest.TooManyRequests(7), func(e *telegram.Error) bool {
			return e.RateLimited() && e.RetryAfter == 7*time.Second && e.Wait() == 7*time.Second
		}},
		{"403", telegramtest.Forbidden(), (*telegram.Error).Forbidden},
		{"migrated", telegramtest.Migrated(-1001234567890), func(e *telegram.Error) bool {
			return e.Migrated() && e.MigrateTo == -1001234567890 && e.BadRequest()
		}},
		{"thread not found", telegramtest.BadRequest("message thread not found"), (*telegram.Error).ThreadGone},
		{"chat not found", telegramtest.BadRequest("chat not found"), (*telegram.Error).ChatGone},
		{"no rights", telegramtest.BadRequest("need administrator rights in the channel chat"), (*telegram.Error).ChatGone},
		{"token", telegramtest.APIError{Code: http.StatusUnauthorized, Description: "Unauthorized"}, (*telegram.Error).TokenRefused},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv.FailNext("sendMessage", chat.ID, 1, tc.inject)
			_, err := c.Send(t.Context(), telegram.Text{To: news.Target{ChatID: chat.ID}, HTML: "x"})
			var te *telegram.Error
			if !errors.As(err, &te) {
				t.Fatalf("%v (%T) is not a *telegram.Error", err, err)
			}
			if te.Code != tc.inject.Code || te.Description != tc.inject.Description || te.Method != "sendMessage" || !tc.check(te) {
				t.Errorf("got %+v for %+v", *te, tc.inject)
			}
		})
	}
	// An edit that changes nothing is done, not an error.
	id, err := c.Send(t.Context(), telegram.Text{To: news.Target{ChatID: chat.ID}, HTML: "same"})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Edit(t.Context(), id, telegram.Text{To: news.Target{ChatID: chat.ID}, HTML: "same"}); err != nil {
		t.Errorf("an unchanged edit: %v", err)
	}
}

// A call is made under its context: a deadline ends it, and the error
// says so (errors.Is) without the token.
func TestCallsHonourTheirContext(t *testing.T) {
	srv := telegramtest.NewTest(t, token, telegramtest.WithLatency(time.Minute))
	c := newClient(t, srv.Endpoint())
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err := c.Send(ctx, telegram.Text{To: news.Target{ChatID: 5}, HTML: "x"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Send past its deadline: %v", err)
	}
	if strings.Contains(err.Error(), token) || strings.Contains(err.Error(), "SECRET") {
		t.Errorf("the error shows the token: %v", err)
	}
}

// An endpoint that is not the Bot API is named in the error: its status,
// its host and what it answered.
func TestForeignAnswerIsNamed(t *testing.T) {
	wrong := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
		w.Write([]byte("<html>proxy error for /bot" + token + "/getMe</html>"))
	}))
	defer wrong.Close()
	c := newClient(t, wrong.URL+"/bot%s/%s")
	err := c.Call(t.Context(), "getMe", nil, nil)
	var te *telegram.Error
	if !errors.As(err, &te) || te.Code != http.StatusBadGateway ||
		!strings.Contains(te.Description, "not a Bot API answer: HTTP 502 Bad Gateway from "+strings.TrimPrefix(wrong.URL, "http://")) ||
		!strings.Contains(te.Description, "proxy error") || strings.Contains(te.Description, token) {
		t.Errorf("got %v", err)
	}
}

// An update is decoded once, its forum thread with it; a reply thread of
// an ordinary supergroup is no topic.
func TestUpdateReadsTheThread(t *testing.T) {
	for _, tc := range []struct {
		raw  string
		want int
	}{
		{`{"update_id":1,"message":{"message_id":5,"chat":{"id":-100,"type":"supergroup"},"text":"/list","message_thread_id":42,"is_topic_message":true}}`, 42},
		{`{"update_id":2,"message":{"message_id":6,"chat":{"id":-100,"type":"supergroup"},"text":"/list","message_thread_id":5}}`, 0},
		{`{"update_id":3,"callback_query":{"id":"q","from":{"id":7},"data":"t:x","message":{"message_id":9,"chat":{"id":-100,"type":"supergroup"},"message_thread_id":42,"is_topic_message":true}}}`, 42},
		{`{"update_id":4,"message":{"message_id":7,"chat":{"id":3,"type":"private"},"text":"hi"}}`, 0},
	} {
		var u telegram.Update
		if err := json.Unmarshal([]byte(tc.raw), &u); err != nil {
			t.Fatal(err)
		}
		m := u.Message
		if u.CallbackQuery != nil {
			m = u.CallbackQuery.Message
		}
		if got := m.Thread(); got != tc.want || m.Chat == nil || m.MessageID == 0 {
			t.Errorf("update %d: thread %d (chat %+v), want %d", u.UpdateID, got, m.Chat, tc.want)
		}
	}
}
