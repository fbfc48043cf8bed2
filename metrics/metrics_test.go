package metrics_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/ajel-news/ajel/metrics"
	"github.com/ajel-news/ajel/news"
)

func TestMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := metrics.NewMetrics(reg)
	ts := httptest.NewServer(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	defer ts.Close()

	m.FeedFetched(1, 10, nil)
	m.FeedFetched(2, 0, errors.New("HTTP 500"))
	m.ArticleSeen(1, true, 4)
	m.ArticleSeen(1, false, 0)
	m.PushSent(300 * time.Millisecond)
	d := m.Delivery()
	d.Sent(news.Delivery{}, 2*time.Second)
	d.Failed(news.Delivery{}, (&news.SendError{Kind: news.SendBadRequest, Code: 400, Description: "Bad Request: chat not found"}).Error())
	d.Retried(news.Delivery{}, "connection refused")
	d.RateLimited(3 * time.Second)
	d.ChatDeactivated(7, 2)
	d.ChatMigrated(7, -1007)
	d.StoreError(errors.New("locked"))
	d.Edited(news.Delivery{}, nil)
	d.Edited(news.Delivery{}, errors.New("message to edit not found"))
	d.Edited(news.Delivery{}, nil)
	d.DigestSent(7, 3)
	m.PushFailed("something odd")
	m.SetOutbox(5, 90*time.Second)

	resp, err := http.Get(ts.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	text := string(raw)
	for _, want := range []string{
		"ajel_feed_polls_total 2",
		"ajel_feed_errors_total 1",
		"ajel_articles_fetched_total 10",
		"ajel_articles_seen_total 2",
		"ajel_articles_new_total 1",
		"ajel_deliveries_queued_total 4",
		"ajel_pushes_sent_total 2",
		`ajel_pushes_failed_total{reason="bad_request"} 1`,
		`ajel_pushes_failed_total{reason="failed"} 2`,
		`ajel_pushes_failed_total{reason="rate_limited"} 1`,
		`ajel_pushes_failed_total{reason="forbidden"} 1`,
		`ajel_pushes_failed_total{reason="migrated"} 1`,
		"ajel_telegram_rate_limited_total 1",
		"ajel_delivery_store_errors_total 1",
		`ajel_push_latency_seconds_bucket{le="0.05"} 0`,
		`ajel_push_latency_seconds_bucket{le="0.5"} 1`,
		`ajel_push_latency_seconds_bucket{le="60"} 2`,
		"ajel_push_latency_seconds_count 2",
		`ajel_ingest_requests_total{result="created"} 0`,
		"ajel_outbox_pending 5",
		"ajel_outbox_oldest_pending_age_seconds 90",
		`ajel_push_edits_total{result="ok"} 2`,
		`ajel_push_edits_total{result="refused"} 1`,
		"ajel_digests_sent_total 1",
		"ajel_digest_stories_total 3",
	} {
		if !strings.Contains(text, want+"\n") {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}
