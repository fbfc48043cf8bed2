package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ajel-news/ajel/bot/telegramtest"
	"github.com/ajel-news/ajel/config"
	"github.com/ajel-news/ajel/news"
)

// BenchmarkFanout fans one story out to AJEL_BENCH_CHATS subscribed chats
// (default 10,000) through the real bot and delivery worker against the
// fake Telegram, which enforces Telegram's limits, at SEND_RATE=30. It
// reports messages a second as a share of SEND_RATE and the 429s answered.
//
//	go test -run '^$' -bench 'Fanout$' -benchtime 1x .
func BenchmarkFanout(b *testing.B) {
	chats := 10_000
	if v := os.Getenv("AJEL_BENCH_CHATS"); v != "" {
		chats, _ = strconv.Atoi(v)
	}
	const rate = 30
	for range b.N {
		tg := telegramtest.NewTest(b, testToken, telegramtest.WithRateLimits(telegramtest.DefaultRateLimits()))
		dbPath := filepath.Join(b.TempDir(), "ajel.db")
		seed := mustOpenForBench(b, dbPath)
		ctx := context.Background()
		for id := int64(1); id <= int64(chats); id++ {
			if err := seed.SaveChat(ctx, news.Chat{ID: id, Type: news.ChatPrivate}); err != nil {
				b.Fatal(err)
			}
			if _, err := seed.Subscribe(ctx, news.Subscription{ChatID: id, Kind: news.KindTopic, Key: "syria", Display: "سوريا"}); err != nil {
				b.Fatal(err)
			}
		}
		seed.Close()
		cfg, err := config.Load(func(k string) (string, bool) {
			v, ok := map[string]string{
				config.EnvTelegramToken: testToken, config.EnvTelegramEndpoint: tg.Endpoint(),
				config.EnvDatabasePath: dbPath, config.EnvHTTPAddr: "", config.EnvSendRate: strconv.Itoa(rate),
			}[k]
			return v, ok
		})
		if err != nil {
			b.Fatal(err)
		}
		runCtx, cancel := context.WithCancel(ctx)
		a, err := newApp(runCtx, cfg, newLogger(ioDiscard{}, 8), appOptions{})
		if err != nil {
			b.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- a.run(runCtx) }()
		b.ResetTimer()
		_, queued, err := a.pipeline.Process(ctx, news.Article{Key: "bench", Source: "bench", Title: "خبر عن سوريا",
			Text: "نص الخبر عن سوريا.", URL: "https://news.example/bench"}, true)
		if err != nil || queued != chats {
			b.Fatalf("queued %d, %v", queued, err)
		}
		waitCtx, wcancel := context.WithTimeout(ctx, time.Duration(chats/rate+120)*time.Second)
		if err := tg.WaitFor(waitCtx, func() bool { return tg.Stats().Sent >= chats }); err != nil {
			b.Fatalf("sent %d of %d: %v", tg.Stats().Sent, chats, err)
		}
		wcancel()
		b.StopTimer()
		times := tg.SentTimes()
		span := times[len(times)-1].Sub(times[0])
		achieved := float64(len(times)-1) / span.Seconds()
		b.ReportMetric(achieved, "msgs/s")
		b.ReportMetric(achieved/rate, "share_of_rate")
		b.ReportMetric(float64(tg.Stats().TooManyRequests), "429s")
		cancel()
		<-done
		a.Close()
	}
}

// BenchmarkFeedToPush measures the time from an item appearing in a feed
// polled every 2 s to its push reaching the fake Telegram, over
// AJEL_BENCH_ITEMS items (default 20) published at random moments, and
// reports p50 and p95.
//
//	go test -run '^$' -bench FeedToPush -benchtime 1x .
func BenchmarkFeedToPush(b *testing.B) {
	items := 20
	if v := os.Getenv("AJEL_BENCH_ITEMS"); v != "" {
		items, _ = strconv.Atoi(v)
	}
	for range b.N {
		tg := telegramtest.NewTest(b, testToken)
		fs := newFeedServerTB(b)
		fs.set(rss(itemOld), "")
		dbPath := filepath.Join(b.TempDir(), "ajel.db")
		cfg, err := config.Load(func(k string) (string, bool) {
			v, ok := map[string]string{
				config.EnvTelegramToken: testToken, config.EnvTelegramEndpoint: tg.Endpoint(),
				config.EnvDatabasePath: dbPath, config.EnvHTTPAddr: "", config.EnvPollInterval: "2s",
				config.EnvFeeds: fs.srv.URL, config.EnvAllowPrivateFeeds: "true",
			}[k]
			return v, ok
		})
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		a, err := newApp(ctx, cfg, newLogger(ioDiscard{}, 8), appOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if err := a.addFeeds(ctx, cfg.Feeds); err != nil {
			b.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- a.run(ctx) }()
		chat, user := telegramtest.PrivateChat(77), telegramtest.NewUser(77, "قارئ")
		_ = tg.WaitFor(ctx, tg.Polling)
		tg.SendText(chat, user, "/subscribe سوريا")
		_, _ = tg.WaitSent(ctx, chat.ID, 1)
		time.Sleep(3 * time.Second) // the first poll primes the feed

		published := []rssItem{itemOld}
		var latencies []time.Duration
		b.ResetTimer()
		for i := range items {
			time.Sleep(time.Duration(rand.IntN(2000)) * time.Millisecond) // a random point in the poll cycle
			it := rssItem{fmt.Sprint("lat-", i), fmt.Sprintf("خبر رقم %d عن سوريا", i), "نص الخبر عن دمشق.", fmt.Sprint("https://news.example/lat/", i)}
			published = append(published, it)
			fs.set(rss(published...), "")
			start := time.Now()
			want := i + 1
			wctx, wcancel := context.WithTimeout(ctx, 30*time.Second)
			err := tg.WaitFor(wctx, func() bool { return countPushes(tg, chat.ID) >= want })
			wcancel()
			if err != nil {
				b.Fatalf("item %d never pushed: %v", i, err)
			}
			latencies = append(latencies, time.Since(start))
			time.Sleep(1100 * time.Millisecond) // one a second into one chat
		}
		b.StopTimer()
		slices.Sort(latencies)
		b.ReportMetric(latencies[len(latencies)/2].Seconds(), "p50_s")
		b.ReportMetric(latencies[(len(latencies)*95+99)/100-1].Seconds(), "p95_s")
		cancel()
		<-done
		a.Close()
	}
}

func countPushes(tg *telegramtest.Server, chatID int64) int {
	n := 0
	for _, m := range tg.Sent(chatID) {
		if strings.Contains(m.PlainText, "أخبار عاجلة") {
			n++
		}
	}
	return n
}

type ioDiscard struct{}

func (ioDiscard) Write(p []byte) (int, error) { return len(p), nil }
