package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"

	"github.com/ajel-news/ajel/bot/telegramtest"
	"github.com/ajel-news/ajel/config"
	"github.com/ajel-news/ajel/storage"
	"github.com/ajel-news/ajel/storage/storagetest"
)

const testToken = "123456:TEST-token-never-logged"

// feedServer serves one RSS document that a test can change between polls.
type feedServer struct {
	mu          sync.Mutex
	body        []byte
	contentType string
	srv         *httptest.Server
}

func newFeedServer(t *testing.T) *feedServer { return newFeedServerTB(t) }

func newFeedServerTB(t testing.TB) *feedServer {
	fs := &feedServer{contentType: "application/rss+xml; charset=utf-8"}
	fs.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fs.mu.Lock()
		body, ct := fs.body, fs.contentType
		fs.mu.Unlock()
		w.Header().Set("Content-Type", ct)
		w.Write(body)
	}))
	t.Cleanup(fs.srv.Close)
	return fs
}

func (fs *feedServer) set(body []byte, contentType string) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.body = body
	if contentType != "" {
		fs.contentType = contentType
	}
}

type rssItem struct{ guid, title, text, link string }

func rss(items ...rssItem) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>وكالة الاختبار</title><link>https://news.example/</link>`)
	for _, it := range items {
		b.WriteString("<item>")
		if it.guid != "" {
			fmt.Fprintf(&b, "<guid>%s</guid>", it.guid)
		}
		fmt.Fprintf(&b, "<title>%s</title><description><![CDATA[%s]]></description>", it.title, it.text)
		if it.link != "" {
			fmt.Fprintf(&b, "<link>%s</link>", it.link)
		}
		b.WriteString("</item>")
	}
	b.WriteString("</channel></rss>")
	return []byte(b.String())
}

var (
	itemOld    = rssItem{"old-1", "قصف على ريف حلب في سوريا", "<p>خبر قديم كان في الخلاصة قبل أن يبدأ البوت.</p>", "https://news.example/old"}
	itemSyria  = rssItem{"syria-1", "انتخابات بلدية في دمشق", "<p>بدأ السوريون اليوم التصويت في انتخابات بلدية في دمشق وريفها.</p><p>وتستمر عملية الاقتراع حتى المساء.</p>", "https://news.example/syria"}
	itemSports = rssItem{"sport-1", "نتيجة مباراة الدوري الإسباني", "<p>فاز ريال مدريد على برشلونة في مباراة مثيرة.</p>", "https://news.example/sport"}
)

// harness runs the real `ajel run` code path against the fake Telegram.
type harness struct {
	t      *testing.T
	tg     *telegramtest.Server
	env    map[string]string
	logs   *syncBuffer
	cancel context.CancelFunc
	done   chan int
	db     *storage.DB // the app's database, opened beside it by store
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newHarness(t *testing.T, tg *telegramtest.Server, env map[string]string) *harness {
	t.Helper()
	return &harness{t: t, tg: tg, env: testEnv(tg.Endpoint(), filepath.Join(t.TempDir(), "ajel.db"), env), logs: &syncBuffer{}}
}

// testEnv is the environment every test run of the bot starts from: the
// fake Telegram at endpoint, the database at dbPath, a 1 s poll, no HTTP
// server, private feeds allowed (the feed servers are on loopback) and
// debug logs; extra adds to it or overrides it.
func testEnv(endpoint, dbPath string, extra map[string]string) map[string]string {
	env := map[string]string{
		config.EnvTelegramToken:     testToken,
		config.EnvTelegramEndpoint:  endpoint,
		config.EnvDatabasePath:      dbPath,
		config.EnvPollInterval:      "1s",
		config.EnvHTTPAddr:          "",
		config.EnvAllowPrivateFeeds: "true",
		config.EnvLogLevel:          "debug",
	}
	for k, v := range extra {
		env[k] = v
	}
	return fixedPolling(env)
}

// fixedPolling makes a test's feeds polled at POLL_INTERVAL, not adapted
// to how they publish, unless the test sets POLL_INTERVAL_MAX itself.
func fixedPolling(env map[string]string) map[string]string {
	if _, ok := env[config.EnvPollIntervalMax]; !ok {
		env[config.EnvPollIntervalMax] = env[config.EnvPollInterval]
	}
	return env
}

func (h *harness) start() {
	h.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel, h.done = cancel, make(chan int, 1)
	c := cli{
		stdin: strings.NewReader(""), stdout: h.logs, stderr: h.logs,
		loadConfig: func() (config.Config, error) {
			return config.Load(func(k string) (string, bool) { v, ok := h.env[k]; return v, ok })
		},
	}
	go func() { h.done <- c.run(ctx, []string{"run"}) }()
	h.t.Cleanup(h.stop)
	// Ready when the bot is long-polling.
	h.wait("the bot to poll", func() bool { return h.tg.Polling() })
}

func (h *harness) stop() {
	if h.cancel == nil {
		return
	}
	h.cancel()
	select {
	case code := <-h.done:
		if code != 0 {
			h.t.Errorf("ajel run exited %d; logs:\n%s", code, h.logs.String())
		}
	case <-time.After(15 * time.Second):
		h.t.Errorf("ajel run did not stop within 15s")
	}
	h.cancel = nil
}

func (h *harness) wait(what string, cond func() bool) {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(h.t.Context(), settleBound)
	defer cancel()
	if err := h.tg.WaitFor(ctx, cond); err != nil {
		h.t.Fatalf("waiting for %s: %v\nlogs:\n%s", what, err, h.logs.String())
	}
}

// say sends text as the user and waits for the bot's answer.
func (h *harness) say(chat telegramtest.Chat, from telegramtest.User, text string) telegramtest.Message {
	h.t.Helper()
	before := h.tg.SentCount(chat.ID)
	h.tg.SendText(chat, from, text)
	h.wait("a reply to "+text, func() bool { return h.tg.SentCount(chat.ID) > before })
	sent := h.tg.Sent(chat.ID)
	return sent[len(sent)-1]
}

// store is the app's database, opened beside the app on first use, for
// waiting on its state.
func (h *harness) store() *storage.DB {
	if h.db == nil {
		h.db = storagetest.OpenAt(h.t, h.env[config.EnvDatabasePath])
	}
	return h.db
}

func pushes(msgs []telegramtest.Message) []telegramtest.Message {
	var out []telegramtest.Message
	for _, m := range msgs {
		if strings.Contains(m.PlainText, "أخبار عاجلة") {
			out = append(out, m)
		}
	}
	return out
}

func TestSubscribeListRestartStop(t *testing.T) {
	tg := telegramtest.NewTest(t, testToken)
	h := newHarness(t, tg, nil)
	h.start()
	chat, user := telegramtest.PrivateChat(1001), telegramtest.NewUser(1001, "ليلى")

	welcome := h.say(chat, user, "/start")
	if !strings.Contains(welcome.PlainText, "عاجل") || len(welcome.Keyboard) == 0 {
		t.Fatalf("welcome without topic keyboard: %+v", welcome)
	}
	for _, name := range []string{"سوريا", "اقتصاد"} {
		n := tg.CallCount("answerCallbackQuery")
		if _, err := tg.Press(chat, user, welcome.ID, buttonLabel(t, welcome, name)); err != nil {
			t.Fatal(err)
		}
		h.wait("the tap on "+name, func() bool { return tg.CallCount("answerCallbackQuery") > n })
		welcome, _ = tg.Message(chat.ID, welcome.ID)
	}
	if reply := h.say(chat, user, "/subscribe إدلب"); !strings.Contains(reply.PlainText, "إدلب") {
		t.Fatalf("subscribe reply: %q", reply.PlainText)
	}
	list := h.say(chat, user, "/list")
	for _, want := range []string{"سوريا", "اقتصاد", "إدلب"} {
		if !strings.Contains(list.PlainText, want) {
			t.Errorf("/list lacks %s: %q", want, list.PlainText)
		}
	}

	h.stop()
	sentBefore := tg.SentCount(chat.ID)
	h.start()
	list = h.say(chat, user, "/list")
	for _, want := range []string{"سوريا", "اقتصاد", "إدلب"} {
		if !strings.Contains(list.PlainText, want) {
			t.Errorf("after restart /list lacks %s: %q", want, list.PlainText)
		}
	}
	if got := tg.SentCount(chat.ID); got != sentBefore+1 {
		for _, m := range tg.Sent(chat.ID) {
			t.Logf("%d: %q", m.ID, m.PlainText)
		}
		t.Errorf("restart re-handled old updates: %d messages, want %d", got, sentBefore+1)
	}
	h.say(chat, user, "/stop")
	list = h.say(chat, user, "/list")
	if !strings.Contains(list.PlainText, "لا اشتراكات") || strings.Contains(list.PlainText, "اقتصاد") {
		t.Errorf("after /stop /list is not empty: %q", list.PlainText)
	}
}

func buttonLabel(t *testing.T, m telegramtest.Message, contains string) string {
	t.Helper()
	for _, row := range m.Keyboard {
		for _, b := range row {
			if strings.Contains(b.Text, contains) {
				return b.Text
			}
		}
	}
	t.Fatalf("no button with %q in %+v", contains, m.Keyboard)
	return ""
}

func TestFeedToPush(t *testing.T) {
	tg := telegramtest.NewTest(t, testToken, telegramtest.WithRateLimits(telegramtest.DefaultRateLimits()))
	feedSrv := newFeedServer(t)
	feedSrv.set(rss(itemOld), "")
	h := newHarness(t, tg, map[string]string{config.EnvFeeds: feedSrv.srv.URL + "/rss"})
	h.start()

	reader, readerUser := telegramtest.PrivateChat(2001), telegramtest.NewUser(2001, "سامي")
	other, otherUser := telegramtest.PrivateChat(2002), telegramtest.NewUser(2002, "منى")
	h.say(reader, readerUser, "/subscribe سوريا")
	h.say(other, otherUser, "/subscribe رياضة")
	awaitPrimed(t, h.store(), 1)

	feedSrv.set(rss(itemOld, itemSyria, itemSports), "")
	h.wait("the Syria push", func() bool { return len(pushes(tg.Sent(reader.ID))) >= 1 })
	h.wait("the sports push", func() bool { return len(pushes(tg.Sent(other.ID))) >= 1 })
	awaitPolls(t, h.store(), 2) // two more polls: nothing else may arrive

	got := pushes(tg.Sent(reader.ID))
	if len(got) != 1 {
		t.Fatalf("reader got %d pushes, want exactly 1: %+v", len(got), got)
	}
	p := got[0]
	for _, want := range []string{"أخبار عاجلة", "سوريا", "انتخابات بلدية في دمشق", "المصدر"} {
		if !strings.Contains(p.PlainText, want) {
			t.Errorf("push lacks %q:\n%s", want, p.PlainText)
		}
	}
	if strings.Contains(p.PlainText, "ريف حلب") {
		t.Error("an item present at the first poll was pushed")
	}
	if err := telegramtest.ValidateHTML(p.Text); err != nil {
		t.Errorf("push is not valid Telegram HTML: %v", err)
	}
	if n := len(pushes(tg.Sent(other.ID))); n != 1 {
		t.Errorf("sports reader got %d pushes, want 1", n)
	}

	// A restart pushes nothing again.
	h.stop()
	before := tg.MessageCount()
	h.start()
	awaitPolls(t, h.store(), 2)
	if after := tg.MessageCount(); after != before {
		t.Errorf("restart sent %d more messages", after-before)
	}
	if tg.Stats().TooManyRequests != 0 {
		t.Errorf("the fake Telegram answered %d 429s", tg.Stats().TooManyRequests)
	}
	if strings.Contains(h.logs.String(), testToken) {
		t.Error("the bot token appeared in the logs")
	}
}

func TestFeedWithoutGUIDsAndWindows1256(t *testing.T) {
	t.Parallel()
	tg := telegramtest.NewTest(t, testToken)
	plain := newFeedServer(t)
	legacy := newFeedServer(t)
	noGUID := func(items ...rssItem) []byte {
		for i := range items {
			items[i].guid = ""
		}
		return rss(items...)
	}
	encode := func(b []byte) []byte {
		s := strings.Replace(string(b), `encoding="UTF-8"`, `encoding="windows-1256"`, 1)
		out, err := charmap.Windows1256.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	plain.set(noGUID(itemOld), "")
	legacy.set(encode(rss(itemOld)), "application/rss+xml")
	h := newHarness(t, tg, map[string]string{config.EnvFeeds: plain.srv.URL + "/a," + legacy.srv.URL + "/b"})
	h.start()
	chat, user := telegramtest.PrivateChat(3001), telegramtest.NewUser(3001, "هدى")
	h.say(chat, user, "/subscribe دمشق")
	h.say(chat, user, "/subscribe ريال مدريد")
	awaitPrimed(t, h.store(), 2)

	plain.set(noGUID(itemOld, itemSyria), "")
	legacy.set(encode(rss(itemOld, itemSports)), "application/rss+xml")
	h.wait("both pushes", func() bool { return len(pushes(tg.Sent(chat.ID))) >= 2 })
	awaitPolls(t, h.store(), 2)
	got := pushes(tg.Sent(chat.ID))
	if len(got) != 2 {
		t.Fatalf("got %d pushes, want 2 (one per feed, none repeated)", len(got))
	}
	joined := got[0].PlainText + got[1].PlainText
	for _, want := range []string{"انتخابات بلدية في دمشق", "نتيجة مباراة الدوري الإسباني"} {
		if !strings.Contains(joined, want) {
			t.Errorf("pushes lack %q (windows-1256 must come out as Arabic):\n%s", want, joined)
		}
	}
}

func TestTelegramRefusals(t *testing.T) {
	t.Parallel()
	tg := telegramtest.NewTest(t, testToken)
	feedSrv := newFeedServer(t)
	feedSrv.set(rss(itemOld), "")
	h := newHarness(t, tg, map[string]string{config.EnvFeeds: feedSrv.srv.URL})
	h.start()
	limited, limitedUser := telegramtest.PrivateChat(4001), telegramtest.NewUser(4001, "أحمد")
	blocked, blockedUser := telegramtest.PrivateChat(4002), telegramtest.NewUser(4002, "رنا")
	h.say(limited, limitedUser, "/subscribe سوريا")
	h.say(blocked, blockedUser, "/subscribe سوريا")
	awaitPrimed(t, h.store(), 1)

	tg.FailNext("sendMessage", limited.ID, 1, telegramtest.TooManyRequests(2))
	tg.Block(blocked.ID)
	feedSrv.set(rss(itemOld, itemSyria), "")
	h.wait("the push after retry_after", func() bool { return len(pushes(tg.Sent(limited.ID))) == 1 })
	var first429 time.Time
	for _, c := range tg.CallsTo("sendMessage") {
		if c.ChatID == limited.ID && c.Code == 429 {
			first429 = c.Time
		}
	}
	if first429.IsZero() {
		t.Fatal("the injected 429 was never hit")
	}
	if sent := pushes(tg.Sent(limited.ID))[0].Date; sent.Sub(first429) < 1900*time.Millisecond {
		t.Errorf("retried %s after the 429, before retry_after (2s)", sent.Sub(first429))
	}

	// The blocked chat is deactivated: a second story sends nothing there.
	feedSrv.set(rss(itemOld, itemSyria, rssItem{"syria-2", "افتتاح مستشفى جديد في حلب السورية", "خبر ثان.", "https://news.example/syria2"}), "")
	h.wait("the second push", func() bool { return len(pushes(tg.Sent(limited.ID))) == 2 })
	// The poll that brought the story has queued its every push: once none
	// is pending, the blocked chat had its chance.
	awaitIdle(t, h.store())
	attempts := 0
	for _, c := range tg.CallsTo("sendMessage") {
		if c.ChatID == blocked.ID && strings.Contains(c.Params["text"], "أخبار عاجلة") {
			attempts++
		}
	}
	if attempts != 1 {
		t.Errorf("the blocked chat was tried %d times, want 1 (then deactivated)", attempts)
	}
}

func TestWebhookMode(t *testing.T) {
	tg := telegramtest.NewTest(t, testToken)
	h := newHarness(t, tg, map[string]string{
		config.EnvHTTPAddr:      "127.0.0.1:0",
		config.EnvWebhookURL:    "https://bot.example.com/telegram/hook",
		config.EnvWebhookSecret: "s3cret-value_1",
	})
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel, h.done = cancel, make(chan int, 1)
	c := cli{stdin: strings.NewReader(""), stdout: h.logs, stderr: h.logs, loadConfig: envConfig(h.env)}
	go func() { h.done <- c.run(ctx, []string{"run"}) }()
	t.Cleanup(h.stop)
	h.wait("the webhook to be set", func() bool { return tg.CallCount("setWebhook") > 0 })
	addr := regexp.MustCompile(`http=(127\.0\.0\.1:\d+)`).FindStringSubmatch(h.logs.String())
	if addr == nil {
		t.Fatalf("no bound address in the logs:\n%s", h.logs.String())
	}
	post := func(secret, body string) int {
		req, _ := http.NewRequest(http.MethodPost, "http://"+addr[1]+"/telegram/hook", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if secret != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	update := `{"update_id":500,"message":{"message_id":1,"date":1764300000,"chat":{"id":6001,"type":"private","first_name":"نور"},"from":{"id":6001,"is_bot":false,"first_name":"نور"},"text":"/help","entities":[{"type":"bot_command","offset":0,"length":5}]}}`
	for _, tc := range []struct {
		secret, body string
		want         int
	}{
		{"", update, http.StatusUnauthorized},
		{"wrong", update, http.StatusForbidden},
		{"s3cret-value_1", "{garbage", http.StatusBadRequest},
		{"s3cret-value_1", update, http.StatusOK},
		{"s3cret-value_1", update, http.StatusOK}, // Telegram's retry: answered, not handled again
	} {
		if got := post(tc.secret, tc.body); got != tc.want {
			t.Errorf("secret %q body %.20q: %d, want %d", tc.secret, tc.body, got, tc.want)
		}
	}
	h.wait("the reply", func() bool { return tg.SentCount(6001) >= 1 })
	// Each post was answered once the update was queued (or found queued):
	// an empty inbox means every queued update was handled.
	awaitIdle(t, h.store())
	if n := tg.SentCount(6001); n != 1 {
		t.Errorf("the update was handled %d times, want once", n)
	}
	if strings.Contains(h.logs.String(), "s3cret-value_1") || strings.Contains(h.logs.String(), testToken) {
		t.Error("a secret reached the logs")
	}
}

// ingestURL is the ingest API of a started harness run with
// HTTP_ADDR=127.0.0.1:0, read from its log.
func (h *harness) ingestURL() string {
	h.t.Helper()
	addr := regexp.MustCompile(`http=(127\.0\.0\.1:\d+)`).FindStringSubmatch(h.logs.String())
	if addr == nil {
		h.t.Fatalf("no bound address in the logs:\n%s", h.logs.String())
	}
	return "http://" + addr[1] + "/api/v1/articles"
}

// postArticle posts a JSON body to the ingest API with a bearer token
// and returns the status.
func postArticle(t *testing.T, url, token, body string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestIngestAPIPushes(t *testing.T) {
	tg := telegramtest.NewTest(t, testToken)
	h := newHarness(t, tg, map[string]string{config.EnvHTTPAddr: "127.0.0.1:0", config.EnvIngestToken: "newsroom-secret"})
	h.start()
	url := h.ingestURL()
	chat, user := telegramtest.PrivateChat(7001), telegramtest.NewUser(7001, "ريم")
	h.say(chat, user, "/subscribe الاقتصاد")
	post := func(token, body string) int { return postArticle(t, url, token, body) }
	article := `{"title":"عاجل: البنك المركزي يرفع أسعار الفائدة","text":"رفع البنك المركزي أسعار الفائدة نصف نقطة مئوية لكبح التضخم. وقال محافظ البنك إن القرار يهدف إلى حماية العملة.","url":"https://newsroom.example/rates","source":"غرفة الأخبار"}`
	if got := post("wrong", article); got != http.StatusUnauthorized {
		t.Errorf("wrong token: %d", got)
	}
	if got := post("newsroom-secret", `{"text":"بلا عنوان"}`); got != http.StatusBadRequest {
		t.Errorf("missing title: %d", got)
	}
	if got := post("newsroom-secret", article); got != http.StatusCreated {
		t.Fatalf("ingest: %d", got)
	}
	if got := post("newsroom-secret", article); got != http.StatusOK {
		t.Errorf("the same article again: %d, want 200 (duplicate)", got)
	}
	h.wait("the push", func() bool { return len(pushes(tg.Sent(chat.ID))) == 1 })
	p := pushes(tg.Sent(chat.ID))[0]
	if !strings.Contains(p.PlainText, "🔴 أخبار عاجلة · اقتصاد") || !strings.Contains(p.PlainText, "البنك المركزي يرفع أسعار الفائدة") || p.DisableNotification {
		t.Errorf("breaking push from the newsroom:\n%s (silent=%v)", p.PlainText, p.DisableNotification)
	}
	// The API queued every push before it answered: none left pending,
	// none can come.
	awaitIdle(t, h.store())
	if n := len(pushes(tg.Sent(chat.ID))); n != 1 {
		t.Errorf("%d pushes, want 1", n)
	}
}
