package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ajel-news/ajel/bot/telegramtest"
)

// heapPeak samples the heap in use until stop is called and returns the
// largest figure seen, in MB.
func heapPeak() (stop func() float64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	})
	return func() float64 {
		close(done)
		wg.Wait()
		return float64(peak.Load()) / 1e6
	}
}

// subscribedApp is the app subscribed at a test hub to a feed that names
// it, with one reader.
func subscribedApp(b *testing.B, reader int64) (*app, *testHub, *feedServer) {
	tg := telegramtest.NewTest(b, testToken)
	hub := newTestHub(b)
	fs := newFeedServerTB(b)
	fs.set(hubFeed(hub.srv.URL, fs.srv.URL+"/rss", itemOld), "")
	return webSubApp(b, tg, hub, fs, reader), hub, fs
}

// postSigned posts body to the hub's subscriber, signed with secret, and
// returns the status (0: no answer, the connection was closed) and how
// long the answer took.
func postSigned(tb testing.TB, hub *testHub, body []byte, secret string) (int, time.Duration) {
	tb.Helper()
	hub.mu.Lock()
	cb := hub.callback
	hub.mu.Unlock()
	req, _ := http.NewRequest(http.MethodPost, cb, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/rss+xml")
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	req.Header.Set("X-Hub-Signature", "sha256="+hex.EncodeToString(m.Sum(nil)))
	began := time.Now()
	resp, err := (&http.Client{Timeout: 10 * time.Minute}).Do(req)
	if err != nil {
		tb.Logf("no answer: %v", err)
		return 0, time.Since(began)
	}
	resp.Body.Close()
	return resp.StatusCode, time.Since(began)
}

// BenchmarkWebSubTenThousandItems: a hub pushes one signed notification
// of 10,000 new items. Reported: how long the hub waits for its answer
// (answer_s), how long until every item is stored (stored_s) and the
// largest heap meanwhile. Run with -benchtime=1x.
func BenchmarkWebSubTenThousandItems(b *testing.B) {
	for range b.N {
		a, hub, fs := subscribedApp(b, 4100)
		items := make([]rssItem, 10_000)
		for i := range items {
			items[i] = rssItem{guid: fmt.Sprint("bulk-", i), title: fmt.Sprintf("%s رقم %d", syriaHeadlines[i%len(syriaHeadlines)], i),
				text: fmt.Sprintf("<p>تفاصيل الخبر رقم %d عن %s، كما نقلها مراسلون من المنطقة.</p>", i, syriaHeadlines[(i+3)%len(syriaHeadlines)]),
				link: fmt.Sprintf("https://news.example/bulk/%d", i)}
		}
		body := hubFeed(hub.srv.URL, fs.srv.URL+"/rss", items...)
		hub.mu.Lock()
		secret := hub.secret
		hub.mu.Unlock()
		runtime.GC()
		peak := heapPeak()
		began := time.Now()
		code, answer := postSigned(b, hub, body, secret)
		if code != 0 && code/100 != 2 {
			b.Fatalf("the notification was answered %d", code)
		}
		ctx := context.Background()
		for {
			s, err := a.db.Stats(ctx)
			if err == nil && s.Articles >= len(items)+1 {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		stored := time.Since(began)
		b.ReportMetric(answer.Seconds(), "answer_s")
		b.ReportMetric(stored.Seconds(), "stored_s")
		b.ReportMetric(peak(), "peak_heap_MB")
		b.Logf("%d KB notification of %d items: answered %d after %s, all stored after %s", len(body)>>10, len(items), code, answer, stored)
	}
}

// BenchmarkWebSubParallelBodies: 30 notifications of 10 MB each arrive at
// once, with a signature of the right form that does not match (what
// anyone who does not know the secret can send). Reported: the time
// until all are answered and the largest heap meanwhile, against the
// heap before. Run with -benchtime=1x.
func BenchmarkWebSubParallelBodies(b *testing.B) {
	for range b.N {
		_, hub, _ := subscribedApp(b, 4200)
		body := []byte(strings.Repeat("<item>x</item>", 10_000_000/14))
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		peak := heapPeak()
		began := time.Now()
		var wg sync.WaitGroup
		var answered atomic.Int32
		for range 30 {
			wg.Go(func() {
				if code, _ := postSigned(b, hub, body, "not the secret"); code != 0 {
					answered.Add(1)
				}
			})
		}
		wg.Wait()
		took := time.Since(began)
		b.ReportMetric(took.Seconds(), "all_answered_s")
		b.ReportMetric(float64(before.HeapInuse)/1e6, "heap_before_MB")
		b.ReportMetric(peak(), "peak_heap_MB")
		b.Logf("30 × %.1f MB with a wrong signature: %d answered in %s", float64(len(body))/1e6, answered.Load(), took)
	}
}
