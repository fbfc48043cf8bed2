package telegramtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/ajel-news/ajel/bot/telegramtest"
)

const token = "123456:TEST-token"

var (
	reader  = telegramtest.NewUser(42, "Reader")
	private = telegramtest.PrivateChat(42)
)

func newBot(t *testing.T, opts ...telegramtest.Option) (*telegramtest.Server, *tgbotapi.BotAPI) {
	t.Helper()
	srv := telegramtest.NewTest(t, token, opts...)
	bot, err := tgbotapi.NewBotAPIWithClient(token, srv.Endpoint(), &http.Client{Timeout: 30 * time.Second})
	if err != nil {
		t.Fatalf("NewBotAPIWithClient: %v", err)
	}
	return srv, bot
}

func apiError(t *testing.T, err error) *tgbotapi.Error {
	t.Helper()
	var te *tgbotapi.Error
	if !errors.As(err, &te) {
		t.Fatalf("error %v (%T) is not a *tgbotapi.Error", err, err)
	}
	return te
}

func TestGetMe(t *testing.T) {
	_, bot := newBot(t)
	if bot.Self.UserName != telegramtest.DefaultBotUsername || bot.Self.ID != 123456 || !bot.Self.IsBot {
		t.Errorf("Self = %+v", bot.Self)
	}
	_, bot2 := newBot(t, telegramtest.WithBotUsername("other_bot"), telegramtest.WithBotID(7))
	if bot2.Self.UserName != "other_bot" || bot2.Self.ID != 7 {
		t.Errorf("Self = %+v", bot2.Self)
	}
}

func TestWrongTokenAndUnknownMethod(t *testing.T) {
	srv, bot := newBot(t)
	_, err := tgbotapi.NewBotAPIWithClient("999:wrong", srv.Endpoint(), http.DefaultClient)
	if te := apiError(t, err); te.Code != 401 || te.Message != "Unauthorized" {
		t.Errorf("wrong token: %+v", te)
	}
	_, err = bot.MakeRequest("noSuchMethod", nil)
	if te := apiError(t, err); te.Code != 404 || te.Message != "Not Found: method not found" {
		t.Errorf("unknown method: %+v", te)
	}
	resp, err := http.Get(srv.URL() + "/bot999:wrong/getMe")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 401 || string(body) != `{"ok":false,"error_code":401,"description":"Unauthorized"}` {
		t.Errorf("raw 401 = %d %s", resp.StatusCode, body)
	}
	if c := srv.Calls(); len(c) == 0 || c[len(c)-1].Code != 401 {
		t.Errorf("401 not recorded: %+v", c)
	}
}

func TestLongPollWakesOnSendText(t *testing.T) {
	srv, bot := newBot(t)
	got := make(chan []tgbotapi.Update, 1)
	errc := make(chan error, 1)
	go func() {
		u, err := bot.GetUpdates(tgbotapi.UpdateConfig{Timeout: 30})
		if err != nil {
			errc <- err
			return
		}
		got <- u
	}()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := srv.WaitFor(ctx, srv.Polling); err != nil {
		t.Fatalf("bot never started polling: %v", err)
	}
	sent := srv.SendText(private, reader, "/start@ajel_test_bot سوريا")
	select {
	case ups := <-got:
		if len(ups) != 1 || ups[0].UpdateID != sent.ID || ups[0].Message == nil {
			t.Fatalf("updates = %+v", ups)
		}
		m := ups[0].Message
		if m.Command() != "start" || m.CommandArguments() != "سوريا" || m.Chat.ID != 42 || m.From.ID != 42 ||
			m.Chat.Type != "private" || m.MessageID != sent.MessageID {
			t.Errorf("message = %+v, command %q args %q", m, m.Command(), m.CommandArguments())
		}
	case err := <-errc:
		t.Fatal(err)
	case <-ctx.Done():
		t.Fatal("long poll did not return after SendText")
	}
}

func TestLongPollTimeoutAndCancel(t *testing.T) {
	srv := telegramtest.NewTest(t, token)
	// The request context ends the poll at once.
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost,
			fmt.Sprintf(srv.Endpoint(), token, "getUpdates"), strings.NewReader("timeout=60"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	wctx, wcancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer wcancel()
	if err := srv.WaitFor(wctx, srv.Polling); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := srv.WaitFor(wctx, func() bool { return !srv.Polling() }); err != nil {
		t.Fatal("poll still waiting after its request was cancelled")
	}
	<-done
	// A 1-second timeout answers an empty list.
	_, bot := newBot(t)
	ups, err := bot.GetUpdates(tgbotapi.UpdateConfig{Timeout: 1})
	if err != nil || len(ups) != 0 {
		t.Fatalf("timeout poll = %v, %v", ups, err)
	}
}

func TestOffsetsConfirmUpdates(t *testing.T) {
	srv, bot := newBot(t)
	var ids []int
	for i := range 3 {
		ids = append(ids, srv.SendText(private, reader, fmt.Sprint("msg ", i)).ID)
	}
	for range 2 { // unconfirmed updates come back
		ups, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
		if err != nil || len(ups) != 3 || ups[0].UpdateID != ids[0] || ups[2].UpdateID != ids[2] {
			t.Fatalf("GetUpdates = %+v, %v", ups, err)
		}
	}
	ups, err := bot.GetUpdates(tgbotapi.UpdateConfig{Offset: ids[1], Limit: 1})
	if err != nil || len(ups) != 1 || ups[0].UpdateID != ids[1] {
		t.Fatalf("offset+limit = %+v, %v", ups, err)
	}
	if srv.Pending() != 2 {
		t.Errorf("Pending = %d, want 2", srv.Pending())
	}
	ups, err = bot.GetUpdates(tgbotapi.UpdateConfig{Offset: ids[2] + 1})
	if err != nil || len(ups) != 0 || srv.Pending() != 0 {
		t.Fatalf("after confirming all: %+v, %v, pending %d", ups, err, srv.Pending())
	}
	// A negative offset keeps only the newest updates.
	for range 3 {
		srv.SendText(private, reader, "x")
	}
	ups, err = bot.GetUpdates(tgbotapi.UpdateConfig{Offset: -1})
	if err != nil || len(ups) != 1 || srv.Pending() != 1 {
		t.Fatalf("negative offset = %+v, %v", ups, err)
	}
}

func TestKeyboardAndCallback(t *testing.T) {
	srv, bot := newBot(t)
	msg := tgbotapi.NewMessage(42, "<b>اختر</b> موضوعاً")
	msg.ParseMode = tgbotapi.ModeHTML
	msg.DisableNotification = true
	msg.DisableWebPagePreview = true
	msg.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(
		tgbotapi.NewInlineKeyboardRow(
			tgbotapi.NewInlineKeyboardButtonData("سوريا", "t:syria"),
			tgbotapi.NewInlineKeyboardButtonURL("site", "https://example.com"),
		))
	sent, err := bot.Send(msg)
	if err != nil {
		t.Fatal(err)
	}
	if sent.MessageID != 1 || sent.Text != "اختر موضوعاً" || sent.Chat.ID != 42 || sent.From.UserName != "ajel_test_bot" ||
		sent.ReplyMarkup == nil || len(sent.ReplyMarkup.InlineKeyboard[0]) != 2 || sent.Date == 0 {
		t.Fatalf("returned message = %+v", sent)
	}
	got := srv.Sent(42)
	if len(got) != 1 || got[0].Text != msg.Text || got[0].ParseMode != "HTML" || !got[0].DisableNotification ||
		!got[0].DisableWebPagePreview || got[0].Keyboard[0][0].CallbackData != "t:syria" || got[0].PlainText != sent.Text {
		t.Fatalf("Sent = %+v", got)
	}
	up, err := srv.Press(private, reader, sent.MessageID, "سوريا")
	if err != nil {
		t.Fatal(err)
	}
	ups, err := bot.GetUpdates(tgbotapi.UpdateConfig{Offset: up.ID})
	if err != nil || len(ups) != 1 || ups[0].CallbackQuery == nil {
		t.Fatalf("updates = %+v, %v", ups, err)
	}
	cq := ups[0].CallbackQuery
	if cq.Data != "t:syria" || cq.ID != up.CallbackQueryID || cq.From.ID != 42 || cq.Message.MessageID != sent.MessageID ||
		cq.Message.Chat.ID != 42 || cq.Message.ReplyMarkup == nil {
		t.Fatalf("callback = %+v", cq)
	}
	if _, err := bot.Request(tgbotapi.NewCallback(cq.ID, "تم")); err != nil {
		t.Fatal(err)
	}
	if a, ok := srv.CallbackAnswer(cq.ID); !ok || a.Text != "تم" {
		t.Errorf("answer = %+v %v", a, ok)
	}
	if _, err := bot.Request(tgbotapi.NewCallback(cq.ID, "again")); err == nil {
		t.Error("second answer accepted")
	}
	if _, err := srv.PressButton(private, reader, 99, "x"); err == nil {
		t.Error("pressing a missing message succeeded")
	}
	if _, err := srv.Press(private, reader, sent.MessageID, "site"); err == nil {
		t.Error("pressing a URL button as a callback succeeded")
	}
}

func TestEditAndDelete(t *testing.T) {
	srv, bot := newBot(t)
	kb := tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("a", "a")))
	msg := tgbotapi.NewMessage(42, "one")
	msg.ReplyMarkup = kb
	sent, err := bot.Send(msg)
	if err != nil {
		t.Fatal(err)
	}
	edit := tgbotapi.NewEditMessageTextAndMarkup(42, sent.MessageID, "two", kb)
	if m, err := bot.Send(edit); err != nil || m.Text != "two" || m.EditDate == 0 {
		t.Fatalf("edit = %+v, %v", m, err)
	}
	_, err = bot.Send(edit)
	if te := apiError(t, err); te.Code != 400 || !strings.HasPrefix(te.Message, "Bad Request: message is not modified") {
		t.Errorf("same edit: %+v", te)
	}
	// An edit without reply_markup drops the keyboard, as on Telegram.
	if _, err := bot.Send(tgbotapi.NewEditMessageText(42, sent.MessageID, "three")); err != nil {
		t.Fatal(err)
	}
	if m, _ := srv.Message(42, sent.MessageID); m.Text != "three" || m.Keyboard != nil || m.Edits != 2 {
		t.Errorf("after edits: %+v", m)
	}
	if _, err := bot.Send(tgbotapi.NewEditMessageReplyMarkup(42, sent.MessageID, kb)); err != nil {
		t.Fatal(err)
	}
	if m, _ := srv.Message(42, sent.MessageID); m.Keyboard == nil {
		t.Error("keyboard not restored")
	}
	_, err = bot.Send(tgbotapi.NewEditMessageText(42, 77, "x"))
	if te := apiError(t, err); te.Message != "Bad Request: message to edit not found" {
		t.Errorf("edit missing: %+v", te)
	}
	if _, err := bot.Request(tgbotapi.NewDeleteMessage(42, sent.MessageID)); err != nil {
		t.Fatal(err)
	}
	if len(srv.Sent(42)) != 0 || srv.SentCount(42) != 1 {
		t.Errorf("after delete: %+v", srv.Sent(42))
	}
	_, err = bot.Request(tgbotapi.NewDeleteMessage(42, sent.MessageID))
	if te := apiError(t, err); te.Message != "Bad Request: message to delete not found" {
		t.Errorf("delete twice: %+v", te)
	}
	if st := srv.Stats(); st.Sent != 1 || st.Edited != 3 || st.Deleted != 1 {
		t.Errorf("stats = %+v", st)
	}
}

func TestSendValidation(t *testing.T) {
	_, bot := newBot(t)
	html := func(s string) tgbotapi.MessageConfig {
		m := tgbotapi.NewMessage(42, s)
		m.ParseMode = tgbotapi.ModeHTML
		return m
	}
	withKeyboard := func(data string) tgbotapi.MessageConfig {
		m := tgbotapi.NewMessage(42, "x")
		m.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
			tgbotapi.NewInlineKeyboardButtonData("b", data)))
		return m
	}
	long := strings.Repeat("ع", telegramtest.MaxMessageLength)
	tests := []struct {
		name string
		msg  tgbotapi.MessageConfig
		want string // "" = accepted
	}{
		{"empty", tgbotapi.NewMessage(42, ""), "Bad Request: message text is empty"},
		{"blank", tgbotapi.NewMessage(42, "  \n"), "Bad Request: message text is empty"},
		{"html only tags", html("<b></b>"), "Bad Request: message text is empty"},
		{"4096 characters", tgbotapi.NewMessage(42, long), ""},
		{"4097 characters", tgbotapi.NewMessage(42, long+"x"), "Bad Request: message is too long"},
		{"4096 after tags", html("<b>" + long + "</b>"), ""},
		{"4096 after entities", html(strings.Repeat("&amp;", telegramtest.MaxMessageLength)), ""},
		{"bad html", html("a < b"), `Bad Request: can't parse entities: Unsupported start tag "" at byte offset 2`},
		{"unclosed html", html("<b>x"), `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "b"`},
		{"html chars without parse mode", tgbotapi.NewMessage(42, "a < b & c"), ""},
		{"callback data 64 bytes", withKeyboard(strings.Repeat("d", 64)), ""},
		{"callback data 65 bytes", withKeyboard(strings.Repeat("d", 65)), "Bad Request: BUTTON_DATA_INVALID"},
		{"unknown chat username", tgbotapi.NewMessageToChannel("@nobody", "x"), "Bad Request: chat not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := bot.Send(tt.msg)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("rejected: %v", err)
				}
				return
			}
			if te := apiError(t, err); te.Code != 400 || te.Message != tt.want {
				t.Errorf("got %d %q, want 400 %q", te.Code, te.Message, tt.want)
			}
		})
	}
}

func TestInjectedErrors(t *testing.T) {
	srv, bot := newBot(t)
	srv.FailNext("sendMessage", 42, 1, telegramtest.TooManyRequests(7))
	_, err := bot.Send(tgbotapi.NewMessage(42, "x"))
	if te := apiError(t, err); te.Code != 429 || te.RetryAfter != 7 || te.Message != "Too Many Requests: retry after 7" {
		t.Errorf("429: %+v", te)
	}
	if _, err := bot.Send(tgbotapi.NewMessage(43, "other chat")); err != nil {
		t.Errorf("rule leaked to another chat: %v", err)
	}
	if _, err := bot.Send(tgbotapi.NewMessage(42, "x")); err != nil {
		t.Errorf("rule outlived its count: %v", err)
	}

	srv.FailNext("", 0, 1, telegramtest.Migrated(-1001234))
	_, err = bot.Send(tgbotapi.NewMessage(-5, "x"))
	if te := apiError(t, err); te.Code != 400 || te.MigrateToChatID != -1001234 {
		t.Errorf("migrated: %+v", te)
	}

	remove := srv.FailAlways("sendMessage", 42, telegramtest.Forbidden())
	for range 2 {
		_, err = bot.Send(tgbotapi.NewMessage(42, "x"))
		if te := apiError(t, err); te.Code != 403 || te.Message != "Forbidden: bot was blocked by the user" {
			t.Errorf("forbidden: %+v", te)
		}
	}
	remove()
	if _, err := bot.Send(tgbotapi.NewMessage(42, "x")); err != nil {
		t.Errorf("after remove: %v", err)
	}

	srv.FailNext("getUpdates", 0, 1, telegramtest.ServerError())
	_, err = bot.GetUpdates(tgbotapi.UpdateConfig{})
	if te := apiError(t, err); te.Code != 500 {
		t.Errorf("500: %+v", te)
	}
	if st := srv.Stats(); st.Injected != 5 || st.TooManyRequests != 1 {
		t.Errorf("stats = %+v", st)
	}
}

func TestBlockAndMigrate(t *testing.T) {
	srv, bot := newBot(t)
	group := telegramtest.Group(-77, "أخبار")
	srv.SendText(group, reader, "/start")
	srv.Block(42)
	_, err := bot.Send(tgbotapi.NewMessage(42, "x"))
	if te := apiError(t, err); te.Code != 403 {
		t.Errorf("blocked: %+v", te)
	}
	srv.Unblock(42)
	if _, err := bot.Send(tgbotapi.NewMessage(42, "x")); err != nil {
		t.Errorf("unblocked: %v", err)
	}

	srv.MigrateChat(-77, -1009999)
	_, err = bot.Send(tgbotapi.NewMessage(-77, "x"))
	if te := apiError(t, err); te.MigrateToChatID != -1009999 ||
		te.Message != "Bad Request: group chat was upgraded to a supergroup chat" {
		t.Errorf("migrated: %+v", te)
	}
	sent, err := bot.Send(tgbotapi.NewMessage(-1009999, "x"))
	if err != nil || sent.Chat.Type != "supergroup" || sent.Chat.Title != "أخبار" {
		t.Errorf("new chat: %+v, %v", sent.Chat, err)
	}
	ups, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil || len(ups) != 3 || ups[1].Message.MigrateToChatID != -1009999 || ups[2].Message.MigrateFromChatID != -77 {
		t.Errorf("migration updates = %+v, %v", ups, err)
	}
}

func TestChatMembers(t *testing.T) {
	srv, bot := newBot(t)
	group := telegramtest.Supergroup(-1001, "G")
	srv.AddChat(group)
	srv.SetCreator(group.ID, 1)
	srv.SetAdmin(group.ID, 2)
	srv.SendText(group, telegramtest.NewUser(3, "Member"), "hi")
	cases := map[int64]string{1: "creator", 2: "administrator", 3: "member", 4: "member"}
	for uid, want := range cases {
		m, err := bot.GetChatMember(tgbotapi.GetChatMemberConfig{ChatConfigWithUser: tgbotapi.ChatConfigWithUser{ChatID: group.ID, UserID: uid}})
		if err != nil || m.Status != want || m.User.ID != uid {
			t.Errorf("user %d: %+v, %v; want %s", uid, m, err, want)
		}
	}
	admins, err := bot.GetChatAdministrators(tgbotapi.ChatAdministratorsConfig{ChatConfig: tgbotapi.ChatConfig{ChatID: group.ID}})
	if err != nil || len(admins) != 2 || !admins[0].IsCreator() || !admins[1].IsAdministrator() {
		t.Errorf("admins = %+v, %v", admins, err)
	}
	_, err = bot.GetChatAdministrators(tgbotapi.ChatAdministratorsConfig{ChatConfig: tgbotapi.ChatConfig{ChatID: 42}})
	if te := apiError(t, err); te.Code != 400 {
		t.Errorf("private admins: %+v", te)
	}
}

func TestOtherUpdateKinds(t *testing.T) {
	srv, bot := newBot(t)
	channel := telegramtest.Channel(-1005, "قناة")
	srv.SendPhoto(private, reader, "caption")
	srv.SendSticker(private, reader, "👍")
	srv.SendEdited(private, reader, 1, "edited")
	srv.SendChannelPost(channel, "post")
	if _, err := srv.EnqueueRaw("my_chat_member", map[string]any{
		"chat": private, "from": reader, "date": 1,
		"old_chat_member": map[string]any{"user": srv.Bot(), "status": "member"},
		"new_chat_member": map[string]any{"user": srv.Bot(), "status": "kicked"},
	}); err != nil {
		t.Fatal(err)
	}
	ups, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil || len(ups) != 5 {
		t.Fatalf("updates = %+v, %v", ups, err)
	}
	if m := ups[0].Message; m == nil || len(m.Photo) == 0 || m.Text != "" || m.Caption != "caption" {
		t.Errorf("photo = %+v", m)
	}
	if m := ups[1].Message; m == nil || m.Sticker == nil || m.Text != "" {
		t.Errorf("sticker = %+v", m)
	}
	if m := ups[2].EditedMessage; m == nil || m.Text != "edited" || m.MessageID != 1 {
		t.Errorf("edited = %+v", m)
	}
	if m := ups[3].ChannelPost; m == nil || m.Text != "post" || m.Chat.Type != "channel" || m.SenderChat == nil {
		t.Errorf("channel post = %+v", m)
	}
	if m := ups[4].MyChatMember; m == nil || m.NewChatMember.Status != "kicked" {
		t.Errorf("my_chat_member = %+v", m)
	}
}

func TestWebhookAndCommands(t *testing.T) {
	srv, bot := newBot(t)
	wh, _ := tgbotapi.NewWebhook("https://example.com/hook")
	if _, err := bot.Request(wh); err != nil {
		t.Fatal(err)
	}
	if info, err := bot.GetWebhookInfo(); err != nil || info.URL != "https://example.com/hook" {
		t.Errorf("webhook info = %+v, %v", info, err)
	}
	_, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
	if te := apiError(t, err); te.Code != 409 {
		t.Errorf("getUpdates with webhook: %+v", te)
	}
	if _, err := bot.Request(tgbotapi.DeleteWebhookConfig{}); err != nil {
		t.Fatal(err)
	}
	if srv.Webhook().URL != "" {
		t.Error("webhook not deleted")
	}

	cmds := tgbotapi.NewSetMyCommands(
		tgbotapi.BotCommand{Command: "start", Description: "ابدأ"},
		tgbotapi.BotCommand{Command: "subscribe", Description: "اشترك"})
	if _, err := bot.Request(cmds); err != nil {
		t.Fatal(err)
	}
	if got := srv.Commands(); len(got) != 2 || got[1].Command != "subscribe" {
		t.Errorf("commands = %+v", got)
	}
	if got, err := bot.GetMyCommands(); err != nil || len(got) != 2 {
		t.Errorf("GetMyCommands = %+v, %v", got, err)
	}
	_, err = bot.Request(tgbotapi.NewSetMyCommands(tgbotapi.BotCommand{Command: "اشترك", Description: "x"}))
	if te := apiError(t, err); te.Message != "Bad Request: BOT_COMMAND_INVALID" {
		t.Errorf("arabic command: %+v", te)
	}
}

func TestSecondPollerConflicts(t *testing.T) {
	srv, bot := newBot(t)
	errc := make(chan error, 1)
	go func() {
		_, err := bot.GetUpdates(tgbotapi.UpdateConfig{Timeout: 30})
		errc <- err
	}()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := srv.WaitFor(ctx, srv.Polling); err != nil {
		t.Fatal(err)
	}
	if _, err := bot.GetUpdates(tgbotapi.UpdateConfig{}); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-errc:
		if te := apiError(t, err); te.Code != 409 {
			t.Errorf("first poller: %+v", te)
		}
	case <-ctx.Done():
		t.Fatal("first poller not ended")
	}
}

// post sends a raw request and decodes the envelope.
func post(t *testing.T, srv *telegramtest.Server, method, contentType string, body io.Reader) tgbotapi.APIResponse {
	t.Helper()
	resp, err := http.Post(fmt.Sprintf(srv.Endpoint(), token, method), contentType, body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r tgbotapi.APIResponse
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRequestEncodings(t *testing.T) {
	srv := telegramtest.NewTest(t, token)
	r := post(t, srv, "sendMessage", "application/json",
		strings.NewReader(`{"chat_id":42,"text":"json","disable_notification":true,"link_preview_options":{"is_disabled":true},
		"reply_markup":{"inline_keyboard":[[{"text":"b","callback_data":"d"}]]}}`))
	if !r.Ok {
		t.Fatalf("json: %+v", r)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("chat_id", "42")
	_ = mw.WriteField("text", "multipart")
	mw.Close()
	if r := post(t, srv, "SENDMESSAGE", mw.FormDataContentType(), &buf); !r.Ok {
		t.Fatalf("multipart: %+v", r)
	}
	form := url.Values{"chat_id": {"42"}, "text": {"form"}, "parse_mode": {"html"}}
	if r := post(t, srv, "sendMessage", "application/x-www-form-urlencoded", strings.NewReader(form.Encode())); !r.Ok {
		t.Fatalf("form: %+v", r)
	}
	got := srv.Sent(42)
	if len(got) != 3 || !got[0].DisableNotification || !got[0].DisableWebPagePreview || got[0].Keyboard[0][0].CallbackData != "d" ||
		got[1].Text != "multipart" || got[2].ParseMode != "html" {
		t.Errorf("sent = %+v", got)
	}
	if n := srv.CallCount("sendmessage"); n != 3 {
		t.Errorf("CallCount = %d", n)
	}
	if c := srv.CallsTo("sendMessage"); len(c) != 3 || c[1].Method != "sendMessage" || c[1].ChatID != 42 || c[1].Params["text"] != "multipart" {
		t.Errorf("calls = %+v", c)
	}
}

func TestRateLimits(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	srv, bot := newBot(t, telegramtest.WithRateLimits(telegramtest.DefaultRateLimits()), telegramtest.WithClock(clock.Now))
	for i := range 3 { // the private chat's burst
		if _, err := bot.Send(tgbotapi.NewMessage(42, fmt.Sprint(i))); err != nil {
			t.Fatal(err)
		}
	}
	_, err := bot.Send(tgbotapi.NewMessage(42, "too fast"))
	if te := apiError(t, err); te.Code != 429 || te.RetryAfter != 1 {
		t.Errorf("private flood: %+v", te)
	}
	clock.Advance(time.Second)
	if _, err := bot.Send(tgbotapi.NewMessage(42, "later")); err != nil {
		t.Errorf("after retry_after: %v", err)
	}
	for i := range 3 {
		if _, err := bot.Send(tgbotapi.NewMessage(-10, fmt.Sprint(i))); err != nil {
			t.Fatal(err)
		}
	}
	_, err = bot.Send(tgbotapi.NewMessage(-10, "group flood"))
	if te := apiError(t, err); te.Code != 429 || te.RetryAfter != 3 {
		t.Errorf("group flood: %+v", te)
	}
	// Four sends since the clock moved; the global burst of 30 allows 26 more.
	for i := range 26 {
		if _, err := bot.Send(tgbotapi.NewMessage(int64(1000+i), "x")); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
	}
	_, err = bot.Send(tgbotapi.NewMessage(5000, "global flood"))
	if te := apiError(t, err); te.Code != 429 {
		t.Errorf("global flood: %+v", te)
	}
	if st := srv.Stats(); st.RateLimited != 3 || st.TooManyRequests != 3 {
		t.Errorf("stats = %+v", st)
	}
}

// TestPacedClientNeverLimited sends exactly 30 a second overall (after an
// initial burst of 30), one of them each second into the same private chat.
func TestPacedClientNeverLimited(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	srv := telegramtest.NewTest(t, token, telegramtest.WithRateLimits(telegramtest.DefaultRateLimits()), telegramtest.WithClock(clock.Now))
	client := &http.Client{}
	send := func(chat int64) {
		form := url.Values{"chat_id": {fmt.Sprint(chat)}, "text": {"x"}}
		resp, err := client.PostForm(fmt.Sprintf(srv.Endpoint(), token, "sendMessage"), form)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	for i := range 30 {
		send(int64(100000 + i))
	}
	for i := range 600 {
		clock.Advance(time.Second / 30)
		if i%30 == 0 {
			send(42)
		} else {
			send(int64(200000 + i))
		}
	}
	if st := srv.Stats(); st.RateLimited != 0 || st.Sent != 630 {
		t.Errorf("paced client: %+v", st)
	}
	if m := srv.MaxSentIn(time.Second); m != 60 { // the burst plus the first second
		t.Errorf("MaxSentIn = %d", m)
	}
}

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestEventsAndConcurrency(t *testing.T) {
	srv, bot := newBot(t)
	var mu sync.Mutex
	var events []telegramtest.Event
	cancel := srv.OnEvent(func(ev telegramtest.Event) {
		mu.Lock()
		events = append(events, ev)
		mu.Unlock()
	})
	var newMessages int
	srv.OnMessage(func(telegramtest.Message) { newMessages++ }) // serialized by the server
	const workers, each = 8, 50
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				if _, err := bot.Send(tgbotapi.NewMessage(int64(1+w%2), fmt.Sprint(i))); err != nil {
					t.Error(err)
				}
			}
		})
	}
	msgs, err := srv.WaitSent(t.Context(), 1, workers/2*each)
	if err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	seen := map[int]bool{}
	for _, m := range msgs {
		if seen[m.ID] {
			t.Fatalf("duplicate message id %d", m.ID)
		}
		seen[m.ID] = true
	}
	cancel()
	if _, err := bot.Send(tgbotapi.NewMessage(1, "after cancel")); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(events) != workers*each || newMessages != workers*each+1 || srv.MessageCount() != workers*each+1 {
		t.Errorf("events %d, OnMessage %d, MessageCount %d", len(events), newMessages, srv.MessageCount())
	}
	if got := len(srv.SentTimes()); got != workers*each+1 {
		t.Errorf("SentTimes = %d", got)
	}
}

func TestLatency(t *testing.T) {
	srv := telegramtest.NewTest(t, token)
	remove := srv.Slow("sendMessage", 0, time.Hour)
	defer remove()
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, fmt.Sprintf(srv.Endpoint(), token, "sendMessage"),
		strings.NewReader("chat_id=1&text=x"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("slow call answered before the client gave up")
	}
}

func BenchmarkSendMessage(b *testing.B) {
	srv := telegramtest.New(token)
	h := srv.Handler()
	form := url.Values{"text": {"<b>عاجل</b> خبر"}, "parse_mode": {"HTML"}}.Encode()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		req, _ := http.NewRequest(http.MethodPost, "/bot"+token+"/sendMessage",
			strings.NewReader(form+"&chat_id="+fmt.Sprint(i%10000+1)))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := &discardWriter{h: http.Header{}}
		h.ServeHTTP(w, req)
		if w.code != 0 && w.code != 200 {
			b.Fatalf("code %d", w.code)
		}
	}
}

type discardWriter struct {
	h    http.Header
	code int
}

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(code int)        { w.code = code }

func TestStrictChatsAndHandler(t *testing.T) {
	srv := telegramtest.New(token, telegramtest.WithStrictChats())
	defer srv.Close()
	if srv.Endpoint() != "" {
		t.Errorf("Endpoint before Start = %q", srv.Endpoint())
	}
	// Mounted in a server of our own instead of Start.
	hs := &http.Server{Handler: srv.Handler()}
	ln, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = hs.Serve(ln) }()
	defer hs.Close()
	bot, err := tgbotapi.NewBotAPIWithClient(token, "http://"+ln.Addr().String()+"/bot%s/%s", http.DefaultClient)
	if err != nil {
		t.Fatal(err)
	}
	_, err = bot.Send(tgbotapi.NewMessage(42, "x"))
	if te := apiError(t, err); te.Message != "Bad Request: chat not found" {
		t.Errorf("unknown chat: %+v", te)
	}
	srv.AddChat(telegramtest.Channel(-1007, "News"))
	if _, err := bot.Send(tgbotapi.NewMessage(-1007, "x")); err != nil {
		t.Errorf("known chat: %v", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	if _, err := srv.WaitSent(ctx, -1007, 2); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("WaitSent = %v, want deadline exceeded", err)
	}
}
