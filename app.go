package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/ajel-news/ajel/alert"
	"github.com/ajel-news/ajel/analyze"
	"github.com/ajel-news/ajel/bot"
	"github.com/ajel-news/ajel/config"
	"github.com/ajel-news/ajel/delivery"
	"github.com/ajel-news/ajel/faults"
	"github.com/ajel-news/ajel/feed"
	"github.com/ajel-news/ajel/feed/discover"
	"github.com/ajel-news/ajel/feed/page"
	"github.com/ajel-news/ajel/feed/websub"
	"github.com/ajel-news/ajel/metrics"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/pipeline"
	"github.com/ajel-news/ajel/storage"
	"github.com/ajel-news/ajel/story"
	"github.com/ajel-news/ajel/summary"
	"github.com/ajel-news/ajel/telegram"
	"github.com/ajel-news/ajel/topic"
	"github.com/ajel-news/ajel/web"
)

// app is one running Ajel: every component wired to one database.
type app struct {
	cfg       config.Config
	log       *slog.Logger
	db        *storage.DB
	lock      *storage.InstanceLock
	catalogue *topic.Catalogue
	analyzer  *analyze.Analyzer
	pipeline  *pipeline.Pipeline
	fetcher   *feed.Fetcher
	finder    *discover.Finder
	poller    *feed.Poller
	websub    *websub.Subscriber
	updater   *delivery.Updater
	worker    *delivery.Worker
	bot       *bot.Bot
	web       *web.Server
	alerts    *alert.Watcher
	// listener is the bound HTTP_ADDR (nil when it is empty).
	listener net.Listener
	// paid is whether breaking stories may go by paid broadcast.
	paid bool
	// faults are what /healthz lists as going wrong.
	faults *faults.Tracker

	// Background work a component asks for (the first poll of a feed
	// /addfeed added) runs under run's context and is waited for like
	// every other goroutine, so nothing touches the database after Close.
	tasksMu  sync.Mutex
	tasksCtx context.Context // nil until run starts; done once it stops
	tasks    sync.WaitGroup
}

// appOptions are what differs between `ajel run` and `ajel demo`.
type appOptions struct {
	// httpClient talks to Telegram (nil: a default client).
	httpClient *http.Client
	// fetchClient fetches feeds (nil: the fetcher's own, with the address
	// guard).
	fetchClient *http.Client
	// pageGap is the least time between two article pages of one host
	// (0: the feed default); the demo, reading its own pages, shortens it.
	pageGap time.Duration
	// pollTimeout is the getUpdates long-poll timeout (0: the bot's default).
	pollTimeout time.Duration
	// digestInterval is the longest a story waits in a capped chat's
	// digest (0: the delivery default, 15 minutes); tests shorten it.
	digestInterval time.Duration
	// storyJoined is told of each article stored into a story another
	// article opened (its StoryNote says why); the demo prints it.
	storyJoined func(news.Article)
}

// newApp opens the database and builds every component. The caller closes
// the app when done.
func newApp(ctx context.Context, cfg config.Config, log *slog.Logger, opt appOptions) (*app, error) {
	catalogue, err := topic.Load(cfg.TopicsFile)
	if err != nil {
		return nil, err
	}
	// One process per database, before anything touches it: a second
	// would send every push again.
	lock, err := storage.Lock(cfg.DatabasePath)
	if err != nil {
		return nil, err
	}
	db, err := storage.Open(ctx, cfg.DatabasePath)
	if err != nil {
		lock.Release()
		return nil, err
	}
	a := &app{cfg: cfg, log: log, db: db, lock: lock, catalogue: catalogue}
	ok := false
	defer func() {
		if !ok {
			a.Close()
		}
	}()
	// Keywords and mutes saved before the matching form dropped every
	// invisible character (a variation selector inside «مصر») never
	// matched: they are brought up to it.
	if n, err := db.RekeyKeywords(ctx, analyze.KeywordForms); err != nil {
		return nil, err
	} else if n > 0 {
		log.Info("keywords and mutes brought up to the current matching form", "changed", n)
	}

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	meter := metrics.NewMetrics(reg)
	meter.WatchUpkeep(func() metrics.Upkeep {
		u := db.Upkeep()
		return metrics.Upkeep{Bytes: u.Bytes, PrunedDeliveries: u.PrunedDeliveries, PrunedArticles: u.PrunedArticles,
			PrunedStories: u.PrunedStories, LastPrune: u.LastPrune}
	})
	tracker := faults.NewTracker(nil)

	// One budget for everything the bot sends: replies, pushes, edits,
	// digests (Telegram's limit is per bot).
	budget := delivery.NewBudget(delivery.BudgetOptions{Rate: cfg.SendRate, PaidRate: float64(cfg.PaidBroadcastRate)})
	a.paid = budget.PaidEnabled()
	a.faults = tracker
	if cfg.PaidBroadcastRate > 0 && !a.paid {
		log.Warn("PAID_BROADCAST_RATE is not above SEND_RATE: paid broadcast adds nothing and stays off",
			"paid_broadcast_rate", cfg.PaidBroadcastRate, "send_rate", cfg.SendRate)
	}
	b, err := bot.New(bot.Options{
		Token:       cfg.TelegramToken,
		Endpoint:    cfg.TelegramEndpoint,
		HTTPClient:  opt.httpClient,
		AdminIDs:    cfg.AdminIDs,
		Store:       subscriptionWatcher{DB: db, changed: func() { a.pipeline.KeywordsChanged() }},
		Topics:      catalogue,
		Feeds:       feedAdmin{app: a},
		Follows:     db,
		Stats:       a.stats,
		KeywordKey:  analyze.KeywordKey,
		SearchTerms: analyze.SearchTerms,
		Location:    cfg.Timezone,
		Logger:      log.With("component", "bot"),
		PollTimeout: opt.pollTimeout,
		Throttle:    budget,
		Faults:      tracker,
		Updates:     meter,
		// The worker's automatic cap (delivery.Options.BurstPerHour's
		// default), which /limit mentions.
		BurstPerHour: delivery.DefaultBurstPerHour,
		// «كيف نقلتها المصادر», /story, the share button and inline mode.
		Stories:     db,
		Differences: summary.NewComparer(catalogue.Places()).Differences,
		Inline:      telegram.InlineOptions{Observer: meter},
	})
	if err != nil {
		return nil, err
	}
	a.bot = b
	a.worker = delivery.New(db, b, delivery.Options{
		Budget:      budget,
		Concurrency: cfg.SendConcurrency,
		Noticer:     b,
		Location:    cfg.Timezone,
		Logger:      log.With("component", "delivery"),
		Observer:    deliveryFaults{Observer: meter.Delivery(), faults: tracker},
		// Pushes already sent are edited when more outlets carry their
		// story; a chat's /limit gathers the overflow into digests.
		Editor:         b,
		Comparisons:    b,
		Digester:       b,
		DigestInterval: opt.digestInterval,
		// Readers may follow a developing story from its push.
		FollowButtons: true,
	})
	a.updater = delivery.NewUpdater(db, b, delivery.UpdaterOptions{
		Location: cfg.Timezone, Logger: log.With("component", "updates"),
	})
	det := story.NewDetector(story.Options{Places: catalogue.Places()})
	if err := det.Warm(ctx, db, time.Now()); err != nil {
		return nil, err
	}
	a.analyzer = analyze.New(catalogue, analyze.Options{})
	a.fetcher = feed.NewFetcher(feed.Options{
		UserAgent:    feed.UserAgent(version),
		AllowPrivate: cfg.AllowPrivateFeeds,
		Client:       opt.fetchClient,
	})
	a.finder = discover.New(a.fetcher, discover.Options{})
	popt := pushRules(cfg, a.analyzer)
	popt.Stories = story.NewAssigner(det, log.With("component", "story"))
	if opt.storyJoined != nil {
		popt.Stories = &joinWatcher{Clusterer: popt.Stories, joined: opt.storyJoined}
	}
	popt.StorySummarizer = summary.NewStoryWriter(db, summary.Options{})
	popt.Notifier = a.worker
	popt.Observer = pipelineMetrics{meter}
	popt.Logger = log.With("component", "pipeline")
	popt.Pages = page.NewReader(a.fetcher, page.Options{Gap: opt.pageGap})
	popt.Followers, popt.NewFacts, popt.UpdateNotifier = db, summary.NewFacts, a.updater
	popt.Filler = db
	a.pipeline = pipeline.New(db, popt)
	a.poller = feed.NewPoller(db, a.fetcher, a.pipeline, cfg.PollInterval, log.With("component", "feed"),
		feed.WithObserver(feedFaults{Observer: meter, faults: tracker}), feed.WithMaxInterval(cfg.PollIntervalMax))
	a.websub = websub.NewSubscriber(db, a.fetcher, a.poller, websub.Options{
		PublicURL: cfg.PublicURL, AllowPrivate: cfg.AllowPrivateFeeds, Logger: log.With("component", "websub"),
	})
	a.poller.WatchHubs(a.websub)
	// Admins are told of problems before readers notice; the alerts go
	// through the one rate budget.
	a.alerts = alert.New(db, b, alert.Options{
		After: cfg.AlertAfter, DatabaseSize: cfg.AlertDatabaseSize, DatabaseBytes: func() int64 { return db.Upkeep().Bytes },
		Throttle: budget, Logger: log.With("component", "alerts"),
	})

	a.web = web.New(web.Options{
		Addr:         cfg.HTTPAddr,
		IngestToken:  cfg.IngestToken,
		Ingester:     a.pipeline,
		Health:       healthAdapter{db},
		Registry:     reg,
		Metrics:      meter,
		Logger:       log.With("component", "web"),
		Faults:       tracker,
		PollInterval: cfg.PollInterval,
	})
	if cfg.HTTPAddr != "" {
		// Bind now: a taken port is reported before anything starts.
		if a.listener, err = a.web.Listen(ctx); err != nil {
			return nil, err
		}
	}
	ok = true
	return a, nil
}

// setChannels records the topic channels of CHANNELS, each checked with
// Telegram: its topic must be in the catalogue (or be "breaking") and the
// chat a channel where the bot is an administrator allowed to post. A
// problem stops the start with one line naming the entry.
func (a *app) setChannels(ctx context.Context) error {
	chs := make([]news.Channel, 0, len(a.cfg.Channels))
	for _, e := range a.cfg.Channels {
		slug, display, ok := a.bot.ChannelTopic(e.Topic)
		if !ok {
			return fmt.Errorf("config: %s entry %q: no topic %q in the catalogue: use a slug such as syria (see /topics or TOPICS_FILE), or breaking",
				config.EnvChannels, e.Entry(), e.Topic)
		}
		ch, err := a.bot.ResolveChannel(ctx, e.Chat())
		if err != nil {
			if errors.Is(err, bot.ErrChannelNotFound) || errors.Is(err, bot.ErrNotAChannel) || errors.Is(err, bot.ErrCannotPost) {
				return fmt.Errorf("config: %s entry %q: %w", config.EnvChannels, e.Entry(), err)
			}
			return fmt.Errorf("config: %s entry %q: could not check the channel with Telegram: %w", config.EnvChannels, e.Entry(), err)
		}
		ch.Topic, ch.Display = slug, display
		chs = append(chs, ch)
	}
	return a.db.SetConfigChannels(ctx, chs)
}

// redactedURL is a feed address fit for an error: without a password.
func redactedURL(s string) string {
	if u, err := url.Parse(s); err == nil {
		return u.Redacted()
	}
	return s
}

// pruneEvery is how often retention runs.
const pruneEvery = 10 * time.Minute

// run runs the bot, the poller, the delivery worker, retention and (when
// HTTP_ADDR is set) the web server until ctx ends or one of them fails.
func (a *app) run(parent context.Context) error {
	ctx, cancel := context.WithCancelCause(parent)
	defer cancel(nil)
	a.tasksMu.Lock()
	a.tasksCtx = ctx
	a.tasksMu.Unlock()
	var wg sync.WaitGroup
	start := func(name string, fn func(context.Context) error) {
		wg.Go(func() {
			if err := fn(ctx); err != nil && ctx.Err() == nil {
				// Errors carry their package's prefix; the component's name
				// is added only when it says something more ("retention").
				if !strings.HasPrefix(err.Error(), name+": ") {
					err = fmt.Errorf("%s: %w", name, err)
				}
				cancel(err)
			}
		})
	}
	stop := func(err error) error {
		cancel(err)
		wg.Wait()
		a.tasks.Wait()
		if parent.Err() != nil {
			return nil // asked to stop (signal, --duration): a clean stop
		}
		return context.Cause(ctx)
	}
	// The HTTP server first, so /healthz can say why the bot is not up
	// while Telegram cannot be reached.
	if a.cfg.WebhookURL != "" {
		a.web.Handle(a.cfg.WebhookPath(), a.bot.WebhookHandler(a.cfg.WebhookSecret))
	}
	if a.websub.Enabled() {
		a.web.Handle(a.websub.CallbackPath(), a.websub)
	}
	if a.listener != nil {
		start("web", func(ctx context.Context) error { return a.web.Serve(ctx, a.listener) })
	}
	err := a.bot.Connect(ctx, func(err error, wait time.Duration) {
		a.faults.Report(faultTelegram, fmt.Sprintf("cannot reach Telegram at start; trying again in %s: %s", wait, oneLine(err.Error())))
	})
	if err != nil {
		return stop(err) // nil when asked to stop meanwhile
	}
	a.faults.Clear(faultTelegram)
	if err := a.setChannels(ctx); err != nil {
		return stop(err)
	}
	if err := a.bot.SetCommands(ctx); err != nil {
		a.log.Warn("setMyCommands failed; commands still work", "err", err)
	}
	httpAddr, updates := "off", "long polling"
	if a.listener != nil {
		httpAddr = a.listener.Addr().String()
	}
	if a.cfg.WebhookURL != "" {
		updates = "webhook"
	}
	a.log.Info("ajel is running", "version", version, "bot", a.bot.Username(), "database", a.cfg.DatabasePath,
		"feeds", len(a.cfg.Feeds), "http", httpAddr, "updates", updates)
	if a.cfg.WebhookURL != "" {
		start("bot", func(ctx context.Context) error {
			return a.bot.RunWebhook(ctx, a.cfg.WebhookURL, a.cfg.WebhookSecret)
		})
	} else {
		start("bot", a.bot.Run)
	}
	start("feeds", a.poller.Run)
	start("websub", a.websub.Run)
	start("delivery", a.worker.Run)
	start("updates", a.updater.Run)
	start("alerts", a.alerts.Run)
	start("retention", func(ctx context.Context) error {
		a.db.KeepPruned(ctx, storage.Retention{Deliveries: a.cfg.DeliveryRetention, Articles: a.cfg.ArticleRetention},
			pruneEvery, a.log.With("component", "storage"))
		return nil
	})
	<-ctx.Done()
	return stop(nil)
}

// background runs fn in a goroutine that run waits for, under run's
// context; when run is not running, fn is not run.
func (a *app) background(fn func(ctx context.Context)) {
	a.tasksMu.Lock()
	defer a.tasksMu.Unlock()
	if a.tasksCtx == nil || a.tasksCtx.Err() != nil {
		return
	}
	ctx := a.tasksCtx
	a.tasks.Go(func() { fn(ctx) })
}

// Close closes the database (and the listener, if run never served it)
// and releases the database's instance lock.
func (a *app) Close() error {
	if a.listener != nil {
		a.listener.Close()
	}
	err := a.db.Close()
	a.lock.Release()
	return err
}

func (a *app) stats(ctx context.Context) (bot.Stats, error) {
	s, err := a.db.Stats(ctx)
	if err != nil {
		return bot.Stats{}, err
	}
	u := a.db.Upkeep()
	return bot.Stats{
		Chats: s.Chats, ActiveChats: s.ActiveChats, PausedChats: s.PausedChats, Subscriptions: s.Subscriptions,
		Feeds: s.Feeds, Articles: s.Articles, Stories: s.Stories, Channels: s.Channels,
		Pending: s.Outbox.Pending, Sent: s.Outbox.Sent, Failed: s.Outbox.Failed, Dropped: s.Outbox.Dropped,
		PaidSent: s.PaidSent, PaidEnabled: a.paid, OldestPending: s.Outbox.OldestPending,
		DatabaseBytes: u.Bytes, PrunedDeliveries: u.PrunedDeliveries, PrunedArticles: u.PrunedArticles,
	}, nil
}

// pipelineMetrics counts the pipeline's articles and article pages, the
// reason a page was not used named as package page names it.
type pipelineMetrics struct{ *metrics.Metrics }

func (m pipelineMetrics) PageRead(_ int64, err error) { m.Metrics.PageRead(page.Failure(err)) }

// feedAdmin serves the admin commands /feeds, /addfeed, /delfeed,
// /renamefeed, /export and OPML imports (sources.go has the last ones).
type feedAdmin struct{ app *app }

func (f feedAdmin) AddFeed(ctx context.Context, nf news.Feed) (news.Feed, error) {
	if err := feed.ValidateURL(ctx, nf.URL, f.app.cfg.AllowPrivateFeeds); err != nil {
		return news.Feed{}, err
	}
	fd, err := f.app.db.AddFeed(ctx, nf)
	if err != nil {
		return fd, err
	}
	// Poll at once so the admin sees its state in /feeds within seconds;
	// the first poll only primes, so nobody is flooded.
	f.app.background(func(ctx context.Context) {
		pollCtx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		if err := f.app.poller.PollNow(pollCtx, fd.ID); err != nil && ctx.Err() == nil {
			f.app.log.Info("first poll of a new feed failed", "feed", fd.ID, "err", err)
		}
	})
	return fd, nil
}

func (f feedAdmin) SetFeedOptions(ctx context.Context, id int64, opts news.FeedOptions) (news.Feed, error) {
	return f.app.db.SetFeedOptions(ctx, id, opts)
}

func (f feedAdmin) DeleteFeed(ctx context.Context, id int64) error {
	if err := f.app.db.DeleteFeed(ctx, id); err != nil {
		return err
	}
	// The hub is told to stop; its subscription row outlives the feed
	// until the hub confirms.
	f.app.websub.Unsubscribe(ctx, id)
	return nil
}

func (f feedAdmin) Feeds(ctx context.Context) ([]news.Feed, error) { return f.app.db.Feeds(ctx) }

// subscriptionWatcher tells the pipeline when the set of keyword
// subscriptions may have changed, so the very next article is matched
// against a reader's new keyword instead of waiting for a periodic reload.
type subscriptionWatcher struct {
	*storage.DB
	changed func()
}

func (w subscriptionWatcher) Subscribe(ctx context.Context, s news.Subscription) (news.Subscription, error) {
	s, err := w.DB.Subscribe(ctx, s)
	if err == nil && (s.Kind == news.KindKeyword || s.Kind == news.KindMute) {
		w.changed()
	}
	return s, err
}

func (w subscriptionWatcher) Unsubscribe(ctx context.Context, of news.Target, kind news.SubscriptionKind, key string) error {
	err := w.DB.Unsubscribe(ctx, of, kind, key)
	if err == nil && (kind == news.KindKeyword || kind == news.KindMute) {
		w.changed()
	}
	return err
}

func (w subscriptionWatcher) DeleteChat(ctx context.Context, chatID int64) error {
	err := w.DB.DeleteChat(ctx, chatID)
	if err == nil {
		w.changed()
	}
	return err
}

type healthAdapter struct{ *storage.DB }

func (h healthAdapter) OutboxDepth(ctx context.Context) (int, time.Time, error) {
	s, err := h.Outbox(ctx)
	return s.Pending, s.OldestPending, err
}

// joinWatcher tells joined of each stored article that joined a story
// already open. The pipeline serializes Story, saving and Add, so what
// Story decided is still pending when the saved article's Add comes; an
// article that was not saved (already stored) never reaches Add.
type joinWatcher struct {
	pipeline.Clusterer
	joined  func(news.Article)
	pending news.Article
}

func (w *joinWatcher) Story(ctx context.Context, a news.Article) (news.Article, error) {
	a, err := w.Clusterer.Story(ctx, a)
	w.pending = news.Article{}
	if err == nil && a.StoryID != 0 {
		w.pending = a
	}
	return a, err
}

func (w *joinWatcher) Add(a news.Article) {
	w.Clusterer.Add(a)
	if p := w.pending; p.StoryID != 0 && p.StoryID == a.StoryID && p.Key == a.Key {
		w.joined(a)
	}
	w.pending = news.Article{}
}
