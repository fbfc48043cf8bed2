// Command drill is the helper of deploy/drill.sh, the restore drill: a fake
// Telegram that outlives the processes the drill kills and counts what
// every chat received, a seeder for the readers, and a reader of what a
// database file says was sent. It is run by hand, never in CI.
//
//	drill telegram -addr 127.0.0.1:8081 -token T -latency 150ms -title X
//	drill seed -db ajel.db -chats 2000 -topic syria
//	drill outbox -db ajel.db
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/ajel-news/ajel/bot/telegramtest"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/storage"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: drill telegram|seed|outbox [flags]")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch os.Args[1] {
	case "telegram":
		err = runTelegram(ctx, os.Args[2:])
	case "seed":
		err = seed(ctx, os.Args[2:])
	case "outbox":
		err = outbox(ctx, os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q: want telegram, seed or outbox", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "drill:", err)
		os.Exit(1)
	}
}

// counts is what the fake Telegram's /drill/counts answers.
type counts struct {
	Messages int `json:"messages"` // pushes of the story, all chats
	Reached  int `json:"reached"`  // chats that got it at least once
	Repeats  int `json:"repeats"`  // pushes beyond a chat's first
}

// runTelegram serves a fake Bot API with a round-trip delay until ctx
// ends, counting per chat the pushes whose text holds title; GET
// /drill/counts tells the totals.
func runTelegram(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("telegram", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8081", "where to listen")
	token := fs.String("token", "", "the bot token the fake accepts")
	latency := fs.Duration("latency", 150*time.Millisecond, "round-trip delay of every call")
	title := fs.String("title", "", "the story whose pushes are counted")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *token == "" || *title == "" {
		return errors.New("telegram: -token and -title are required")
	}
	tg := telegramtest.New(*token, telegramtest.WithLatency(*latency), telegramtest.WithJitter(*latency/5),
		telegramtest.WithRateLimits(telegramtest.DefaultRateLimits()))
	var mu sync.Mutex
	perChat := map[int64]int{}
	tg.OnMessage(func(m telegramtest.Message) {
		if strings.Contains(m.PlainText, *title) {
			mu.Lock()
			perChat[m.ChatID]++
			mu.Unlock()
		}
	})
	mux := http.NewServeMux()
	mux.Handle("/", tg.Handler())
	mux.HandleFunc("GET /drill/counts", func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		var c counts
		for _, n := range perChat {
			c.Messages += n
			c.Reached++
			c.Repeats += n - 1
		}
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(c)
	})
	srv := &http.Server{Addr: *addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		tg.Close() // ends long polls, so Shutdown need not wait for them
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	slog.Info("fake Telegram listening", "addr", *addr, "latency", *latency)
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("telegram: %w", err)
	}
	return nil
}

// seed saves private chats 1…n, each following topic, into the database.
func seed(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	path := fs.String("db", "ajel.db", "the database file")
	chats := fs.Int("chats", 2000, "how many readers")
	topic := fs.String("topic", "syria", "the topic slug they follow")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := storage.Open(ctx, *path)
	if err != nil {
		return err
	}
	defer db.Close()
	for id := int64(1); id <= int64(*chats); id++ {
		if err := db.SaveChat(ctx, news.Chat{ID: id, Type: news.ChatPrivate, Title: fmt.Sprint("reader ", id)}); err != nil {
			return err
		}
		if _, err := db.Subscribe(ctx, news.Subscription{ChatID: id, Kind: news.KindTopic, Key: *topic, Display: *topic}); err != nil {
			return err
		}
	}
	return nil
}

// outbox prints, as JSON, how many outbox rows the database holds as sent
// and pending, and when the newest recorded send happened (Unix ms).
func outbox(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("outbox", flag.ContinueOnError)
	path := fs.String("db", "ajel.db", "the database file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := storage.Open(ctx, *path)
	if err != nil {
		return err
	}
	defer db.Close()
	s, err := db.Outbox(ctx)
	if err != nil {
		return fmt.Errorf("outbox of %s: %w", *path, err)
	}
	var newest int64
	if !s.NewestSent.IsZero() {
		newest = s.NewestSent.UnixMilli()
	}
	return json.NewEncoder(os.Stdout).Encode(map[string]int64{"sent": int64(s.Sent), "pending": int64(s.Pending), "newest_sent_ms": newest})
}
