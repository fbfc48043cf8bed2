// Package metrics holds Ajel's Prometheus metrics: what the feed poller,
// the pipeline, the delivery worker, the bot and the HTTP server report,
// and the database's upkeep, read at each scrape. Each reporter declares
// the small interface it needs; *Metrics has all their methods.
package metrics

import (
	"strings"
	"sync/atomic"
	"time"

	"github.com/ajel-news/ajel/news"
	"github.com/prometheus/client_golang/prometheus"
)

// Push failure reasons, the values of ajel_pushes_failed_total's "reason"
// label. The set is closed so the label stays cheap.
const (
	ReasonRateLimited = "rate_limited"
	ReasonForbidden   = "forbidden"
	ReasonMigrated    = "migrated"
	ReasonBadRequest  = "bad_request"
	ReasonFailed      = "failed"
)

// Ingest outcomes, the values of ajel_ingest_requests_total's "result"
// label.
const (
	IngestCreated      = "created"
	IngestDuplicate    = "duplicate"
	IngestRejected     = "rejected"
	IngestUnauthorized = "unauthorized"
	IngestError        = "error"
)

// ReasonOf maps a send failure kind to its reason label.
func ReasonOf(k news.SendErrorKind) string {
	switch k {
	case news.SendRateLimited:
		return ReasonRateLimited
	case news.SendForbidden:
		return ReasonForbidden
	case news.SendMigrated:
		return ReasonMigrated
	case news.SendBadRequest:
		return ReasonBadRequest
	}
	return ReasonFailed
}

// Metrics are Ajel's Prometheus metrics. Its methods are what the feed
// poller, the pipeline and the delivery worker report to; they are safe for
// concurrent use and cheap. No label carries a feed or chat id, so the
// series count stays fixed.
type Metrics struct {
	feedPolls      prometheus.Counter
	feedErrors     prometheus.Counter
	fetched        prometheus.Counter
	seen           prometheus.Counter
	fresh          prometheus.Counter
	queued         prometheus.Counter
	sent           prometheus.Counter
	failed         *prometheus.CounterVec
	rateLimited    prometheus.Counter
	storeErrors    prometheus.Counter
	latency        prometheus.Histogram
	ingest         *prometheus.CounterVec
	outboxPending  prometheus.Gauge
	outboxOldest   prometheus.Gauge
	edits          *prometheus.CounterVec
	digests        prometheus.Counter
	digestStories  prometheus.Counter
	paid           prometheus.Counter
	channelPosts   prometheus.Counter
	pages          *prometheus.CounterVec
	rescheduled    prometheus.Counter
	updatesSkipped prometheus.Counter
	updatesParked  prometheus.Counter
	inlineAnswers  prometheus.Histogram
	inlineDropped  *prometheus.CounterVec
	deliveryReport *DeliveryMetrics
	upkeep         atomic.Pointer[func() Upkeep]
}

// Upkeep is the state of the database's upkeep, for /healthz and /metrics.
type Upkeep struct {
	// Bytes is the database's size on disk.
	Bytes int64
	// PrunedDeliveries, PrunedArticles and PrunedStories count the rows
	// retention deleted since the process started.
	PrunedDeliveries, PrunedArticles, PrunedStories int64
	// LastPrune is when retention last ran (zero: not yet).
	LastPrune time.Time
}

// WatchUpkeep makes the database gauges read from u at each scrape.
func (m *Metrics) WatchUpkeep(u func() Upkeep) { m.upkeep.Store(&u) }

// Upkeep is the database's upkeep as the function WatchUpkeep set reads
// it (zero before it is set).
func (m *Metrics) Upkeep() Upkeep {
	if u := m.upkeep.Load(); u != nil {
		return (*u)()
	}
	return Upkeep{}
}

// NewMetrics creates the metrics and registers them with reg:
//
//	ajel_feed_polls_total                   feed polls
//	ajel_feed_errors_total                  failed feed polls
//	ajel_articles_fetched_total             items returned by feed polls
//	ajel_articles_seen_total                articles the pipeline processed
//	ajel_articles_new_total                 articles stored as new
//	ajel_deliveries_queued_total            outbox rows queued
//	ajel_pushes_sent_total                  messages Telegram accepted
//	ajel_pushes_failed_total{reason}        failed sends (rate_limited, forbidden, migrated, bad_request, failed)
//	ajel_telegram_rate_limited_total        429 answers
//	ajel_delivery_store_errors_total        database errors seen by the delivery worker
//	ajel_push_edits_total{result}           pushes brought up to date when more outlets joined their story (ok, refused)
//	ajel_digests_sent_total                 digest messages of stories held by a chat's /limit
//	ajel_digest_stories_total               stories sent inside digests
//	ajel_paid_broadcast_messages_total      pushes sent with allow_paid_broadcast (0.1 Star each)
//	ajel_channel_posts_total                stories posted to topic channels
//	ajel_database_bytes                     the database's size on disk (file and WAL)
//	ajel_pruned_rows_total{table}           rows retention deleted (deliveries, articles, stories)
//	ajel_push_latency_seconds               from article seen (row queued) to Telegram accepting the push;
//	                                        buckets 0.05 0.1 0.25 0.5 1 2 5 10 30 60 s
//	ajel_ingest_requests_total{result}      POST /api/v1/articles by outcome
//	ajel_article_pages_total{result}        article pages read for teasers: used, or why not
//	ajel_outbox_pending                     pending outbox rows (refreshed on each scrape)
//	ajel_outbox_oldest_pending_age_seconds  age of the oldest pending row (refreshed on each scrape)
//	ajel_outbox_rescheduled_total           pending rows found dated in the future (the clock went back), sent at once
//	ajel_updates_skipped_total              Telegram updates Ajel cannot use, skipped (offset saved)
//	ajel_updates_parked_total               updates whose handling panicked or never finished, parked
//	ajel_inline_answer_seconds              from an inline query's arrival to Telegram taking its answer
//	                                        (its count is the queries answered); buckets 0.05 … 10 s
//	ajel_inline_dropped_total{reason}       inline queries not answered: late, full, superseded, failed
//
// Go runtime and process collectors are not added here; main may register
// them on the same registry.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	counter := func(name, help string) prometheus.Counter {
		return prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: help})
	}
	m := &Metrics{
		feedPolls:   counter("ajel_feed_polls_total", "Feed polls."),
		feedErrors:  counter("ajel_feed_errors_total", "Feed polls that failed."),
		fetched:     counter("ajel_articles_fetched_total", "Items returned by feed polls."),
		seen:        counter("ajel_articles_seen_total", "Articles the pipeline processed."),
		fresh:       counter("ajel_articles_new_total", "Articles stored as new."),
		queued:      counter("ajel_deliveries_queued_total", "Outbox rows queued."),
		sent:        counter("ajel_pushes_sent_total", "Pushes Telegram accepted."),
		rateLimited: counter("ajel_telegram_rate_limited_total", "Telegram 429 answers."),
		storeErrors: counter("ajel_delivery_store_errors_total", "Database errors seen by the delivery worker."),
		failed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ajel_pushes_failed_total", Help: "Failed send attempts by reason.",
		}, []string{"reason"}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "ajel_push_latency_seconds",
			Help:    "Time from an article being seen to its push being accepted by Telegram.",
			Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60},
		}),
		ingest: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ajel_ingest_requests_total", Help: "Ingest API requests by outcome.",
		}, []string{"result"}),
		outboxPending: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "ajel_outbox_pending", Help: "Pending outbox rows.",
		}),
		outboxOldest: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "ajel_outbox_oldest_pending_age_seconds", Help: "Age of the oldest pending outbox row (0 when none).",
		}),
		edits: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ajel_push_edits_total", Help: "Edits of sent pushes when more outlets joined their story, by outcome.",
		}, []string{"result"}),
		digests:        counter("ajel_digests_sent_total", "Digest messages of stories held by a chat's hourly limit."),
		digestStories:  counter("ajel_digest_stories_total", "Stories sent inside digests."),
		paid:           counter("ajel_paid_broadcast_messages_total", "Pushes sent with allow_paid_broadcast (0.1 Telegram Star each)."),
		channelPosts:   counter("ajel_channel_posts_total", "Stories posted to topic channels."),
		rescheduled:    counter("ajel_outbox_rescheduled_total", "Pending rows found dated in the future (the clock went back) and made due at once."),
		updatesSkipped: counter("ajel_updates_skipped_total", "Telegram updates Ajel cannot use, skipped with their offset saved."),
		updatesParked:  counter("ajel_updates_parked_total", "Telegram updates whose handling panicked or never finished, parked for a look."),
		inlineAnswers: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "ajel_inline_answer_seconds",
			Help:    "Time from an inline query's arrival to Telegram taking its answer.",
			Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10},
		}),
		inlineDropped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ajel_inline_dropped_total", Help: "Inline queries not answered, by reason (late, full, superseded, failed).",
		}, []string{"reason"}),
		pages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ajel_article_pages_total", Help: "Article pages read for teaser items, by result (used, or why the teaser was kept).",
		}, []string{"result"}),
	}
	// Pre-create the labelled series so dashboards see zeros, not gaps.
	for _, r := range []string{ReasonRateLimited, ReasonForbidden, ReasonMigrated, ReasonBadRequest, ReasonFailed} {
		m.failed.WithLabelValues(r)
	}
	for _, r := range []string{IngestCreated, IngestDuplicate, IngestRejected, IngestUnauthorized, IngestError} {
		m.ingest.WithLabelValues(r)
	}
	for _, r := range []string{editOK, editRefused} {
		m.edits.WithLabelValues(r)
	}
	m.pages.WithLabelValues(PageUsed)
	for _, r := range []string{InlineLate, InlineFull, InlineSuperseded, InlineFailed} {
		m.inlineDropped.WithLabelValues(r)
	}
	pruned := func(table string, get func(Upkeep) int64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "ajel_pruned_rows_total", Help: "Rows retention deleted since the process started.",
			ConstLabels: prometheus.Labels{"table": table},
		}, func() float64 { return float64(get(m.Upkeep())) })
	}
	reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "ajel_database_bytes", Help: "The database's size on disk (file and WAL)."},
			func() float64 { return float64(m.Upkeep().Bytes) }),
		pruned("deliveries", func(u Upkeep) int64 { return u.PrunedDeliveries }),
		pruned("articles", func(u Upkeep) int64 { return u.PrunedArticles }),
		pruned("stories", func(u Upkeep) int64 { return u.PrunedStories }),
	)
	reg.MustRegister(m.feedPolls, m.feedErrors, m.fetched, m.seen, m.fresh, m.queued, m.sent, m.failed,
		m.rateLimited, m.storeErrors, m.latency, m.ingest, m.outboxPending, m.outboxOldest,
		m.edits, m.digests, m.digestStories, m.paid, m.channelPosts, m.pages, m.rescheduled, m.updatesSkipped, m.updatesParked,
		m.inlineAnswers, m.inlineDropped)
	m.deliveryReport = &DeliveryMetrics{m: m}
	return m
}

// FeedFetched records one feed poll (the feed poller's Observer).
func (m *Metrics) FeedFetched(_ int64, items int, err error) {
	m.feedPolls.Inc()
	m.fetched.Add(float64(items))
	if err != nil {
		m.feedErrors.Inc()
	}
}

// ArticleSeen records one processed article (the pipeline's Observer).
func (m *Metrics) ArticleSeen(_ int64, isNew bool, queued int) {
	m.seen.Inc()
	if isNew {
		m.fresh.Inc()
	}
	m.queued.Add(float64(queued))
}

// UpdateSkipped records a Telegram update Ajel cannot use (the bot's
// UpdateObserver).
func (m *Metrics) UpdateSkipped() { m.updatesSkipped.Inc() }

// UpdateParked records an update whose handling panicked or never
// finished, set aside.
func (m *Metrics) UpdateParked() { m.updatesParked.Inc() }

// Why an inline query was not answered, the values of
// ajel_inline_dropped_total's "reason" label (telegram's Inline* reasons).
const (
	InlineLate       = "late"
	InlineFull       = "full"
	InlineSuperseded = "superseded"
	InlineFailed     = "failed"
)

// InlineAnswered records an inline query answered, latency after it
// arrived (the inline queue's InlineObserver).
func (m *Metrics) InlineAnswered(latency time.Duration) { m.inlineAnswers.Observe(latency.Seconds()) }

// InlineDropped records an inline query not answered, and why.
func (m *Metrics) InlineDropped(reason string) { m.inlineDropped.WithLabelValues(reason).Inc() }

// PageUsed is the result label of an article page that gave the text.
const PageUsed = "used"

// PageRead records one article page read: result is PageUsed or a short
// reason the teaser was kept (timeout, not_html…; a closed set, so the
// label stays cheap).
func (m *Metrics) PageRead(result string) { m.pages.WithLabelValues(result).Inc() }

// PushSent records a push Telegram accepted, latency after the article was
// seen.
func (m *Metrics) PushSent(latency time.Duration) {
	m.sent.Inc()
	m.latency.Observe(latency.Seconds())
}

// PushFailed records a failed send; reason is one of the Reason constants
// (anything else counts as ReasonFailed).
func (m *Metrics) PushFailed(reason string) {
	switch reason {
	case ReasonRateLimited, ReasonForbidden, ReasonMigrated, ReasonBadRequest:
	default:
		reason = ReasonFailed
	}
	m.failed.WithLabelValues(reason).Inc()
}

// RateLimited records a 429 from Telegram.
func (m *Metrics) RateLimited(time.Duration) {
	m.rateLimited.Inc()
	m.failed.WithLabelValues(ReasonRateLimited).Inc()
}

// SetOutbox sets the outbox gauges; the server calls it on each scrape.
func (m *Metrics) SetOutbox(pending int, oldestAge time.Duration) {
	m.outboxPending.Set(float64(pending))
	m.outboxOldest.Set(max(oldestAge.Seconds(), 0))
}

// IngestResult counts one ingest request by its outcome (an Ingest*
// constant).
func (m *Metrics) IngestResult(result string) {
	if m != nil {
		m.ingest.WithLabelValues(result).Inc()
	}
}

// Delivery returns the view of m that the delivery worker reports to: it
// has the method set of delivery.Observer, so main passes it as is.
func (m *Metrics) Delivery() *DeliveryMetrics { return m.deliveryReport }

// DeliveryMetrics adapts Metrics to the delivery worker's Observer.
type DeliveryMetrics struct{ m *Metrics }

// Sent records a push Telegram accepted.
func (d *DeliveryMetrics) Sent(dl news.Delivery, latency time.Duration) {
	d.m.PushSent(latency)
	if dl.Push.Paid {
		d.m.paid.Inc()
	}
	if dl.ChatType == news.ChatChannel {
		d.m.channelPosts.Inc()
	}
}

// Retried records a failed attempt that will be tried again.
func (d *DeliveryMetrics) Retried(_ news.Delivery, reason string) { d.m.PushFailed(reasonOf(reason)) }

// Failed records a push given up on.
func (d *DeliveryMetrics) Failed(_ news.Delivery, reason string) { d.m.PushFailed(reasonOf(reason)) }

// RateLimited records a 429.
func (d *DeliveryMetrics) RateLimited(retryAfter time.Duration) { d.m.RateLimited(retryAfter) }

// ChatDeactivated records a 403.
func (d *DeliveryMetrics) ChatDeactivated(int64, int) { d.m.PushFailed(ReasonForbidden) }

// ChatMigrated records a group that moved to a supergroup.
func (d *DeliveryMetrics) ChatMigrated(int64, int64) { d.m.PushFailed(ReasonMigrated) }

// StoreError records a database error in the delivery worker.
func (d *DeliveryMetrics) StoreError(error) { d.m.storeErrors.Inc() }

// Rescheduled records pending rows found dated in the future.
func (d *DeliveryMetrics) Rescheduled(rows int, _ time.Duration) { d.m.rescheduled.Add(float64(rows)) }

// Outcomes of ajel_push_edits_total.
const (
	editOK      = "ok"
	editRefused = "refused"
)

// Edited records an edit of a sent push.
func (d *DeliveryMetrics) Edited(_ news.Delivery, err error) {
	result := editOK
	if err != nil {
		result = editRefused
	}
	d.m.edits.WithLabelValues(result).Inc()
}

// DigestSent records a digest message and the stories in it.
func (d *DeliveryMetrics) DigestSent(_ int64, stories int) {
	d.m.digests.Inc()
	d.m.digestStories.Add(float64(stories))
}

// reasonOf classifies the reason text the delivery worker passes, which is
// a news.SendError's message ("telegram: 400 Bad Request: …") or a network
// error's.
func reasonOf(reason string) string {
	switch {
	case strings.HasPrefix(reason, "telegram: 400 "):
		return ReasonBadRequest
	case strings.HasPrefix(reason, "telegram: 403 "):
		return ReasonForbidden
	case strings.HasPrefix(reason, "telegram: rate limited"):
		return ReasonRateLimited
	case strings.HasPrefix(reason, "telegram: chat migrated"):
		return ReasonMigrated
	}
	return ReasonFailed
}
