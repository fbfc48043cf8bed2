package alert_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ajel-news/ajel/alert"
	"github.com/ajel-news/ajel/bot"
	"github.com/ajel-news/ajel/bot/telegramtest"
	"github.com/ajel-news/ajel/delivery"
	"github.com/ajel-news/ajel/news"
)

type topics struct{}

func (topics) All() []news.Topic                { return nil }
func (topics) BySlug(string) (news.Topic, bool) { return news.Topic{}, false }
func (topics) Lookup(string) (news.Topic, bool) { return news.Topic{}, false }

// Through the real bot and a fake Telegram answering 429: the alerts wait
// for retry_after with everything else the bot sends (the one rate
// budget), then each admin gets the alert once, in Arabic.
func TestAlertsThroughA429(t *testing.T) {
	r := newRig(t, nil)
	const token = "123456:alert-test-token"
	srv := telegramtest.NewTest(t, token)
	srv.AddChat(telegramtest.PrivateChat(1))
	srv.AddChat(telegramtest.PrivateChat(2))
	b, err := bot.New(bot.Options{Token: token, Endpoint: srv.Endpoint(), AdminIDs: []int64{2, 1}, Store: r.db, Topics: topics{}})
	if err != nil {
		t.Fatal(err)
	}
	// The budget on the test's clock: a wait moves the clock.
	budget := delivery.NewBudget(delivery.BudgetOptions{Rate: 25, Now: r.clock.Now, After: func(d time.Duration) <-chan time.Time {
		r.clock.Add(d)
		ch := make(chan time.Time, 1)
		ch <- r.clock.Now()
		return ch
	}})
	r.opt.Throttle = budget
	r.w = alert.New(r.store, b, r.opt)

	f := r.addFeed("https://www.hespress.com/feed", "Hespress - Article Feed")
	r.fail(f.ID)
	r.clock.Add(6*time.Hour + time.Minute)
	srv.FailNext("sendMessage", 1, 1, telegramtest.TooManyRequests(30))
	if err := r.w.Check(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := r.w.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n1, n2 := srv.SentCount(1), srv.SentCount(2); n1+n2 != 0 {
		t.Fatalf("sent %d and %d through a 429; the others must wait their turn", n1, n2)
	}
	if until := budget.PausedUntil(); !until.After(r.clock.Now()) {
		t.Errorf("the budget is not paused (until %v): pushes would not wait", until)
	}
	// The next message waits for the pause to end; the refused one for
	// its retry_after.
	pauseEnd := budget.PausedUntil()
	r.clock.Add(10 * time.Second)
	if err := r.w.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := srv.SentCount(2); n != 1 || r.clock.Now().Before(pauseEnd) {
		t.Errorf("admin 2: %d messages, at %v; want one, once the pause ended at %v", n, r.clock.Now(), pauseEnd)
	}
	if n := srv.SentCount(1); n != 0 {
		t.Errorf("admin 1: %d messages before its retry_after", n)
	}
	r.clock.Add(25 * time.Second)
	r.run(30 * time.Minute)
	for _, admin := range []int64{1, 2} {
		got := srv.Sent(admin)
		if len(got) != 1 {
			t.Fatalf("admin %d got %d messages, want the alert once", admin, len(got))
		}
		if err := telegramtest.ValidateHTML(got[0].Text); err != nil {
			t.Errorf("invalid HTML: %v", err)
		}
		if p := strings.NewReplacer("\u2068", "", "\u2069", "").Replace(got[0].PlainText); !strings.Contains(p, "«Hespress»") || !strings.Contains(p, "يفشل منذ 6 ساعات") || !strings.Contains(p, "/delfeed") {
			t.Errorf("admin %d was told %q", admin, p)
		}
	}
}
