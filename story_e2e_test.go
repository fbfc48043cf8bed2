package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ajel-news/ajel/bot/telegramtest"
	"github.com/ajel-news/ajel/config"
	"github.com/ajel-news/ajel/news"
)

// rssFrom is rss() with the channel title, which is the source's name.
func rssFrom(source string, items ...rssItem) []byte {
	return []byte(strings.Replace(string(rss(items...)), "<title>وكالة الاختبار</title>", "<title>"+source+"</title>", 1))
}

var (
	storyText = "<p>أعلنت وزارة الصحة السورية افتتاح مستشفى جديد في مدينة حلب يضم مئتي سرير.</p>" +
		"<p>وقال وزير الصحة إن المستشفى سيخدم سكان المدينة وريفها الشمالي بعد سنوات من نقص الخدمات الطبية.</p>" +
		"<p>وأضاف أن المستشفى مجهز بأحدث الأجهزة وسيعمل فيه أكثر من ثلاثمئة طبيب وممرض.</p>" +
		"<p>وتأتي هذه الخطوة ضمن خطة لإعادة تأهيل القطاع الصحي في المحافظات السورية.</p>" +
		"<p>وكان المستشفى القديم في حلب قد تضرر بشدة خلال السنوات الماضية.</p>"
	itemStoryA = rssItem{"a-hospital", "افتتاح مستشفى جديد في حلب السورية", storyText, "https://a.example/hospital"}
	// The same report republished by another outlet: the headline marked
	// urgent and one sentence dropped.
	itemStoryB = rssItem{"b-77", "عاجل: افتتاح مستشفى جديد في حلب السورية",
		strings.Replace(storyText, "<p>وأضاف أن المستشفى مجهز بأحدث الأجهزة وسيعمل فيه أكثر من ثلاثمئة طبيب وممرض.</p>", "", 1),
		"https://b.example/77"}
	itemOtherB = rssItem{"b-78", "انطلاق معرض دمشق الدولي للكتاب",
		"<p>انطلقت في العاصمة السورية دمشق فعاليات معرض الكتاب الدولي بمشاركة مئات دور النشر العربية.</p>", "https://b.example/78"}
	itemOldB = rssItem{"b-old", "أمطار غزيرة في اللاذقية السورية", "<p>خبر قديم في الخلاصة الثانية.</p>", "https://b.example/old"}
)

// primed waits until n feeds had their first poll.
func (h *harness) primed(n int) {
	h.t.Helper()
	awaitPrimed(h.t, h.store(), n)
}

func TestStoryFromTwoFeedsIsPushedOnceThenEdited(t *testing.T) {
	t.Parallel()
	tg := telegramtest.NewTest(t, testToken, telegramtest.WithRateLimits(telegramtest.DefaultRateLimits()))
	feedA, feedB := newFeedServer(t), newFeedServer(t)
	feedA.set(rssFrom("وكالة أ", itemOld), "")
	feedB.set(rssFrom("وكالة ب", itemOldB), "")
	h := newHarness(t, tg, map[string]string{config.EnvFeeds: feedA.srv.URL + "/a," + feedB.srv.URL + "/b"})
	h.start()
	readers := []telegramtest.Chat{telegramtest.PrivateChat(8001), telegramtest.PrivateChat(8002)}
	for _, c := range readers {
		h.say(c, telegramtest.NewUser(c.ID, "قارئ"), "/subscribe سوريا")
	}
	h.primed(2)

	feedA.set(rssFrom("وكالة أ", itemOld, itemStoryA), "")
	for _, c := range readers {
		h.wait("the story's push", func() bool { return len(pushes(tg.Sent(c.ID))) == 1 })
		// One outlet so far: its own summary, with a sentence only it has.
		if before := pushes(tg.Sent(c.ID))[0].PlainText; !strings.Contains(before, "مجهز بأحدث الأجهزة") {
			t.Fatalf("reader %d: the first push lacks the first outlet's summary:\n%s", c.ID, before)
		}
	}
	feedB.set(rssFrom("وكالة ب", itemOldB, itemStoryB, itemOtherB), "")
	for _, c := range readers {
		h.wait("the other story's push", func() bool { return len(pushes(tg.Sent(c.ID))) == 2 })
		h.wait("the edit", func() bool {
			m := pushes(tg.Sent(c.ID))[0]
			return m.Edits > 0 && strings.Contains(m.PlainText, "وأفاد به مصدر آخر")
		})
	}
	awaitPolls(t, h.store(), 2) // two more polls: nothing else may arrive

	for _, c := range readers {
		got := pushes(tg.Sent(c.ID))
		if len(got) != 2 {
			t.Fatalf("reader %d got %d pushes, want 2: %+v", c.ID, len(got), got)
		}
		first, second := got[0], got[1]
		for _, want := range []string{"افتتاح مستشفى جديد في حلب", "المصدر: وكالة أ", "وأفاد به مصدر آخر", "مصادر أخرى: وكالة ب",
			// The summary now comes from both tellings: the sentence both
			// outlets carry replaces the one only the first had.
			"وتأتي هذه الخطوة ضمن خطة لإعادة تأهيل القطاع الصحي"} {
			if !strings.Contains(first.PlainText, want) {
				t.Errorf("reader %d: edited push lacks %q:\n%s", c.ID, want, first.PlainText)
			}
		}
		if strings.Contains(first.PlainText, "مجهز بأحدث الأجهزة") {
			t.Errorf("reader %d: edited push keeps the sentence only one outlet had:\n%s", c.ID, first.PlainText)
		}
		for _, want := range []string{`href="https://a.example/hospital"`, `href="https://b.example/77"`} {
			if !strings.Contains(first.Text, want) {
				t.Errorf("reader %d: edited push lacks the link %s:\n%s", c.ID, want, first.Text)
			}
		}
		if err := telegramtest.ValidateHTML(first.Text); err != nil {
			t.Errorf("edited push is not valid HTML: %v", err)
		}
		if first.Edits != 1 {
			t.Errorf("reader %d: push edited %d times, want 1", c.ID, first.Edits)
		}
		if !strings.Contains(second.PlainText, "معرض دمشق الدولي للكتاب") || !strings.Contains(second.PlainText, "المصدر: وكالة ب") {
			t.Errorf("reader %d: second push is not the other story:\n%s", c.ID, second.PlainText)
		}
	}
	if n := tg.Stats().TooManyRequests; n != 0 {
		t.Errorf("the fake Telegram answered %d 429s", n)
	}
}

func TestSameItemInTwoFeedsIsPushedOnce(t *testing.T) {
	t.Parallel()
	tg := telegramtest.NewTest(t, testToken)
	feedA, feedB := newFeedServer(t), newFeedServer(t)
	feedA.set(rss(itemOld), "")
	feedB.set(rss(itemOldB), "")
	h := newHarness(t, tg, map[string]string{config.EnvFeeds: feedA.srv.URL + "/a," + feedB.srv.URL + "/b"})
	h.start()
	readers := []telegramtest.Chat{telegramtest.PrivateChat(8101), telegramtest.PrivateChat(8102)}
	for _, c := range readers {
		h.say(c, telegramtest.NewUser(c.ID, "قارئ"), "/subscribe سوريا")
	}
	h.primed(2)

	feedA.set(rss(itemOld, itemStoryA), "")
	feedB.set(rss(itemOldB, itemStoryA), "")
	for _, c := range readers {
		h.wait("the push", func() bool { return len(pushes(tg.Sent(c.ID))) == 1 })
	}
	// Two polls of each feed since both list it, all they queued sent.
	awaitPolls(t, h.store(), 2)
	for _, c := range readers {
		if got := pushes(tg.Sent(c.ID)); len(got) != 1 {
			t.Errorf("reader %d got %d pushes, want 1", c.ID, len(got))
		}
	}
}

// A reader's /limit 1: the first story is pushed, the next two come in one
// digest (the digest interval is shortened for the test).
func TestHourlyLimitDigest(t *testing.T) {
	tg := telegramtest.NewTest(t, testToken)
	env := map[string]string{
		config.EnvTelegramToken: testToken, config.EnvTelegramEndpoint: tg.Endpoint(),
		config.EnvDatabasePath: filepath.Join(t.TempDir(), "ajel.db"), config.EnvHTTPAddr: "",
	}
	logs := &syncBuffer{}
	a := startAppWith(t, tg, env, appOptions{digestInterval: time.Second}, logs)
	h := &harness{t: t, tg: tg, logs: logs}
	h.wait("the bot to poll", tg.Polling)
	chat, user := telegramtest.PrivateChat(8201), telegramtest.NewUser(8201, "سلمى")
	h.say(chat, user, "/subscribe سوريا")
	if reply := h.say(chat, user, "/limit 1"); !strings.Contains(reply.PlainText, "خبر واحد") {
		t.Fatalf("/limit reply: %q", reply.PlainText)
	}
	titles := []string{"افتتاح مستشفى جديد في حلب السورية", "انطلاق معرض دمشق الدولي للكتاب", "أمطار غزيرة في اللاذقية السورية"}
	for i, title := range titles {
		if _, n, err := a.pipeline.Process(t.Context(), news.Article{Key: title, Source: "وكالة", Title: title,
			Text: "نص الخبر عن سوريا رقم " + title + ".", URL: "https://news.example/" + string(rune('a'+i))}, true); err != nil || n != 1 {
			t.Fatalf("story %d: queued %d, %v", i, n, err)
		}
	}
	digests := func() []telegramtest.Message {
		var out []telegramtest.Message
		for _, m := range tg.Sent(chat.ID) {
			if strings.Contains(m.PlainText, "موجز الأخبار") {
				out = append(out, m)
			}
		}
		return out
	}
	h.wait("the digest", func() bool { return len(digests()) == 1 })
	// The three stories were queued before the digest: with nothing left
	// pending, nothing more can come.
	awaitIdle(t, a.db)
	if got := pushes(tg.Sent(chat.ID)); len(got) != 1 || !strings.Contains(got[0].PlainText, titles[0]) {
		t.Errorf("pushes %+v, want only the first story", got)
	}
	ds := digests()
	if len(ds) != 1 {
		t.Fatalf("%d digests, want 1", len(ds))
	}
	d := ds[0]
	for _, want := range []string{"🗞️ موجز الأخبار · خبران", "• " + titles[1], "• " + titles[2]} {
		if !strings.Contains(d.PlainText, want) {
			t.Errorf("digest lacks %q:\n%s", want, d.PlainText)
		}
	}
	if !d.DisableNotification {
		t.Error("the digest rang")
	}
	if err := telegramtest.ValidateHTML(d.Text); err != nil {
		t.Errorf("digest HTML: %v", err)
	}
}

// Two outlets tell one event in their own words (no sentence in common):
// the reader gets one push, edited to name the second outlet, and the log
// says why the second telling joined. (Event matching needs some recent
// news to weigh words against: forty items on other subjects come first.)
func TestOneEventInOtherWordsIsOnePush(t *testing.T) {
	t.Parallel()
	tg := telegramtest.NewTest(t, testToken)
	h := newHarness(t, tg, map[string]string{config.EnvHTTPAddr: "127.0.0.1:0", config.EnvIngestToken: "newsroom-secret"})
	h.start()
	url := h.ingestURL()
	post := func(body map[string]string) {
		t.Helper()
		data, _ := json.Marshal(body)
		if got := postArticle(t, url, "newsroom-secret", string(data)); got != http.StatusCreated {
			t.Fatalf("ingest %q: %d", body["title"], got)
		}
	}
	chat := telegramtest.PrivateChat(8101)
	h.say(chat, telegramtest.NewUser(chat.ID, "قارئ"), "/subscribe سوريا")

	clubs := []string{"نادي الشروق", "نادي الأمل", "نادي النجمة", "نادي الوحدة", "نادي الفجر"}
	fields := []string{"الكتاب", "الزراعة", "السياحة", "الصناعة", "التعليم", "الصحة", "النقل", "الطاقة"}
	for i := range 40 {
		post(map[string]string{
			"title":  fmt.Sprintf("%s يفوز بجائزة %s للمرة %d", clubs[i%5], fields[i%8], i+2),
			"text":   fmt.Sprintf("أعلنت لجنة جائزة %s فوز %s بدورتها رقم %d، بعد منافسة مع %d مشاركا من مدن عدة.", fields[i%8], clubs[i%5], 100+i, 20+i),
			"url":    fmt.Sprintf("https://bg.example/%d", i),
			"source": "نشرة المنوعات",
		})
	}
	post(map[string]string{
		"title":  "افتتاح جسر جديد فوق نهر الفرات في الرقة السورية بعد ثلاث سنوات من العمل",
		"text":   "افتتحت السلطات المحلية في الرقة السورية جسرا جديدا فوق نهر الفرات يربط ضفتي المدينة، بعد ثلاث سنوات من أعمال البناء. ويبلغ طول الجسر أربعمئة متر، ويخدم آلاف السكان الذين كانوا يعبرون النهر بالعبارات.",
		"url":    "https://a.example/raqqa-bridge",
		"source": "وكالة الشمال",
	})
	h.wait("the push", func() bool { return len(pushes(tg.Sent(chat.ID))) == 1 })
	post(map[string]string{
		"title":  "الرقة: السيارات تعبر الفرات على الجسر الجديد",
		"text":   "بدأ سكان الرقة عبور نهر الفرات بسياراتهم على الجسر الجديد الذي دشنته السلطات المحلية اليوم، وهو بطول أربعمئة متر. وكان الأهالي يعتمدون على العبارات للتنقل بين ضفتي المدينة منذ ثلاث سنوات.",
		"url":    "https://b.example/raqqa",
		"source": "إذاعة الفرات",
	})
	h.wait("the edit naming the second outlet", func() bool {
		p := pushes(tg.Sent(chat.ID))
		return len(p) == 1 && p[0].Edits > 0 && strings.Contains(p[0].PlainText, "وأفاد به مصدر آخر")
	})
	if n := len(pushes(tg.Sent(chat.ID))); n != 1 {
		t.Errorf("%d pushes for one event told twice, want 1", n)
	}
	if logs := h.logs.String(); !strings.Contains(logs, "story: joined") || !strings.Contains(logs, "how=event") || !strings.Contains(logs, "الرقه") {
		t.Errorf("no log line says why the second telling joined:\n%s", logs)
	}
}
