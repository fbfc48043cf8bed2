package bot_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ajel-news/ajel/bot"
	"github.com/ajel-news/ajel/bot/telegramtest"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/storage"
)

func TestSendAndEditPush(t *testing.T) {
	h := newHarness(t, nil)
	chat := telegramtest.PrivateChat(100)
	h.srv.AddChat(chat)
	p := news.Push{Topic: "سوريا", Title: "عنوان", Summary: "ملخص", Source: "س", URL: "https://e.com/1", Silent: true}
	id, err := h.bot.Send(t.Context(), news.Target{ChatID: chat.ID}, p)
	if err != nil {
		t.Fatal(err)
	}
	m, ok := h.srv.Message(chat.ID, id)
	if !ok || !m.DisableNotification || !m.DisableWebPagePreview || m.ParseMode != "HTML" {
		t.Fatalf("sent %+v", m)
	}
	checkHTML(t, m)
	p.OtherSources = 3
	if err := h.bot.EditPush(t.Context(), chat.ID, id, p); err != nil {
		t.Fatal(err)
	}
	m, _ = h.srv.Message(chat.ID, id)
	mustContain(t, m.PlainText, "مصادر أخرى")
	if m.Edits != 1 {
		t.Errorf("%d edits", m.Edits)
	}
	if err := h.bot.EditPush(t.Context(), chat.ID, id, p); err != nil {
		t.Errorf("unchanged edit: %v", err)
	}
	var se *news.SendError
	if err := h.bot.EditPush(t.Context(), chat.ID, 9999, p); !errors.As(err, &se) || se.Kind != news.SendBadRequest {
		t.Errorf("edit of a missing message: %v", err)
	}
}

// A push with the story's picture is still one text message: the picture
// is its link preview, large and above the text, and an edit keeps it.
func TestSendPushWithPicture(t *testing.T) {
	h := newHarness(t, nil)
	chat := telegramtest.PrivateChat(100)
	h.srv.AddChat(chat)
	p := news.Push{Topic: "مصر", Title: "افتتاح جسر", Summary: "ملخص", Source: "س", URL: "https://e.com/1",
		Image: "https://img.example/bridge.jpg"}
	id, err := h.bot.Send(t.Context(), news.Target{ChatID: chat.ID}, p)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := h.srv.Message(chat.ID, id)
	want := telegramtest.LinkPreview{URL: "https://img.example/bridge.jpg", PreferLargeMedia: true, ShowAboveText: true}
	if m.DisableWebPagePreview || m.Preview != want {
		t.Fatalf("preview %+v (disabled %v), want %+v", m.Preview, m.DisableWebPagePreview, want)
	}
	p.OtherSources = 2
	if err := h.bot.EditPush(t.Context(), chat.ID, id, p); err != nil {
		t.Fatal(err)
	}
	if m, _ = h.srv.Message(chat.ID, id); m.Preview != want || m.Edits != 1 {
		t.Errorf("after the edit: preview %+v, %d edits", m.Preview, m.Edits)
	}
	// Without a picture the push stays bare text.
	id, _ = h.bot.Send(t.Context(), news.Target{ChatID: chat.ID}, news.Push{Title: "خبر", URL: "https://e.com/2"})
	if m, _ = h.srv.Message(chat.ID, id); !m.DisableWebPagePreview || m.Preview.URL != "" {
		t.Errorf("a push without a picture: preview %+v, disabled %v", m.Preview, m.DisableWebPagePreview)
	}
}

func TestPicturesCommand(t *testing.T) {
	h := newHarness(t, nil)
	user, chat := telegramtest.NewUser(7, "قارئ"), telegramtest.PrivateChat(7)
	mustContain(t, h.sayOne(chat, user, "/pictures").PlainText, "مع صورتها", "/pictures off")
	mustContain(t, h.sayOne(chat, user, "/pictures off").PlainText, "بلا صور")
	if c, err := h.db.Chat(t.Context(), chat.ID); err != nil || !c.PicturesOff {
		t.Fatalf("after /pictures off: %+v, %v", c, err)
	}
	mustContain(t, h.sayOne(chat, user, "/pictures").PlainText, "بلا صور")
	mustContain(t, h.sayOne(chat, user, "/pictures maybe").PlainText, "لم أفهم", "/pictures on")
	if c, _ := h.db.Chat(t.Context(), chat.ID); !c.PicturesOff {
		t.Error("a bad argument changed the setting")
	}
	mustContain(t, h.sayOne(chat, user, "/pictures on").PlainText, "مع صورتها")
	if c, _ := h.db.Chat(t.Context(), chat.ID); c.PicturesOff {
		t.Error("/pictures on left pictures off")
	}
}

func TestSendErrors(t *testing.T) {
	h := newHarness(t, nil)
	chat := telegramtest.PrivateChat(100)
	h.srv.AddChat(chat)
	tests := []struct {
		name   string
		inject telegramtest.APIError
		want   news.SendError
	}{
		{"429", telegramtest.TooManyRequests(7), news.SendError{Kind: news.SendRateLimited, Code: 429, RetryAfter: 7 * time.Second}},
		{"403 blocked", telegramtest.Forbidden(), news.SendError{Kind: news.SendForbidden, Code: 403}},
		{"403 kicked", telegramtest.Kicked(), news.SendError{Kind: news.SendForbidden, Code: 403}},
		{"migrated", telegramtest.Migrated(-1001234567890), news.SendError{Kind: news.SendMigrated, Code: 400, MigrateTo: -1001234567890}},
		{"400", telegramtest.BadRequest("message is too long"), news.SendError{Kind: news.SendBadRequest, Code: 400}},
		// A chat that does not exist, or where the bot may no longer post,
		// is as gone as one that blocked the bot.
		{"400 chat not found", telegramtest.BadRequest("chat not found"), news.SendError{Kind: news.SendForbidden, Code: 400}},
		{"400 no rights", telegramtest.BadRequest("need administrator rights in the channel chat"), news.SendError{Kind: news.SendForbidden, Code: 400}},
		{"400 thread deleted", telegramtest.BadRequest("message thread not found"), news.SendError{Kind: news.SendThreadGone, Code: 400}},
		{"500", telegramtest.ServerError(), news.SendError{Kind: news.SendFailed, Code: 500}},
		{"502", telegramtest.BadGateway(), news.SendError{Kind: news.SendFailed, Code: 502}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h.srv.FailNext("sendMessage", chat.ID, 1, tc.inject)
			_, err := h.bot.Send(t.Context(), news.Target{ChatID: chat.ID}, news.Push{Title: "t"})
			var se *news.SendError
			if !errors.As(err, &se) {
				t.Fatalf("error %v (%T) is not a *news.SendError", err, err)
			}
			if se.Kind != tc.want.Kind || se.Code != tc.want.Code || se.RetryAfter != tc.want.RetryAfter || se.MigrateTo != tc.want.MigrateTo {
				t.Errorf("got %+v, want %+v", *se, tc.want)
			}
			if se.Description != tc.inject.Description {
				t.Errorf("description %q, want %q", se.Description, tc.inject.Description)
			}
		})
	}
	// Delivery still works after the injected failures.
	if _, err := h.bot.Send(t.Context(), news.Target{ChatID: chat.ID}, news.Push{Title: "t"}); err != nil {
		t.Fatal(err)
	}
}

// A network failure puts the request URL, token included, in the error:
// the bot must redact it everywhere.
func TestTokenRedacted(t *testing.T) {
	h := newHarness(t, nil)
	h.stop()
	h.srv.Close()
	_, err := h.bot.Send(t.Context(), news.Target{ChatID: 100}, news.Push{Title: "t"})
	var se *news.SendError
	if !errors.As(err, &se) || se.Kind != news.SendFailed || se.Code != 0 {
		t.Fatalf("network error mapped to %v", err)
	}
	checkRedacted(t, err)
	var ue *url.Error
	if errors.As(err, &ue) {
		t.Errorf("the *url.Error with the token is reachable: %v", ue)
	}
	checkRedacted(t, h.bot.EditPush(t.Context(), 100, 1, news.Push{Title: "t"}))
	checkRedacted(t, h.bot.SetCommands(t.Context()))

	// Connecting to an unreachable Telegram keeps trying, and what it
	// reports carries no token either.
	opts := h.opts
	opts.Endpoint = h.srv.Endpoint()
	b, err := bot.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	var seen error
	err = b.Connect(ctx, func(err error, _ time.Duration) {
		seen = err
		cancel()
	})
	if err == nil {
		t.Fatal("Connect succeeded against a closed server")
	}
	checkRedacted(t, seen)

	// A token Telegram refuses: no retry, an error at once.
	srv := telegramtest.NewTest(t, "999:other")
	opts.Endpoint = srv.Endpoint()
	b, err = bot.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	err = b.Connect(t.Context(), func(err error, _ time.Duration) { t.Errorf("retried a refused token: %v", err) })
	if err == nil {
		t.Fatal("Connect accepted a refused token")
	}
	checkRedacted(t, err)
}

func checkRedacted(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	if strings.Contains(err.Error(), testToken) || strings.Contains(err.Error(), url.PathEscape(testToken)) {
		t.Errorf("error leaks the token: %v", err)
	}
	for e := err; e != nil; e = errors.Unwrap(e) {
		if strings.Contains(e.Error(), testToken) {
			t.Errorf("wrapped error leaks the token: %v", e)
		}
	}
}

func TestRunSurvivesGetUpdatesFailures(t *testing.T) {
	h := newHarness(t, nil)
	h.settle()
	h.srv.FailNext("getUpdates", 0, 1, telegramtest.ServerError())
	// The running poll returns these updates; the next one fails.
	user, chat := telegramtest.NewUser(5, "Omar"), telegramtest.PrivateChat(5)
	h.srv.SendText(chat, user, "/help")
	h.srv.SendText(chat, user, "/help")
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if _, err := h.srv.WaitSent(ctx, chat.ID, 2); err != nil {
		t.Fatal(err)
	}
	h.settle() // polling again after the failure
	if n := h.srv.Stats().Injected; n != 1 {
		t.Errorf("%d injected failures reached, want 1", n)
	}
}

func TestNewValidates(t *testing.T) {
	for _, o := range []bot.Options{
		{},
		{Token: testToken},
		{Token: testToken, Store: nil, Topics: newCatalogue()},
		{Token: testToken, Topics: newCatalogue(), Store: (*storage.DB)(nil), Endpoint: "http://x/%s"},
	} {
		if _, err := bot.New(o); err == nil {
			t.Errorf("New(%+v) accepted", o)
		}
	}
}
