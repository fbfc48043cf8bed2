package main

import (
	"context"
	"encoding/json"
	"net/http"
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

// homsTellings are one developing story of ours as five outlets tell it
// (wire copy reused, as outlets do): the first, the same again, a new
// toll, a statement, the toll again.
var homsTellings = []struct{ source, title, text string }{
	{"الأولى", "انفجار سيارة مفخخة قرب سوق شعبي في حمص",
		"انفجرت سيارة مفخخة قرب سوق شعبي في مدينة حمص السورية صباح اليوم. وقال الدفاع المدني إن 4 أشخاص قتلوا في الانفجار وأصيب آخرون."},
	{"الثانية", "انفجار سيارة مفخخة قرب سوق شعبي في حمص",
		"انفجرت سيارة مفخخة قرب سوق شعبي في مدينة حمص السورية صباح اليوم، وقال الدفاع المدني إن 4 أشخاص قتلوا في الانفجار وأصيب آخرون."},
	{"الثالثة", "انفجار سيارة مفخخة قرب سوق شعبي في حمص",
		"انفجرت سيارة مفخخة قرب سوق شعبي في مدينة حمص السورية صباح اليوم. وارتفعت حصيلة الانفجار إلى 9 قتلى بعد وفاة مصابين في المستشفى."},
	{"الرابعة", "انفجار سيارة مفخخة قرب سوق شعبي في حمص",
		"انفجرت سيارة مفخخة قرب سوق شعبي في مدينة حمص السورية صباح اليوم. وقال محافظ حمص في بيان إن الأجهزة الأمنية اعتقلت مشتبها به يقود دراجة نارية."},
	{"الخامسة", "انفجار سيارة مفخخة قرب سوق شعبي في حمص",
		"انفجرت سيارة مفخخة قرب سوق شعبي في مدينة حمص السورية صباح اليوم. وارتفعت حصيلة الانفجار إلى 9 قتلى بعد وفاة مصابين في المستشفى."},
}

// A reader who taps "follow" under a push gets the story's new facts as a
// reply to it: another outlet saying the same gives nothing, a new toll
// an update, a statement ten minutes later at the earliest; forged and
// repeated taps change nothing; /following lists it with a stop button.
func TestFollowADevelopingStory(t *testing.T) {
	t.Parallel()
	tg := telegramtest.NewTest(t, testToken)
	a := startApp(t, tg, filepath.Join(t.TempDir(), "ajel.db"), map[string]string{
		config.EnvHTTPAddr: "127.0.0.1:0", config.EnvIngestToken: "newsroom"})
	ctx := t.Context()
	reader, user := telegramtest.PrivateChat(6100), telegramtest.NewUser(6100, "قارئ")
	storagetest.Chat(t, a.db, reader.ID, news.ChatPrivate, "syria")
	base := "http://" + a.listener.Addr().String()
	ingest := func(i int) {
		t.Helper()
		body, _ := json.Marshal(map[string]string{"title": homsTellings[i].title, "text": homsTellings[i].text,
			"source": homsTellings[i].source, "url": "https://news.example/homs/" + strconv.Itoa(i)})
		req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/articles", strings.NewReader(string(body)))
		req.Header.Set("Authorization", "Bearer newsroom")
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("telling %d: %d", i, resp.StatusCode)
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
	press := func(msgID int, data string) string {
		t.Helper()
		u, err := tg.PressButton(reader, user, msgID, data)
		if err != nil {
			t.Fatal(err)
		}
		var ans telegramtest.CallbackAnswer
		wait("the answer to "+data, func() bool { var ok bool; ans, ok = tg.CallbackAnswer(u.CallbackQueryID); return ok })
		return ans.Text
	}

	ingest(0)
	wait("the push", func() bool { return len(pushes(tg.Sent(reader.ID))) == 1 })
	push := pushes(tg.Sent(reader.ID))[0]
	follow, ok := push.Button("🔔 تابِع الخبر")
	if !ok {
		t.Fatalf("the push has no follow button: %+v", push.Keyboard)
	}
	if got := press(push.ID, "f:987654"); !strings.Contains(got, "لم يعد صالحًا") {
		t.Errorf("a forged story: %q", got)
	}
	if got := press(push.ID, follow.CallbackData); !strings.Contains(got, "ستصلك مستجدات") {
		t.Fatalf("follow: %q", got)
	}
	if m, _ := tg.Message(reader.ID, push.ID); !strings.Contains(m.Buttons()[0].Text, "إلغاء المتابعة") {
		t.Errorf("the button did not turn into «إلغاء المتابعة»: %+v", m.Keyboard)
	}
	if got := press(push.ID, follow.CallbackData); !strings.Contains(got, "بالفعل") {
		t.Errorf("pressed twice: %q", got)
	}

	updates := func() []telegramtest.Message {
		var out []telegramtest.Message
		for _, m := range tg.Sent(reader.ID) {
			if strings.HasPrefix(m.PlainText, "🔄 تحديث") {
				out = append(out, m)
			}
		}
		return out
	}
	ingest(1) // the same facts from another outlet: the push is edited, no update
	ingest(2) // a new toll
	wait("the update", func() bool { return len(updates()) == 1 })
	// Telegram has it before the database records it as sent; a fact
	// arriving in between would ride on the update still pending.
	wait("the update recorded as sent", func() bool {
		due, err := a.db.DueFollowUpdates(ctx, time.Now(), 10)
		return err == nil && len(due) == 0
	})
	up := updates()[0]
	if up.ReplyToMessageID != push.ID || !strings.Contains(up.PlainText, "9 قتلى") || strings.Contains(up.PlainText, "4 أشخاص") {
		t.Errorf("update (reply to %d, push %d):\n%s", up.ReplyToMessageID, push.ID, up.PlainText)
	}
	ingest(3) // a statement: within ten minutes of the last update, it waits
	ingest(4) // the toll again: nothing new
	// Each telling was stored before its answer, and nothing is due now:
	// the updater has nothing it could send yet.
	if due, err := a.db.DueFollowUpdates(ctx, time.Now(), 10); err != nil || len(due) != 0 {
		t.Errorf("follow updates due now %+v, %v: want none before ten minutes", due, err)
	}
	if n := len(updates()); n != 1 {
		t.Errorf("%d updates within ten minutes, want 1", n)
	}
	due, err := a.db.DueFollowUpdates(ctx, time.Now().Add(11*time.Minute), 10)
	if err != nil || len(due) != 1 || len(due[0].Facts) != 1 || !strings.Contains(due[0].Facts[0], "اعتقلت") {
		t.Errorf("waiting updates %+v, %v: want the statement alone", due, err)
	}
	if n := len(pushes(tg.Sent(reader.ID))); n != 1 {
		t.Errorf("%d pushes, want the one, edited", n)
	}

	// /following lists it; its button stops the follow, and the waiting
	// update with it.
	tg.SendText(reader, user, "/following")
	var list telegramtest.Message
	wait("/following", func() bool {
		for _, m := range tg.Sent(reader.ID) {
			if strings.Contains(m.PlainText, "الأخبار التي تتابعها") {
				list = m
				return true
			}
		}
		return false
	})
	if len(list.Buttons()) != 1 {
		t.Fatalf("/following buttons %+v", list.Buttons())
	}
	if got := press(list.ID, list.Buttons()[0].CallbackData); !strings.Contains(got, "أُلغيت") {
		t.Errorf("stop from /following: %q", got)
	}
	if fs, _ := a.db.Follows(ctx, news.Target{ChatID: reader.ID}); len(fs) != 0 {
		t.Errorf("still following %+v", fs)
	}
	if due, _ := a.db.DueFollowUpdates(ctx, time.Now().Add(11*time.Minute), 10); len(due) != 0 {
		t.Errorf("an update still waits after the follow ended: %+v", due)
	}
}
