//go:build linux

package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ajel-news/ajel/bot/telegramtest"
	"github.com/ajel-news/ajel/config"
	"github.com/ajel-news/ajel/storage/storagetest"
)

// crashChats is how many chats the crash test fans one story out to: 2,000
// (about 70 s at SEND_RATE=30), or AJEL_CRASH_CHATS for a quicker or a
// bigger run:
//
//	AJEL_CRASH_CHATS=500 go test -run TestCrashDuringFanout -v .
func crashChats(t *testing.T) int {
	n := 2000
	if v := os.Getenv("AJEL_CRASH_CHATS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 50 {
			t.Fatalf("AJEL_CRASH_CHATS=%q: want a number of chats, at least 50", v)
		}
	}
	return n
}

// pushCounter counts, per chat, the pushes of one story the fake Telegram
// accepted.
type pushCounter struct {
	mu      sync.Mutex
	title   string
	perChat map[int64]int
	total   int
}

func watchPushes(tg *telegramtest.Server, title string) *pushCounter {
	pc := &pushCounter{title: title, perChat: map[int64]int{}}
	tg.OnMessage(func(m telegramtest.Message) {
		if !strings.Contains(m.PlainText, "أخبار عاجلة") || !strings.Contains(m.PlainText, title) {
			return
		}
		pc.mu.Lock()
		pc.perChat[m.ChatID]++
		pc.total++
		pc.mu.Unlock()
	})
	return pc
}

// result is how many of the chats first…first+n-1 got the story, and how
// many pushes beyond the first any chat got.
func (pc *pushCounter) result(first int64, n int) (reached, repeats int) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	for id := first; id < first+int64(n); id++ {
		if c := pc.perChat[id]; c > 0 {
			reached++
			repeats += c - 1
		}
	}
	return reached, repeats
}

func (pc *pushCounter) count() int {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	return pc.total
}

// primed waits until the runs have recorded the feed's first poll, which
// only primes it.
func (c *childProc) primed() {
	c.t.Helper()
	awaitPrimed(c.t, c.store(), 1)
}

// crashConcurrency is SEND_CONCURRENCY in the crash test: with a 200 ms
// round trip at SEND_RATE=30, about six messages are in flight at any
// moment, which a kill can repeat.
const crashConcurrency = 8

// TestCrashDuringFanout is the crash test of the delivery promise: the real
// binary fans one story out to crashChats chats through a fake Telegram that
// takes 200 ms a call, is killed with SIGKILL at random points of the
// fan-out at least five times, restarted on the same database each time,
// and in the end every chat has the story, with at most SEND_CONCURRENCY
// repeats per kill (the messages in flight when the process died).
func TestCrashDuringFanout(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary for about 70 s; skipped with -short")
	}
	// Most of its time is spent waiting on SEND_RATE, so it runs beside the
	// other long end-to-end tests, which are parallel too.
	t.Parallel()
	chats := crashChats(t)
	const wantKills = 5
	const firstChat = 100_000
	// No rate limits: SEND_RATE=30 is the only pace. A real round trip, so
	// several messages are in flight when a kill lands.
	tg := telegramtest.NewTest(t, testToken, telegramtest.WithLatency(200*time.Millisecond))
	feedSrv := newFeedServer(t)
	feedSrv.set(rss(itemOld), "")
	dbPath := filepath.Join(t.TempDir(), "ajel.db")
	storagetest.Seed(t, dbPath, firstChat, chats, "syria")
	child := newChild(t, childEnv(tg.Endpoint(), dbPath, map[string]string{
		config.EnvFeeds:           feedSrv.srv.URL + "/rss",
		config.EnvSendConcurrency: fmt.Sprint(crashConcurrency),
	}))

	pushes := watchPushes(tg, itemSyria.title)
	// The kill switch: after a random number of pushes in this run, SIGKILL.
	// Half the kills happen inside the fake Telegram's handling of a send,
	// before it answers: the worst moment, when Telegram has the message and
	// Ajel never learns it; the others land a few milliseconds later,
	// wherever the process happens to be.
	var (
		mu       sync.Mutex
		runSends int
		target   int
		armed    bool
		kills    int
	)
	killed := make(chan string, 1)
	lo, hi := max(chats/40, 5), max(chats/5, 10) // 50…400 for 2,000 chats
	arm := func() {
		mu.Lock()
		runSends, target, armed = 0, lo+rand.IntN(hi-lo+1), kills < wantKills
		mu.Unlock()
	}
	tg.OnMessage(func(m telegramtest.Message) {
		if !strings.Contains(m.PlainText, itemSyria.title) {
			return
		}
		mu.Lock()
		runSends++
		fire := armed && runSends >= target
		if fire {
			armed = false
		}
		n := runSends
		mu.Unlock()
		if !fire {
			return
		}
		if rand.IntN(2) == 0 {
			child.kill()
			killed <- fmt.Sprintf("inside send %d of the run", n)
			return
		}
		go func() {
			time.Sleep(time.Duration(rand.IntN(30)) * time.Millisecond)
			child.kill()
			killed <- fmt.Sprintf("after send %d of the run", n)
		}()
	})

	start := time.Now()
	child.start()
	child.primed()
	arm()
	feedSrv.set(rss(itemOld, itemSyria), "")

	deadline := time.Now().Add(time.Duration(chats/30+60) * time.Second)
	for kills < wantKills {
		select {
		case where := <-killed:
			child.wait(10 * time.Second)
			mu.Lock()
			kills++
			mu.Unlock()
			t.Logf("kill %d: %s; %d pushes so far", kills, where, pushes.count())
			arm()
			child.start()
		case <-time.After(time.Until(deadline)):
			t.Fatalf("only %d kills before the deadline; %d pushes; logs:\n%s", kills, pushes.count(), child.tail())
		}
		if reached, _ := pushes.result(firstChat, chats); reached == chats && kills < wantKills {
			t.Fatalf("the fan-out ended after %d kills, before %d", kills, wantKills)
		}
	}
	child.waitUntil("every chat to have the story", time.Until(deadline), func() bool {
		reached, _ := pushes.result(firstChat, chats)
		return reached == chats
	})
	elapsed := time.Since(start)
	awaitIdle(t, child.store()) // nothing pending: nothing more may come
	child.stop()

	reached, repeats := pushes.result(firstChat, chats)
	fmt.Printf("crash test: chats reached %d/%d, repeats %d, kills %d, SEND_CONCURRENCY %d, 200 ms a call (%s)\n",
		reached, chats, repeats, kills, crashConcurrency, elapsed.Round(100*time.Millisecond))
	if reached != chats {
		t.Errorf("%d of %d chats never got the story", chats-reached, chats)
	}
	if repeats > kills*crashConcurrency {
		t.Errorf("%d repeats after %d kills: more than the %d messages in flight at each kill were repeated",
			repeats, kills, crashConcurrency)
	}
	if n := strings.Count(child.logs.String(), "ajel is running"); n != kills+1 {
		t.Errorf("%d runs logged, want %d", n, kills+1)
	}
}

// TestCrashDuringFeedPoll kills the binary right after the feed server
// answered with a new item, three times in a row, before the poll could
// finish; the restarted bot fetches the item again and every subscriber gets
// it exactly once. A last kill after the fan-out shows a restart does not
// push it again.
func TestCrashDuringFeedPoll(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary; skipped with -short")
	}
	t.Parallel()
	const chats, firstChat, feedKills = 20, 200_000, 3
	tg := telegramtest.NewTest(t, testToken)
	var (
		mu        sync.Mutex
		body      = rss(itemOld)
		published bool
		kills     int
	)
	var child *childProc
	killed := make(chan struct{}, 1)
	feed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		b, isNew := body, published
		kill := isNew && kills < feedKills
		if kill {
			kills++
		}
		mu.Unlock()
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		w.Write(b)
		if kill {
			// The whole item has left the server; the bot dies before
			// it can store it.
			w.(http.Flusher).Flush()
			child.kill()
			killed <- struct{}{}
		}
	}))
	t.Cleanup(feed.Close)
	dbPath := filepath.Join(t.TempDir(), "ajel.db")
	storagetest.Seed(t, dbPath, firstChat, chats, "syria")
	child = newChild(t, childEnv(tg.Endpoint(), dbPath, map[string]string{config.EnvFeeds: feed.URL + "/rss"}))
	pushes := watchPushes(tg, itemSyria.title)

	child.start()
	child.primed()
	mu.Lock()
	body, published = rss(itemOld, itemSyria), true
	mu.Unlock()
	for i := range feedKills {
		select {
		case <-killed:
		case <-time.After(30 * time.Second):
			t.Fatalf("the feed was not polled after %d kills; logs:\n%s", i, child.tail())
		}
		child.wait(10 * time.Second)
		if n := pushes.count(); n != 0 {
			t.Fatalf("%d pushes before any poll could finish", n)
		}
		child.start()
	}
	child.waitUntil("every subscriber to get the item", 60*time.Second, func() bool {
		reached, _ := pushes.result(firstChat, chats)
		return reached == chats
	})
	// One more kill after the fan-out — once every send is recorded: a
	// kill between Telegram's answer and the record may repeat a message
	// in flight, which TestCrashDuringFanout bounds — then two polls of
	// the same feed, which must push nothing again.
	child.waitUntil("every send to be recorded", 30*time.Second, func() bool {
		st, err := child.store().Stats(context.Background())
		return err == nil && st.Outbox.Pending == 0 && st.Outbox.Sent == chats
	})
	child.kill()
	child.wait(10 * time.Second)
	child.start()
	awaitPolls(t, child.store(), 2)
	child.stop()

	reached, repeats := pushes.result(firstChat, chats)
	fmt.Printf("feed-poll crash test: chats reached %d/%d, repeats %d, kills %d\n", reached, chats, repeats, feedKills+1)
	if reached != chats || repeats != 0 {
		t.Errorf("reached %d/%d chats with %d repeats; want every chat exactly once", reached, chats, repeats)
	}
	db := storagetest.OpenAt(t, dbPath)
	defer db.Close()
	st, err := db.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Articles != 2 || st.Outbox.Sent != chats || st.Outbox.Pending != 0 {
		t.Errorf("database after the crashes: %d articles (want 2), %d sent (want %d), %d pending", st.Articles, st.Outbox.Sent, chats, st.Outbox.Pending)
	}
}
