package telegram_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ajel-news/ajel/bot/telegramtest"
	"github.com/ajel-news/ajel/telegram"
)

// inlineOutcomes records what became of inline queries.
type inlineOutcomes struct {
	mu       sync.Mutex
	answered int
	dropped  map[string]int
}

func (o *inlineOutcomes) InlineAnswered(time.Duration) { o.mu.Lock(); o.answered++; o.mu.Unlock() }
func (o *inlineOutcomes) InlineDropped(why string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.dropped[why]++
}

func (o *inlineOutcomes) get() (int, map[string]int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	d := map[string]int{}
	for k, v := range o.dropped {
		d[k] = v
	}
	return o.answered, d
}

// The queue never grows past its bound: a reader who typed on replaces
// their query still waiting, and when the queue is full the oldest makes
// room for the newest; each is counted. A query past its deadline is
// dropped unanswered; an answer breaking Telegram's limits is refused
// before it is sent.
func TestInlineQueueBounds(t *testing.T) {
	srv := telegramtest.NewTest(t, token)
	c := newClient(t, srv.Endpoint())
	outcomes := &inlineOutcomes{dropped: map[string]int{}}
	release := make(chan struct{})
	var mu sync.Mutex
	var handled []string
	q := c.NewInlineQueue(telegram.InlineOptions{Workers: 1, Queue: 2, Observer: outcomes,
		Handle: func(ctx context.Context, iq *telegram.InlineQuery) (telegram.InlineAnswer, error) {
			mu.Lock()
			handled = append(handled, iq.Query)
			first := len(handled) == 1
			mu.Unlock()
			if first {
				<-release // the one worker is busy while the others arrive
			}
			return telegram.InlineAnswer{Results: []telegram.Article{{ID: "s1", Title: iq.Query, HTML: "<b>" + iq.Query + "</b>"}}}, nil
		}})
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { q.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })

	query := func(user int64, words string) *telegram.InlineQuery {
		u := srv.SendInlineQuery(telegramtest.NewUser(user, "قارئ"), words, "")
		return &telegram.InlineQuery{ID: u.InlineQueryID, From: &telegram.User{ID: user}, Query: words}
	}
	q.Offer(query(1, "أول"))
	wctx, wcancel := context.WithTimeout(ctx, 10*time.Second)
	defer wcancel()
	if err := srv.WaitFor(wctx, func() bool { mu.Lock(); defer mu.Unlock(); return len(handled) == 1 }); err != nil {
		t.Fatal("the first query was not taken")
	}
	q.Offer(query(2, "ح"))
	q.Offer(query(2, "حلب")) // the same reader typed on
	q.Offer(query(3, "دمشق"))
	q.Offer(query(4, "بيروت")) // full: «حلب», the oldest waiting, makes room
	if n := q.Waiting(); n != 2 {
		t.Errorf("%d waiting, want the bound, 2", n)
	}
	close(release)
	if err := srv.WaitFor(wctx, func() bool { a, _ := outcomes.get(); return a == 3 }); err != nil {
		a, d := outcomes.get()
		t.Fatalf("answered %d, dropped %v", a, d)
	}
	mu.Lock()
	got := strings.Join(handled, ",")
	mu.Unlock()
	if got != "أول,دمشق,بيروت" {
		t.Errorf("handled %s, want أول,دمشق,بيروت", got)
	}
	if _, d := outcomes.get(); d[telegram.InlineSuperseded] != 1 || d[telegram.InlineFull] != 1 {
		t.Errorf("dropped %v, want one superseded and one for room", d)
	}

	// Past its deadline: dropped, never sent.
	late := c.NewInlineQueue(telegram.InlineOptions{Observer: outcomes, Deadline: time.Millisecond,
		Handle: func(ctx context.Context, iq *telegram.InlineQuery) (telegram.InlineAnswer, error) {
			<-ctx.Done()
			return telegram.InlineAnswer{}, ctx.Err()
		}})
	go late.Run(ctx)
	before := len(srv.CallsTo("answerInlineQuery"))
	late.Offer(query(5, "متأخر"))
	if err := srv.WaitFor(wctx, func() bool { _, d := outcomes.get(); return d[telegram.InlineLate] == 1 }); err != nil {
		t.Fatal("a query past its deadline was not counted late")
	}
	if n := len(srv.CallsTo("answerInlineQuery")); n != before {
		t.Errorf("%d answers sent for a late query", n-before)
	}

	// Ids Telegram would refuse are refused before sending.
	for _, bad := range [][]telegram.Article{{{ID: strings.Repeat("x", 65), Title: "t", HTML: "x"}},
		{{ID: "a", Title: "t", HTML: "x"}, {ID: "a", Title: "t", HTML: "y"}}, make([]telegram.Article, 51)} {
		if err := c.AnswerInline(ctx, telegram.InlineAnswer{QueryID: "1", Results: bad}); err == nil {
			t.Errorf("%d results with bad ids were sent", len(bad))
		}
	}
}
