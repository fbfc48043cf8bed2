package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/ajel-news/ajel/bot/telegramtest"
	"github.com/ajel-news/ajel/bot/texts"
	"github.com/ajel-news/ajel/demo"
	"github.com/ajel-news/ajel/internal/wait"
	"github.com/ajel-news/ajel/news"
)

// The demo reader: one private chat with the bot.
const (
	demoChatID   = 1001
	demoToken    = "4242:demo-token"
	demoReaderAr = "قارئ تجريبي"
)

func (c cli) cmdDemo(ctx context.Context, args []string) error {
	fs := newFlagSet("demo")
	duration := fs.Duration("duration", 0, "stop after this long (default: run until Ctrl-C)")
	dbPath := fs.String("db", "", "keep the demo database in this file (default: a temporary one)")
	every := fs.Duration("every", 3*time.Second, "time between two sample news items")
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	if *every < 100*time.Millisecond {
		return fmt.Errorf("%w: --every must be at least 100ms", errUsage)
	}
	cfg, err := c.loadConfig()
	if err != nil {
		return err
	}
	if *duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *duration)
		defer cancel()
	}

	tg := telegramtest.New(demoToken, telegramtest.WithBotUsername("ajel_demo_bot"),
		telegramtest.WithRateLimits(telegramtest.DefaultRateLimits()))
	if err := tg.Start(); err != nil {
		return fmt.Errorf("demo: start the fake Telegram: %w", err)
	}
	defer tg.Close()
	feeds := demo.NewFeedServer(demo.Archive(), demo.Articles(), 2)
	defer feeds.Close()

	if *dbPath == "" {
		dir, err := os.MkdirTemp("", "ajel-demo-")
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		defer os.RemoveAll(dir)
		*dbPath = filepath.Join(dir, "demo.db")
	}
	cfg.TelegramToken, cfg.TelegramEndpoint = demoToken, tg.Endpoint()
	cfg.DatabasePath = *dbPath
	cfg.PollInterval = time.Second
	cfg.PollIntervalMax = time.Second // a show: every item at once, not at the pace of a real source
	cfg.AllowPrivateFeeds = true      // the sample feeds are served on loopback
	cfg.AdminIDs = append(cfg.AdminIDs, demoChatID)
	// The terminal belongs to the conversation; only problems are logged.
	log := newLogger(c.stderr, max(cfg.LogLevel, slog.LevelWarn), cfg.IngestToken)

	out := &transcript{w: c.stdout, pushes: map[int]string{}}
	// Why a second telling joined a story is printed as it joins: the
	// reader sees the first push edited, not a second one.
	a, err := newApp(ctx, cfg, log, appOptions{pollTimeout: 2 * time.Second, storyJoined: out.joined})
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.addFeeds(ctx, feeds.URLs(), nil); err != nil {
		return err
	}
	chat, user := telegramtest.PrivateChat(demoChatID), telegramtest.NewUser(demoChatID, demoReaderAr)
	page := demo.NewChatPage(tg, chat, user, log)
	if a.listener != nil {
		a.web.Handle("/", page)
	}

	stopPrinting := tg.OnEvent(func(ev telegramtest.Event) {
		if ev.Message.ChatID != demoChatID {
			return
		}
		switch ev.Kind {
		case telegramtest.EventSent:
			out.bot(ev.Message)
		case telegramtest.EventEdited:
			out.edited(ev.Message)
		}
	})
	defer stopPrinting()
	defer page.Close()
	go func() {
		// End the page's waiting long polls first, so the web server's
		// graceful shutdown is not held by them.
		<-ctx.Done()
		page.Close()
	}()
	stopUser := page.OnMessage(func(e demo.Entry) {
		if e.From == "user" && e.Via == "" && !e.Edited && !e.Deleted { // a story posted via the bot is printed as the bot's
			out.user(e.Text)
		}
	})
	defer stopUser()

	out.header(a, *duration)
	done := make(chan error, 1)
	go func() { done <- a.run(ctx) }()

	script(ctx, tg, page, feeds, out, *every)
	if ctx.Err() == nil {
		share(ctx, tg, chat, user, out)
	}
	err = <-done
	out.line("\n⏹  انتهى العرض. (demo finished)")
	return err
}

// script plays the demo reader and the newsroom: it subscribes, then
// releases one sample item every few seconds.
func script(ctx context.Context, tg *telegramtest.Server, page *demo.ChatPage, feeds *demo.FeedServer, out *transcript, every time.Duration) {
	waitCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	_ = tg.WaitFor(waitCtx, tg.Polling) // the bot is ready when it long-polls
	cancel()
	for _, text := range []string{"/start", "/subscribe سوريا", "/subscribe إدلب"} {
		page.Say(text)
		if !wait.Sleep(ctx, 1200*time.Millisecond) {
			return
		}
	}
	out.line("\n📡 تُنشر الأخبار الآن في خلاصتين تجريبيتين، خبر كل %s. (sample news is being published)\n", every)
	ticker := time.NewTicker(every)
	defer ticker.Stop()
	for feeds.Remaining() > 0 {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			if a, ok := feeds.Release(); ok {
				out.line("📡 نُشر في «%s»: %s", a.Outlet, a.Title)
			}
		}
	}
	out.line("\n✅ نُشرت كل الأخبار التجريبية. الصفحة ما زالت تعمل؛ اضغط Ctrl-C للخروج. (all sample news is out; Ctrl-C to quit)")
}

// share plays the reader once the sample news is out: they press
// «كيف نقلتها المصادر» under the earthquake's push, which two outlets told
// (the answer is the comparison), then type "@bot زلزال" in a chat, as in
// any Telegram chat, and pick the first story from the list inline mode
// answers (the chat page can do both).
func share(ctx context.Context, tg *telegramtest.Server, chat telegramtest.Chat, user telegramtest.User, out *transcript) {
	words := texts.Arabic()
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var push telegramtest.Message
	var button telegramtest.Button
	if tg.WaitFor(wctx, func() bool {
		for _, m := range tg.Sent(chat.ID) {
			if b, ok := m.Button(words.CompareButton); ok {
				push, button = m, b
				return true
			}
		}
		return false
	}) != nil {
		return
	}
	out.line("\n👆 %s يضغط «%s» تحت خبر الزلزال:", demoReaderAr, words.CompareButton)
	before := tg.SentCount(chat.ID)
	if _, err := tg.PressButton(chat, user, push.ID, button.CallbackData); err != nil {
		return
	}
	_ = tg.WaitFor(wctx, func() bool { return tg.SentCount(chat.ID) > before }) // the transcript prints it
	if !wait.Sleep(ctx, 1200*time.Millisecond) {
		return
	}
	const query = "زلزال"
	out.line("\n⌨️  %s يكتب في أي محادثة: @%s %s", demoReaderAr, tg.Bot().Username, query)
	q := tg.SendInlineQuery(user, query, "sender")
	var ans telegramtest.InlineAnswer
	if tg.WaitFor(wctx, func() bool { var ok bool; ans, ok = tg.InlineAnswer(q.InlineQueryID); return ok }) != nil {
		return
	}
	out.line("   قائمة عاجل (inline mode):")
	for _, r := range ans.Results {
		out.line("   • %s — %s", strings.TrimSpace(r.Title), r.Description)
	}
	if len(ans.Results) > 0 {
		out.line("   (يختار الخبر الأول فيُنشر في المحادثة)")
		_, _ = tg.ChooseInlineResult(chat, q.InlineQueryID, ans.Results[0].ID) // the transcript prints it
	}
}

// transcript prints the demo conversation to the terminal.
type transcript struct {
	mu sync.Mutex
	w  io.Writer
	// pushes holds the text last printed of each push, by message id, so
	// that an edit is printed only when the reader would see a change.
	pushes map[int]string
}

func (t *transcript) line(format string, args ...any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	fmt.Fprintf(t.w, format+"\n", args...)
}

func (t *transcript) header(a *app, duration time.Duration) {
	t.line("عاجل (Ajel) — demo: the real pipeline, storage and delivery against an in-process fake Telegram.")
	t.line("No token, no network. Database: %s", a.cfg.DatabasePath)
	if a.listener != nil {
		t.line("Chat page: http://%s/   (health: /healthz, metrics: /metrics)", a.listener.Addr())
	} else {
		t.line("Chat page: off (HTTP_ADDR is empty)")
	}
	if duration > 0 {
		t.line("Stops after %s; Ctrl-C stops it earlier.", duration)
	} else {
		t.line("Ctrl-C stops it.")
	}
	t.line("")
}

func (t *transcript) user(text string) {
	t.line("👤 %s: %s", demoReaderAr, text)
}

func (t *transcript) bot(m telegramtest.Message) {
	text := strings.TrimSpace(m.PlainText)
	if m.InlineMessageID != "" {
		// Posted by the reader through inline mode, "via @bot".
		t.line("\n📤 %s (via @bot):", demoReaderAr)
	}
	if isPush(text) {
		bell := "🔔"
		if m.DisableNotification {
			bell = "🔕"
		}
		t.push(bell, m, text)
		return
	}
	body := indent(text, "   ")
	if n := len(m.Keyboard); n > 0 {
		var labels []string
		for _, row := range m.Keyboard {
			for _, b := range row {
				labels = append(labels, "["+b.Text+"]")
			}
		}
		if len(labels) > 8 {
			labels = append(labels[:8], "…")
		}
		body += "\n   " + strings.Join(labels, " ")
	}
	t.line("🤖 عاجل:\n%s", body)
}

// isPush reports whether a bot message is a story's push.
func isPush(text string) bool { return strings.Contains(text, "أخبار عاجلة") }

// push prints a push (or its edit) as a card under mark.
func (t *transcript) push(mark string, m telegramtest.Message, text string) {
	t.mu.Lock()
	t.pushes[m.ID] = text
	t.mu.Unlock()
	bar := strings.Repeat("━", 40)
	if m.Preview.URL != "" {
		// Telegram shows the story's picture above the text.
		text = "🖼  " + m.Preview.URL + "\n" + text
	}
	t.line("\n%s %s\n%s\n%s\n", mark, bar, indent(text, "  "), bar)
}

// edited prints a push the bot edited, when its text changed: another
// outlet joined its story, or its page brought the summary.
func (t *transcript) edited(m telegramtest.Message) {
	text := strings.TrimSpace(m.PlainText)
	t.mu.Lock()
	before, ok := t.pushes[m.ID]
	t.mu.Unlock()
	if !ok || before == text || !isPush(text) {
		return
	}
	t.push("✏️  عُدّل الإشعار (edited)", m, text)
}

// joined says that an article told a story already open, and why.
func (t *transcript) joined(a news.Article) {
	t.line("🔗 «%s» (%s): الخبر نفسه، فلا يصل إشعار ثانٍ بل يُعدَّل الأول.\n   لماذا (story_note): %s", a.Title, a.Source, a.StoryNote)
}

func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}
