package demo_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/ajel-news/ajel/bot/telegramtest"
	"github.com/ajel-news/ajel/demo"
)

const testToken = "123456:demo-page-test"

// Texts of the fake bot, close to what the real bot says.
const (
	pushSyria = "🔴 أخبار عاجلة · سوريا\n" +
		"<b>عاجل: افتتاح معبر جديد على الحدود السورية اللبنانية</b>\n" +
		"أعلنت السلطات افتتاح معبر حدودي جديد صباح اليوم لتسهيل حركة المسافرين والشاحنات بين البلدين.\n" +
		`المصدر: وكالة الخبر · <a href="https://wire.example/news/1">الرابط</a> · وأفادت به 3 مصادر أخرى`
	pushEconomy = "📰 أخبار عاجلة · اقتصاد\n" +
		"<b>ارتفاع أسعار الذهب في الأسواق العربية</b>\n" +
		"سجّلت أسعار الذهب ارتفاعًا طفيفًا في ختام تعاملات اليوم.\n" +
		`المصدر: الشام اليوم · <a href="https://levant.example/news/7">الرابط</a>`
)

// fakeBot answers the demo user the way Ajel would, through tgbotapi
// against the fake server: /subscribe gets a confirmation with a topic
// keyboard and then two pushes; a topic button toggles its ✅ by editing
// the keyboard and answers the callback.
type fakeBot struct {
	api *tgbotapi.BotAPI
	// pushDelay is waited between the /subscribe reply and the pushes, so a
	// person watching the page sees them arrive.
	pushDelay time.Duration

	mu        sync.Mutex
	chosen    map[string]bool
	callbacks []string // callback data received, in order
}

var topics = []struct{ slug, label string }{
	{"syria", "🇸🇾 سوريا"}, {"lebanon", "🇱🇧 لبنان"}, {"economy", "💰 اقتصاد"},
}

func startFakeBot(t *testing.T, tg *telegramtest.Server, pushDelay time.Duration) *fakeBot {
	t.Helper()
	api, err := tgbotapi.NewBotAPIWithClient(tg.Token(), tg.Endpoint(), &http.Client{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatalf("fake bot: %v", err)
	}
	fb := &fakeBot{api: api, pushDelay: pushDelay, chosen: map[string]bool{}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		fb.run(ctx, t)
	}()
	t.Cleanup(func() {
		cancel()
		tg.Close() // ends the running getUpdates at once
		<-done
	})
	return fb
}

func (fb *fakeBot) run(ctx context.Context, t *testing.T) {
	offset := 0
	for ctx.Err() == nil {
		ups, err := fb.api.GetUpdates(tgbotapi.UpdateConfig{Offset: offset, Timeout: 1})
		if err != nil {
			select {
			case <-ctx.Done():
			case <-time.After(50 * time.Millisecond):
			}
			continue
		}
		for _, u := range ups {
			offset = u.UpdateID + 1
			if err := fb.handle(ctx, u); err != nil && ctx.Err() == nil {
				t.Errorf("fake bot: %v", err)
			}
		}
	}
}

func (fb *fakeBot) keyboard() tgbotapi.InlineKeyboardMarkup {
	fb.mu.Lock()
	defer fb.mu.Unlock()
	var row []tgbotapi.InlineKeyboardButton
	for _, tp := range topics {
		label := tp.label
		if fb.chosen[tp.slug] {
			label = "✅ " + label
		}
		row = append(row, tgbotapi.NewInlineKeyboardButtonData(label, "t:"+tp.slug))
	}
	return tgbotapi.NewInlineKeyboardMarkup(row)
}

func (fb *fakeBot) send(chatID int64, text string, kb *tgbotapi.InlineKeyboardMarkup, silent bool) error {
	m := tgbotapi.NewMessage(chatID, text)
	m.ParseMode = tgbotapi.ModeHTML
	m.DisableNotification = silent
	if kb != nil {
		m.ReplyMarkup = *kb
	}
	_, err := fb.api.Send(m)
	return err
}

func (fb *fakeBot) handle(ctx context.Context, u tgbotapi.Update) error {
	switch {
	case u.Message != nil:
		chatID := u.Message.Chat.ID
		switch cmd, arg, _ := strings.Cut(u.Message.Text, " "); cmd {
		case "/start":
			kb := fb.keyboard()
			return fb.send(chatID, "👋 أهلًا بك في <b>عاجل</b>!\nاختر موضوعًا أو أكثر من الأزرار أدناه.", &kb, false)
		case "/subscribe":
			fb.mu.Lock()
			fb.chosen["syria"] = true
			fb.mu.Unlock()
			kb := fb.keyboard()
			text := "✅ تمّ الاشتراك في موضوع «<b>" + htmlEscape(arg) + "</b>». ستصلك أخباره العاجلة فور نشرها."
			if err := fb.send(chatID, text, &kb, false); err != nil {
				return err
			}
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(fb.pushDelay):
			}
			if err := fb.send(chatID, pushSyria, nil, false); err != nil {
				return err
			}
			return fb.send(chatID, pushEconomy, nil, true)
		default:
			return fb.send(chatID, "لم أتعرّف على هذا الأمر. اكتب /help لعرض الأوامر المتاحة.", nil, false)
		}
	case u.CallbackQuery != nil:
		q := u.CallbackQuery
		fb.mu.Lock()
		fb.callbacks = append(fb.callbacks, q.Data)
		slug := strings.TrimPrefix(q.Data, "t:")
		fb.chosen[slug] = !fb.chosen[slug]
		on := fb.chosen[slug]
		fb.mu.Unlock()
		edit := tgbotapi.NewEditMessageReplyMarkup(q.Message.Chat.ID, q.Message.MessageID, fb.keyboard())
		if _, err := fb.api.Request(edit); err != nil {
			return err
		}
		answer := "تمّ إلغاء الاشتراك"
		if on {
			answer = "✅ تمّ الاشتراك"
		}
		_, err := fb.api.Request(tgbotapi.NewCallback(q.ID, answer))
		return err
	}
	return nil
}

func (fb *fakeBot) received() []string {
	fb.mu.Lock()
	defer fb.mu.Unlock()
	return append([]string(nil), fb.callbacks...)
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// fixture is a fake server, a demo chat page for one user and the page
// served on loopback.
type fixture struct {
	tg   *telegramtest.Server
	chat telegramtest.Chat
	user telegramtest.User
	page *demo.ChatPage
	srv  *httptest.Server
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	tg := telegramtest.NewTest(t, testToken)
	user := telegramtest.NewUser(4242, "قارئ")
	chat := telegramtest.PrivateChat(user.ID)
	page := demo.NewChatPage(tg, chat, user, slog.New(slog.DiscardHandler))
	srv := httptest.NewServer(page)
	t.Cleanup(srv.Close)
	t.Cleanup(page.Close) // first: it ends the long polls srv.Close would wait for
	return &fixture{tg: tg, chat: chat, user: user, page: page, srv: srv}
}

type messagesAnswer struct {
	Messages []demo.Entry `json:"messages"`
	Last     int64        `json:"last"`
	Reset    bool         `json:"reset"`
}

func (f *fixture) poll(t *testing.T, after int64) messagesAnswer {
	t.Helper()
	resp, err := f.srv.Client().Get(f.srv.URL + "/demo/api/messages?after=" + itoa(after))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET messages: %s", resp.Status)
	}
	var ans messagesAnswer
	if err := json.NewDecoder(resp.Body).Decode(&ans); err != nil {
		t.Fatal(err)
	}
	return ans
}

// post sends body as JSON with the headers a same-origin fetch has, plus
// the ones given.
func (f *fixture) post(t *testing.T, path, body string, headers map[string]string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, f.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", f.srv.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for k, v := range headers {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("POST %s: %s: body is not JSON: %q", path, resp.Status, raw)
	}
	return resp.StatusCode, out
}

// waitPolling waits until a long poll of the page is waiting for news, or
// answered is true (the poll was answered without waiting). It may run in
// a goroutine of its own.
func (f *fixture) waitPolling(t *testing.T, answered func() bool) {
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	for f.page.Waiting() == 0 && !answered() {
		select {
		case <-ctx.Done():
			t.Error("no poll of the page started waiting")
			return
		case <-time.After(time.Millisecond):
		}
	}
}

// waitEntries waits until cond holds for the transcript.
func (f *fixture) waitEntries(t *testing.T, what string, cond func([]demo.Entry) bool) []demo.Entry {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	for {
		es := f.page.Entries()
		if cond(es) {
			return es
		}
		select {
		case <-ctx.Done():
			t.Fatalf("waiting for %s; transcript: %s", what, dump(es))
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func dump(es []demo.Entry) string {
	var b bytes.Buffer
	for _, e := range es {
		b.WriteString("\n  " + e.From + " #" + itoa(int64(e.ID)) + ": " + e.Text)
	}
	return b.String()
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
