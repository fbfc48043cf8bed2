package delivery_test

import (
	"context"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/ajel-news/ajel/delivery"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/storage/storagetest"
)

// timingSender answers at once and notes when each message went out.
type timingSender struct {
	mu  sync.Mutex
	ats []time.Time
}

func (s *timingSender) Send(context.Context, news.Target, news.Push) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ats = append(s.ats, time.Now())
	return len(s.ats), nil
}

// doneObserver closes done after n recorded sends.
type doneObserver struct {
	delivery.NopObserver
	mu      sync.Mutex
	n, sent int
	done    chan struct{}
}

func (o *doneObserver) Sent(news.Delivery, time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.sent++; o.sent == o.n {
		close(o.done)
	}
}

// BenchmarkFanout fans one story out to AJEL_BENCH_CHATS private chats
// (default 1000) at Rate 30 through real SQLite and reports the achieved
// rate as a share of Rate (which must stay ≤ 1) and the most messages sent
// in any one-second window (Telegram's limit is about 30).
//
//	go test -run '^$' -bench Fanout -benchtime 1x ./delivery/
func BenchmarkFanout(b *testing.B) {
	const rate = 30
	chats := 1000
	if v := os.Getenv("AJEL_BENCH_CHATS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 2 {
			b.Fatalf("AJEL_BENCH_CHATS=%q: want a number ≥ 2", v)
		}
		chats = n
	}
	for range b.N {
		b.StopTimer()
		db := storagetest.Open(b)
		for id := int64(1); id <= int64(chats); id++ {
			storagetest.Chat(b, db, id, news.ChatPrivate, "syria")
		}
		if n := addStory(b, db, "s1", "syria", true); n != chats {
			b.Fatalf("queued %d", n)
		}
		sender := &timingSender{}
		obs := &doneObserver{n: chats, done: make(chan struct{})}
		w := delivery.New(db, sender, delivery.Options{Rate: rate, Observer: obs})
		ctx, cancel := context.WithCancel(context.Background())
		ran := make(chan error, 1)
		b.StartTimer()
		go func() { ran <- w.Run(ctx) }()
		<-obs.done
		b.StopTimer()
		cancel()
		if err := <-ran; err != nil {
			b.Fatal(err)
		}

		ats := sender.ats
		if len(ats) != chats {
			b.Fatalf("%d sends for %d chats", len(ats), chats)
		}
		achieved := float64(len(ats)-1) / ats[len(ats)-1].Sub(ats[0]).Seconds()
		most, lo := 0, 0
		for hi := range ats {
			for ats[hi].Sub(ats[lo]) >= time.Second {
				lo++
			}
			most = max(most, hi-lo+1)
		}
		b.ReportMetric(achieved/rate, "share_of_rate")
		b.ReportMetric(achieved, "msgs/s")
		b.ReportMetric(float64(most), "max_per_1s")
		b.StartTimer()
	}
}
