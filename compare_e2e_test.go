package main

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ajel-news/ajel/bot/telegramtest"
	"github.com/ajel-news/ajel/config"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/storage/storagetest"
)

// The real app: a push of a story a second outlet joined carries
// «كيف نقلتها المصادر» and «📤 مشاركة»; the comparison it answers marks
// the tolls that differ and is edited in place when a third outlet joins;
// "@bot حمص" in a group lists the story, which, posted there, turns into
// its comparison at the press of its button.
func TestCompareAndShareAStory(t *testing.T) {
	t.Parallel()
	tg := telegramtest.NewTest(t, testToken)
	a := startApp(t, tg, filepath.Join(t.TempDir(), "ajel.db"), nil)
	ctx := t.Context()
	reader, user := telegramtest.PrivateChat(6200), telegramtest.NewUser(6200, "قارئ")
	storagetest.Chat(t, a.db, reader.ID, news.ChatPrivate, "syria")
	tell := func(i int) {
		t.Helper()
		tl := homsTellings[i]
		if _, _, err := a.pipeline.Process(ctx, news.Article{Key: "homs-" + strconv.Itoa(i), Source: tl.source, Title: tl.title,
			Text: tl.text, URL: "https://news.example/homs/" + strconv.Itoa(i)}, true); err != nil {
			t.Fatal(err)
		}
	}
	wait := func(what string, cond func() bool) {
		t.Helper()
		wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		if err := tg.WaitFor(wctx, cond); err != nil {
			t.Fatalf("waiting for %s", what)
		}
	}

	tell(0)
	wait("the push", func() bool { return len(pushes(tg.Sent(reader.ID))) == 1 })
	if _, ok := pushes(tg.Sent(reader.ID))[0].Button("🧭 كيف نقلتها المصادر"); ok {
		t.Error("a story of one outlet offers a comparison")
	}
	wait("the push recorded", func() bool {
		ds, err := a.db.Deliveries(ctx, reader.ID)
		return err == nil && len(ds) == 1 && ds[0].Status == news.DeliverySent
	})
	tell(2) // another outlet, another toll: the push is edited and gains the button
	var push telegramtest.Message
	wait("the comparison button", func() bool {
		push = pushes(tg.Sent(reader.ID))[0]
		_, ok := push.Button("🧭 كيف نقلتها المصادر")
		return ok
	})
	share, ok := push.Button("📤 مشاركة")
	if !ok || share.SwitchInlineQuery == nil || *share.SwitchInlineQuery != "انفجار سيارة مفخخة قرب سوق شعبي" {
		t.Errorf("share button %+v", share)
	}
	cmp, _ := push.Button("🧭 كيف نقلتها المصادر")
	before := tg.SentCount(reader.ID)
	pressed, err := tg.PressButton(reader, user, push.ID, cmp.CallbackData)
	if err != nil {
		t.Fatal(err)
	}
	wait("the comparison", func() bool {
		_, answered := tg.CallbackAnswer(pressed.CallbackQueryID)
		return answered && tg.SentCount(reader.ID) > before
	})
	comparison := tg.Sent(reader.ID)[before]
	plain := strings.NewReplacer("\u2068", "", "\u2069", "").Replace(comparison.PlainText)
	for _, want := range []string{"🧭 كيف نقلتها المصادر · مصدران", "1. الأولى", "🔸 4 أشخاص", "2. الثالثة", "🔸 9 قتلى"} {
		if !strings.Contains(plain, want) {
			t.Errorf("the comparison lacks %q:\n%s", want, plain)
		}
	}
	tell(3) // a third outlet while it is open: edited in place
	wait("the comparison's edit", func() bool {
		m, _ := tg.Message(reader.ID, comparison.ID)
		return m.Edits > 0 && strings.Contains(m.PlainText, "3. الرابعة")
	})
	if n := tg.SentCount(reader.ID); n != before+1 {
		t.Errorf("%d messages after the comparison, want it alone, edited", n-before)
	}

	// Inline mode: the story, shared into a group the bot is not in.
	friend := telegramtest.NewUser(6201, "صديق")
	q := tg.SendInlineQuery(user, *share.SwitchInlineQuery, "supergroup") // as the share button types it
	var ans telegramtest.InlineAnswer
	wait("the inline answer", func() bool { ans, ok = tg.InlineAnswer(q.InlineQueryID); return ok })
	if len(ans.Results) == 0 || !strings.Contains(ans.Results[0].PlainText, "انفجار سيارة مفخخة") {
		t.Fatalf("inline answer %+v", ans)
	}
	group := telegramtest.Supergroup(-1006200, "العائلة")
	posted, err := tg.ChooseInlineResult(group, q.InlineQueryID, ans.Results[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	icmp, ok := posted.Button("🧭 كيف نقلتها المصادر")
	if !ok {
		t.Fatalf("the shared story has no comparison button: %+v", posted.Keyboard)
	}
	press, err := tg.PressInlineButton(friend, posted.InlineMessageID, icmp.CallbackData)
	if err != nil {
		t.Fatal(err)
	}
	wait("the inline comparison", func() bool {
		m, _ := tg.InlineMessage(posted.InlineMessageID)
		_, answered := tg.CallbackAnswer(press.CallbackQueryID)
		return answered && strings.Contains(m.PlainText, "كيف نقلتها المصادر · 3 مصادر")
	})
}

// Inline answers take a path of their own: while a fan-out to 200
// readers crawls at SEND_RATE=2, an inline query is answered, long before
// the fan-out is done.
func TestInlineAnswersDoNotWaitForAFanOut(t *testing.T) {
	t.Parallel()
	tg := telegramtest.NewTest(t, testToken, telegramtest.WithLatency(50*time.Millisecond))
	dbPath := filepath.Join(t.TempDir(), "ajel.db")
	storagetest.Seed(t, dbPath, 7100, 200, "syria")
	a := startApp(t, tg, dbPath, map[string]string{config.EnvSendRate: "2"})
	ctx := t.Context()
	if _, n, err := a.pipeline.Process(ctx, news.Article{Key: "fan", Source: "وكالة", Title: "زلزال يضرب حلب السورية",
		Text: "ضرب زلزال مدينة حلب السورية فجر اليوم.", URL: "https://news.example/fan"}, true); err != nil || n != 200 {
		t.Fatalf("queued %d, %v", n, err)
	}
	wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := tg.WaitFor(wctx, func() bool { return tg.MessageCount() > 0 }); err != nil {
		t.Fatal("the fan-out did not start")
	}
	q := tg.SendInlineQuery(telegramtest.NewUser(7099, "قارئ"), "زلزال حلب", "group")
	if err := tg.WaitFor(wctx, func() bool { _, ok := tg.InlineAnswer(q.InlineQueryID); return ok }); err != nil {
		t.Fatal("no inline answer")
	}
	ans, _ := tg.InlineAnswer(q.InlineQueryID)
	out, err := a.db.Outbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ans.Results) != 1 || out.Pending < 150 {
		t.Errorf("answered with %d results while %d pushes were pending; want the story, the fan-out far from done", len(ans.Results), out.Pending)
	}
}
