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
	"github.com/ajel-news/ajel/internal/benchenv"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/storage/storagetest"
)

// benchApp seeds chats private chats subscribed to syria into a new
// database and runs the whole bot on it against tg with env, until the
// benchmark ends.
func benchApp(b *testing.B, tg *telegramtest.Server, chats int, env map[string]string) *app {
	b.Helper()
	dbPath := filepath.Join(b.TempDir(), "ajel.db")
	storagetest.Seed(b, dbPath, 1, chats, "syria")
	ctx := context.Background()
	vars := map[string]string{
		config.EnvTelegramToken: testToken, config.EnvTelegramEndpoint: tg.Endpoint(),
		config.EnvDatabasePath: dbPath, config.EnvHTTPAddr: "",
	}
	for k, v := range env {
		vars[k] = v
	}
	cfg, err := config.Load(func(k string) (string, bool) { v, ok := vars[k]; return v, ok })
	if err != nil {
		b.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	a, err := newApp(runCtx, cfg, newLogger(ioDiscard{}, 8), appOptions{pollTimeout: time.Second})
	if err != nil {
		cancel()
		b.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.run(runCtx) }()
	b.Cleanup(func() {
		cancel()
		<-done
		a.Close()
	})
	if err := tg.WaitFor(runCtx, tg.Polling); err != nil {
		b.Fatal(err)
	}
	return a
}

// perSecond is how many of times fall in each second on average, from the
// first to the last, and the most within any one second.
func perSecond(times []time.Time) (rate float64, most int) {
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	if len(times) > 1 {
		rate = float64(len(times)-1) / times[len(times)-1].Sub(times[0]).Seconds()
	}
	lo := 0
	for hi := range times {
		for times[hi].Sub(times[lo]) >= time.Second {
			lo++
		}
		most = max(most, hi-lo+1)
	}
	return rate, most
}

// BenchmarkFanout fans one story out to AJEL_BENCH_CHATS subscribed chats
// (default 1,000) through the real bot and delivery worker against the
// fake Telegram, which enforces Telegram's limits, at SEND_RATE=30 with
// the default SEND_CONCURRENCY (16): once answering at once and once
// taking 150 ms a call, as a round trip from a server does. It reports
// messages a second as a share of SEND_RATE, the most in any one second
// and the 429s answered.
//
//	go test -run '^$' -bench 'Fanout$' -benchtime 1x .
func BenchmarkFanout(b *testing.B) {
	chats := benchenv.Int(b, "AJEL_BENCH_CHATS", 1000)
	const rate = 30
	for _, latency := range []time.Duration{0, 150 * time.Millisecond} {
		b.Run("rtt="+latency.String(), func(b *testing.B) {
			for range b.N {
				tg := telegramtest.NewTest(b, testToken, telegramtest.WithRateLimits(telegramtest.DefaultRateLimits()),
					telegramtest.WithLatency(latency))
				a := benchApp(b, tg, chats, map[string]string{config.EnvSendRate: strconv.Itoa(rate)})
				b.ResetTimer()
				_, queued, err := a.pipeline.Process(context.Background(), news.Article{Key: "bench", Source: "bench",
					Title: "خبر عن سوريا", Text: "نص الخبر عن سوريا.", URL: "https://news.example/bench"}, true)
				if err != nil || queued != chats {
					b.Fatalf("queued %d, %v", queued, err)
				}
				waitCtx, cancel := context.WithTimeout(context.Background(), time.Duration(chats/rate+120)*time.Second)
				if err := tg.WaitFor(waitCtx, func() bool { return tg.Stats().Sent >= chats }); err != nil {
					b.Fatalf("sent %d of %d: %v", tg.Stats().Sent, chats, err)
				}
				cancel()
				b.StopTimer()
				achieved, most := perSecond(tg.SentTimes())
				b.ReportMetric(achieved, "msgs/s")
				b.ReportMetric(achieved/rate, "share_of_rate")
				b.ReportMetric(float64(most), "max_per_1s")
				b.ReportMetric(float64(tg.Stats().TooManyRequests), "429s")
				b.ReportMetric(float64(tg.Stats().MostInFlight), "most_in_flight")
			}
		})
	}
}

// BenchmarkReplySurge is a link to the bot shared in a big group:
// AJEL_BENCH_CHATS chats (default 1,000) each send /start within two
// seconds, against a fake Telegram with Telegram's limits taking 150 ms a
// call, at SEND_RATE=30. It reports the time from the first /start to the
// last answer, the answers a second as a share of SEND_RATE, the 429s, and
// fails unless every chat got exactly one answer.
//
//	go test -run '^$' -bench ReplySurge -benchtime 1x .
func BenchmarkReplySurge(b *testing.B) {
	chats := benchenv.Int(b, "AJEL_BENCH_CHATS", 1000)
	const rate = 30
	for range b.N {
		tg := telegramtest.NewTest(b, testToken, telegramtest.WithRateLimits(telegramtest.DefaultRateLimits()),
			telegramtest.WithLatency(150*time.Millisecond))
		a := benchApp(b, tg, 0, map[string]string{config.EnvSendRate: strconv.Itoa(rate)})
		b.ResetTimer()
		start := time.Now()
		base := int64(1_000_000)
		for i := range chats {
			chat := telegramtest.PrivateChat(base + int64(i))
			tg.SendText(chat, telegramtest.NewUser(chat.ID, "قارئ"), "/start")
			time.Sleep(2 * time.Second / time.Duration(chats))
		}
		waitCtx, cancel := context.WithTimeout(context.Background(), time.Duration(chats/rate+120)*time.Second)
		err := tg.WaitFor(waitCtx, func() bool { return tg.MessageCount() >= chats })
		cancel()
		if err != nil {
			b.Fatalf("answered %d of %d: %v", tg.MessageCount(), chats, err)
		}
		last := time.Since(start)
		b.StopTimer()
		awaitIdle(b, a.db) // every /start handled: nothing more may come
		for i := range chats {
			if n := tg.SentCount(base + int64(i)); n != 1 {
				b.Fatalf("chat %d got %d answers, want 1", base+int64(i), n)
			}
		}
		achieved, most := perSecond(tg.SentTimes())
		b.ReportMetric(last.Seconds(), "last_answer_s")
		b.ReportMetric(achieved/rate, "share_of_rate")
		b.ReportMetric(float64(most), "max_per_1s")
		b.ReportMetric(float64(tg.Stats().TooManyRequests), "429s")
	}
}

// BenchmarkBreakingChannel pushes a breaking story on a topic that has a
// channel and AJEL_BENCH_CHATS direct readers (default 10,000), against a
// fake Telegram with Telegram's limits taking 150 ms a call: once at the
// free rate (SEND_RATE=30) and once with PAID_BROADCAST_RATE=1000 and
// SEND_CONCURRENCY=100. It reports the time to the channel post and to the
// last direct message, and the paid messages.
//
//	go test -run '^$' -bench BreakingChannel -benchtime 1x .
func BenchmarkBreakingChannel(b *testing.B) {
	chats := benchenv.Int(b, "AJEL_BENCH_CHATS", 10_000)
	const channelID = -1009999000001
	for _, tc := range []struct {
		name string
		env  map[string]string
	}{
		{"free", map[string]string{config.EnvSendRate: "30"}},
		{"paid=1000", map[string]string{config.EnvSendRate: "30", config.EnvPaidBroadcastRate: "1000", config.EnvSendConcurrency: "100"}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for range b.N {
				tg := telegramtest.NewTest(b, testToken, telegramtest.WithRateLimits(telegramtest.DefaultRateLimits()),
					telegramtest.WithLatency(150*time.Millisecond))
				tg.AddChat(telegramtest.Chat{ID: channelID, Type: telegramtest.ChatTypeChannel, Title: "عاجل سوريا", Username: "ajel_syria"})
				tg.SetAdmin(channelID, botUserID)
				env := map[string]string{config.EnvChannels: "syria=@ajel_syria"}
				for k, v := range tc.env {
					env[k] = v
				}
				a := benchApp(b, tg, chats, env)
				var channelAt time.Time
				b.ResetTimer()
				start := time.Now()
				_, queued, err := a.pipeline.Process(context.Background(), news.Article{Key: "brk", Source: "bench", Breaking: true,
					Title: "عاجل: زلزال يضرب شمال سوريا", Text: "ضرب زلزال شمال سوريا.", URL: "https://news.example/brk"}, true)
				if err != nil || queued != chats+1 {
					b.Fatalf("queued %d, %v", queued, err)
				}
				waitCtx, cancel := context.WithTimeout(context.Background(), time.Duration(chats/30+120)*time.Second)
				err = tg.WaitFor(waitCtx, func() bool {
					if channelAt.IsZero() && tg.SentCount(channelID) > 0 {
						channelAt = time.Now()
					}
					return tg.Stats().Sent >= chats+1
				})
				cancel()
				if err != nil {
					b.Fatalf("sent %d of %d: %v", tg.Stats().Sent, chats+1, err)
				}
				lastAt := time.Now()
				b.StopTimer()
				if post, ok := tg.LastSent(channelID); ok {
					channelAt = post.Date // when the fake took it
				}
				times := tg.SentTimes()
				slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
				b.ReportMetric(channelAt.Sub(start).Seconds(), "channel_post_s")
				b.ReportMetric(times[len(times)-1].Sub(start).Seconds(), "last_dm_s")
				b.ReportMetric(lastAt.Sub(start).Seconds(), "all_seen_s")
				b.ReportMetric(float64(tg.Stats().Paid), "paid_msgs")
				b.ReportMetric(float64(tg.Stats().TooManyRequests), "429s")
			}
		})
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
				config.EnvDatabasePath: dbPath, config.EnvHTTPAddr: "", config.EnvPollInterval: "2s", config.EnvPollIntervalMax: "2s",
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
		if err := a.addFeeds(ctx, cfg.Feeds, nil); err != nil {
			b.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- a.run(ctx) }()
		chat, user := telegramtest.PrivateChat(77), telegramtest.NewUser(77, "قارئ")
		_ = tg.WaitFor(ctx, tg.Polling)
		tg.SendText(chat, user, "/subscribe سوريا")
		_, _ = tg.WaitSent(ctx, chat.ID, 1)
		awaitPrimed(b, a.db, 1)

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
