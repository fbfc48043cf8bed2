// Package pipeline turns a raw article — from a feed or the ingest API —
// into a stored article, its story and its outbox rows. It is the one place
// that orders the steps: prepare the article (its Analyzer), find its story,
// write the story's summary again when it joins one, then save everything in
// one transaction and wake the delivery worker. Its collaborators are
// interfaces declared here.
package pipeline

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ajel-news/ajel/news"
)

// DefaultKeywordRefresh is how often the keyword subscriptions are
// reloaded from the store when nobody calls KeywordsChanged.
const DefaultKeywordRefresh = 5 * time.Second

const (
	// DefaultPushesPerPoll bounds the new items of one feed poll that are
	// pushed; the rest are stored in silence and the feed's note says so.
	DefaultPushesPerPoll = 20
	// futureMargin is how far ahead of the clock an article may be dated
	// and still be news: clocks and time zones are often a little off, an
	// item dated next year is a broken feed.
	futureMargin = 15 * time.Minute
)

// Store saves articles and lists the keywords chats follow; *storage.DB
// implements it.
type Store interface {
	// SaveArticle stores the article, its story and its outbox rows in one
	// transaction and returns the stored article and how many rows it
	// queued; an item already stored yields an error wrapping
	// news.ErrAlreadyExists.
	SaveArticle(ctx context.Context, a news.Article, push bool) (news.Article, int, error)
	// KeywordSubscriptions lists the distinct normalized keywords followed
	// by active chats.
	KeywordSubscriptions(ctx context.Context) ([]string, error)
	// UnknownItems returns which of keys the feed has no article under
	// yet, so the bound on a poll's pushes counts only items that may be
	// new.
	UnknownItems(ctx context.Context, feedID int64, keys []string) (map[string]bool, error)
	// RecordPage counts one article page read for a feed: failure is why
	// it gave nothing usable (the teaser was used), "" when it did.
	RecordPage(ctx context.Context, feedID int64, failure string) error
}

// Pages completes an item whose feed carries only a teaser from its
// article page (page.Reader, in feed/page). It must be safe for
// concurrent use and bound the time of each page itself.
type Pages interface {
	// Complete returns the article with the page's main text as Text (the
	// feed's text kept as Teaser) and the page's picture when it had none,
	// when mode asks for the page; read says whether a page was read, err
	// why it gave nothing usable (the article then comes back unchanged).
	Complete(ctx context.Context, a news.Article, mode news.FullTextMode) (out news.Article, read bool, err error)
}

// Analyzer prepares an article: everything derived from its title and
// text (package analyze). It must be safe for concurrent use.
type Analyzer interface {
	// Analyze cleans and checks a raw article and fills in its clean
	// title and text, summary, topics, matching keyword subscriptions,
	// breaking flag and search text; an article that cannot be stored
	// wraps news.ErrInvalid.
	Analyze(a news.Article) (news.Article, error)
	// SetKeywords sets the keyword subscriptions Analyze matches.
	SetKeywords(keys []string)
}

// Notifier is poked after deliveries were queued, so the delivery worker
// sends them at once instead of at its next look at the outbox. Notify must
// not block.
type Notifier interface {
	Notify()
}

// Clusterer groups the articles that tell one event into one story, so a
// second outlet's telling joins the first instead of pushing again.
type Clusterer interface {
	// Story assigns the article to a story: it returns a with StoryID set
	// to a stored story the article tells (0 for a new story), and
	// Breaking set when the story has become breaking (a burst of
	// outlets).
	Story(ctx context.Context, a news.Article) (news.Article, error)
	// Add remembers a stored article (ID and StoryID set) for later
	// matches.
	Add(a news.Article)
}

// StorySummarizer writes a story's summary again when an article joins
// it, from every outlet's telling, so that the pushes readers already have
// can be edited to carry it. An empty summary keeps the story's own.
type StorySummarizer interface {
	StorySummary(ctx context.Context, a news.Article) (string, error)
}

// Followers tells the readers who follow a developing story its new
// facts (storage: what they know, and the updates' outbox).
type Followers interface {
	// StoryKnown is what the story's followers know of it already;
	// followed is false when nobody follows it (then nothing is worked out).
	StoryKnown(ctx context.Context, storyID int64) (known string, followed bool, err error)
	// QueueFollowUpdates gives the story's followers the facts and says
	// how many followers got them.
	QueueFollowUpdates(ctx context.Context, storyID int64, facts []string, source, url string) (int, error)
}

// TextFiller gives an item stored without a summary (its text was only a
// placeholder, «التفاصيل بعد قليل») the text that came later — the same
// item again with its text, or its page — and flags its sent pushes for an
// edit, so readers who got its headline get the story in the same message
// (storage).
type TextFiller interface {
	// FillText stores a's text and summary on the stored item a is (by
	// origin and key, or link) when that item has no summary yet, and
	// reports whether it did.
	FillText(ctx context.Context, a news.Article) (bool, error)
}

// Observer hears the outcome of every article, for metrics. It is called
// from the processing goroutine and must return quickly.
type Observer interface {
	// ArticleSeen is called once per processed article: isNew when it was
	// stored, with the number of deliveries it queued. feedID is 0 for the
	// ingest API. Articles that failed to store are not reported.
	ArticleSeen(feedID int64, isNew bool, queued int)
	// PageRead is called once per article page read: err is nil when it
	// gave the article's text, else why the teaser was used.
	PageRead(feedID int64, err error)
}

// Options are a Pipeline's collaborators. Analyzer is required; every
// other field is optional.
type Options struct {
	// Analyzer prepares each article.
	Analyzer Analyzer
	// KeywordRefresh is how often keyword subscriptions are reloaded
	// (default DefaultKeywordRefresh).
	KeywordRefresh time.Duration
	// Stories clusters articles into stories (default: each article starts
	// its own story).
	Stories Clusterer
	// StorySummarizer rewrites the summary of a story an article joins
	// (default: the story keeps its first telling's summary).
	StorySummarizer StorySummarizer
	// Notifier wakes the delivery worker (default: nobody).
	Notifier Notifier
	// Observer counts articles (default: nobody).
	Observer Observer
	// Logger logs skipped items and failures (default: discard).
	Logger *slog.Logger
	// Now is the clock for SeenAt, item ages and keyword reloads (default
	// time.Now).
	Now func() time.Time
	// MaxItemAge is how old an article may be by its PublishedAt and still
	// be pushed (default news.DefaultMaxItemAge); one dated further in the
	// future than a few minutes is not pushed either.
	MaxItemAge time.Duration
	// PushesPerPoll bounds how many new items of one feed poll are pushed
	// (default DefaultPushesPerPoll): the newest; the rest are stored.
	PushesPerPoll int
	// Pages completes teaser items from their article pages, as each
	// feed's FullText mode says (default: the feed's text is used).
	Pages Pages
	// Followers and NewFacts send a story's followers the facts an
	// article joining it adds (default: no updates). NewFacts returns the
	// sentences of text that known does not carry (summary.NewFacts).
	Followers Followers
	NewFacts  func(known, text string) []string
	// UpdateNotifier is poked when follow updates were queued.
	UpdateNotifier Notifier
	// Screen reads, from a new item of a feed, what decides its way
	// through a poll before it is prepared: its language (a feed with
	// lang=ar, the default, holds the items not in Arabic), whether it is
	// breaking and whether its text only announces the story (then its
	// headline is pushed at once and its page read after); see
	// analyze.Screen. Default: every item is Arabic and has its text.
	Screen func(a news.Article) news.Screening
	// Filler gives an item pushed as its headline alone the text that
	// came later (default: the push keeps its headline alone).
	Filler TextFiller
}

// Pipeline processes articles. It is safe for concurrent use.
type Pipeline struct {
	store Store
	opt   Options
	log   *slog.Logger

	storyMu sync.Mutex // serializes story matching with saving

	mu       sync.Mutex // guards the keyword reload below
	keys     []string
	loadedAt time.Time
	loaded   bool
	stale    bool
}

// New returns a Pipeline that saves into store. It panics without an
// Analyzer: there is no article without one.
func New(store Store, opt Options) *Pipeline {
	if opt.Analyzer == nil {
		panic("pipeline: New needs an Analyzer")
	}
	if opt.KeywordRefresh <= 0 {
		opt.KeywordRefresh = DefaultKeywordRefresh
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.MaxItemAge <= 0 {
		opt.MaxItemAge = news.DefaultMaxItemAge
	}
	if opt.PushesPerPoll <= 0 {
		opt.PushesPerPoll = DefaultPushesPerPoll
	}
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Pipeline{store: store, opt: opt, log: log, stale: true}
}

// KeywordsChanged tells the pipeline that a chat subscribed to or dropped a
// keyword (or was paused, blocked…), so the next article reloads the
// keyword index instead of waiting for the periodic refresh.
func (p *Pipeline) KeywordsChanged() {
	p.mu.Lock()
	p.stale = true
	p.mu.Unlock()
}

// refreshKeywords gives the Analyzer the keyword subscriptions, reloaded
// from the store when they are stale. A failed reload keeps the previous
// set (logged), so a database hiccup costs keyword freshness, not
// articles; only the very first load must succeed.
func (p *Pipeline) refreshKeywords(ctx context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.opt.Now()
	if !p.stale && p.loaded && now.Sub(p.loadedAt) < p.opt.KeywordRefresh && !now.Before(p.loadedAt) {
		return nil
	}
	keys, err := p.store.KeywordSubscriptions(ctx)
	if err != nil {
		if p.loaded {
			p.log.Warn("pipeline: reloading keyword subscriptions failed; using the previous set", "err", err)
			p.loadedAt = now
			return nil
		}
		return fmt.Errorf("pipeline: keyword subscriptions: %w", err)
	}
	if !p.loaded || !slices.Equal(keys, p.keys) {
		p.opt.Analyzer.SetKeywords(keys)
		p.keys = slices.Clone(keys)
		p.log.Debug("pipeline: keyword subscriptions set", "keywords", len(keys))
	}
	p.loadedAt, p.stale, p.loaded = now, false, true
	return nil
}

// staleness says why an article dated at published is no news to push:
// news.HeldOld (past MaxItemAge), news.HeldFuture (dated ahead of the
// clock beyond a margin), or "" when it is news or has no date.
func (p *Pipeline) staleness(published time.Time) news.HeldReason {
	if published.IsZero() {
		return ""
	}
	now := p.opt.Now()
	switch {
	case published.Before(now.Add(-p.opt.MaxItemAge)):
		return news.HeldOld
	case published.After(now.Add(futureMargin)):
		return news.HeldFuture
	}
	return ""
}

// Process prepares an article (the Analyzer: clean title and text,
// summary, topics, keyword subscriptions, breaking, search text) and stores
// it with its story and, when push is true, one outbox row per chat that
// follows any of its topics or keywords. It returns the stored article and
// how many deliveries were queued; if any were, the Notifier is poked.
// SeenAt is set to now when zero. An article dated older than MaxItemAge,
// or in the future, is stored but not pushed: it is not news.
//
// Errors: an article already stored wraps news.ErrAlreadyExists (callers
// treat it as "not new"); one the Analyzer refuses wraps news.ErrInvalid;
// anything else is a store failure worth retrying.
func (p *Pipeline) Process(ctx context.Context, a news.Article, push bool) (news.Article, int, error) {
	if err := p.refreshKeywords(ctx); err != nil {
		return news.Article{}, 0, err
	}
	a, err := p.opt.Analyzer.Analyze(a)
	if err != nil {
		if p.opt.Observer != nil {
			p.opt.Observer.ArticleSeen(a.FeedID, false, 0)
		}
		return news.Article{}, 0, fmt.Errorf("pipeline: %w", err)
	}
	if a.SeenAt.IsZero() {
		a.SeenAt = p.opt.Now()
	}
	if why := p.staleness(a.PublishedAt); push && why != "" {
		a.Held, push = why, false
	}
	if p.opt.Stories != nil {
		// Matching, saving and remembering an article are one step, or two
		// outlets' copies arriving together could open two stories.
		p.storyMu.Lock()
		defer p.storyMu.Unlock()
		if a.StoryID == 0 {
			if a, err = p.opt.Stories.Story(ctx, a); err != nil {
				return news.Article{}, 0, fmt.Errorf("pipeline: finding the story of %q: %w", a.Title, err)
			}
		}
	}
	if a.StoryID != 0 && p.opt.StorySummarizer != nil {
		// A story summary is an improvement, not a requirement: without
		// one the story keeps the summary its readers already have.
		if a.StorySummary, err = p.opt.StorySummarizer.StorySummary(ctx, a); err != nil {
			p.log.Warn("pipeline: story summary", "story", a.StoryID, "err", err)
			a.StorySummary = ""
		}
	}
	// What followers know is read before the article joins: its story's
	// summary may be written again with this article's words in it.
	var known string
	follow := push && a.StoryID != 0 && p.opt.Followers != nil && p.opt.NewFacts != nil
	if follow {
		var ferr error
		if known, follow, ferr = p.opt.Followers.StoryKnown(ctx, a.StoryID); ferr != nil {
			p.log.Warn("pipeline: what followers know", "story", a.StoryID, "err", ferr)
			follow = false
		}
	}
	saved, queued, err := p.store.SaveArticle(ctx, a, push)
	if errors.Is(err, news.ErrNotFound) && a.StoryID != 0 {
		// The story went away (pruned) between matching and saving: start
		// a new one rather than lose the article.
		a.StoryNote = fmt.Sprintf("new story: story %d went away before the article was saved", a.StoryID)
		a.StoryID, a.StorySummary = 0, ""
		saved, queued, err = p.store.SaveArticle(ctx, a, push)
	}
	if errors.Is(err, news.ErrAlreadyExists) {
		if p.opt.Observer != nil {
			p.opt.Observer.ArticleSeen(a.FeedID, false, 0)
		}
		if push {
			p.fillText(ctx, a)
		}
		return news.Article{}, 0, fmt.Errorf("pipeline: %w", err)
	}
	if err != nil {
		return news.Article{}, 0, fmt.Errorf("pipeline: %w", err)
	}
	if p.opt.Stories != nil {
		p.opt.Stories.Add(saved)
	}
	if p.opt.Observer != nil {
		p.opt.Observer.ArticleSeen(saved.FeedID, true, queued)
	}
	if queued > 0 && p.opt.Notifier != nil {
		p.opt.Notifier.Notify()
	}
	if follow && saved.StoryID == a.StoryID {
		p.tellFollowers(ctx, saved, known)
	}
	return saved, queued, nil
}

// fillText gives the stored item a is, when it was pushed as its headline
// alone, a's text and summary: its pushes are edited to carry them. It is
// a bonus: a failure is logged, nothing else changes.
func (p *Pipeline) fillText(ctx context.Context, a news.Article) {
	if p.opt.Filler == nil || a.Summary == "" {
		return
	}
	filled, err := p.opt.Filler.FillText(ctx, a)
	if err != nil {
		p.log.Warn("pipeline: giving a headline its text", "key", a.Key, "err", err)
		return
	}
	if filled {
		p.log.Info("pipeline: the text of a story pushed as its headline came; its pushes are edited", "feed", a.FeedID, "key", a.Key)
		if p.opt.Notifier != nil {
			p.opt.Notifier.Notify()
		}
	}
}

// tellFollowers queues, for the followers of the story a joined, the
// facts of a that they did not know. Followers are a bonus: a failure is
// logged, the article is stored anyway.
func (p *Pipeline) tellFollowers(ctx context.Context, a news.Article, known string) {
	facts := p.opt.NewFacts(known, a.Text)
	if len(facts) == 0 {
		return
	}
	n, err := p.opt.Followers.QueueFollowUpdates(ctx, a.StoryID, facts, a.Source, a.URL)
	if err != nil {
		p.log.Warn("pipeline: queueing follow updates", "story", a.StoryID, "err", err)
		return
	}
	if n > 0 {
		p.log.Info("pipeline: new facts for followers", "story", a.StoryID, "facts", len(facts), "followers", n)
		if p.opt.UpdateNotifier != nil {
			p.opt.UpdateNotifier.Notify()
		}
	}
}

// sourceName is how a push names an item's outlet: the operator's name
// for the feed, else the item's source (the feed's title, as parsed) or
// the feed's, cleaned of what its platform adds ("Hespress - Article
// Feed" is "Hespress"), else the feed's host.
func sourceName(f news.Feed, itemSource string) string {
	if f.Name != "" {
		return f.Name
	}
	if s := news.CleanFeedTitle(cmp.Or(strings.TrimSpace(itemSource), f.Title)); s != "" {
		return s
	}
	return hostOf(f.URL)
}

// HandleItems processes the items of one feed poll; it is the feed poller's
// handler. Items go oldest first (by PublishedAt; items without a date keep
// their place relative to each other, taking the feed's newest-first order
// as the hint, and go after dated ones) so pushes arrive in the order things
// happened. Each item gets the feed's id, the feed's name as Source
// (sourceName), Breaking when the feed is an all-breaking one, and the feed's
// country as a hint for its places.
//
// A poll pushes at most PushesPerPoll items, the newest of those that are
// news by their date and, unless the feed takes any language (lang=any),
// written in Arabic (Screen); items dated too old or in the future, in
// another language, and those past the bound, are stored without pushing,
// and the returned count says how many and why (the feed's status shows
// it), with how many were new. A breaking item whose text only announces
// the story is pushed at once with its headline, and its page, read after,
// gives the push its text (Filler); so does the same item seen again with
// its text in a later poll. Items already stored are
// skipped silently and invalid items with a debug log. A store failure
// stops the poll and is returned, so the poller records it and polls again
// later; the items saved before it are then simply not new.
func (p *Pipeline) HandleItems(ctx context.Context, f news.Feed, items []news.Article, push bool) (news.PollOutcome, error) {
	ordered := slices.Clone(items)
	slices.Reverse(ordered) // feeds list newest first
	slices.SortStableFunc(ordered, func(a, b news.Article) int {
		switch {
		case a.PublishedAt.IsZero() && b.PublishedAt.IsZero():
			return 0
		case a.PublishedAt.IsZero():
			return 1
		case b.PublishedAt.IsZero():
			return -1
		}
		return a.PublishedAt.Compare(b.PublishedAt)
	})
	// A link two items of one list share (a live page, a section) names
	// neither of them: it must not make the second look known.
	links := make(map[string]int, len(ordered))
	for _, it := range ordered {
		if it.LinkKey != "" {
			links[it.LinkKey]++
		}
	}
	for i := range ordered {
		if links[ordered[i].LinkKey] > 1 {
			ordered[i].LinkKey = ""
		}
	}
	// The items pushed are the newest PushesPerPoll of those not stored
	// yet that are news by their date and in a language the feed pushes;
	// the older rest wait in silence.
	stale := make([]news.HeldReason, len(ordered))
	// headlineFirst: a breaking item whose text is only a placeholder,
	// pushed at once; its page, if read, comes after.
	headlineFirst := make([]bool, len(ordered))
	skip := 0 // how many of the oldest candidates are held back
	var unknown map[string]bool
	if push {
		keys := make([]string, len(ordered))
		for i, it := range ordered {
			keys[i] = it.Key
		}
		var err error
		if unknown, err = p.store.UnknownItems(ctx, f.ID, keys); err != nil {
			return news.PollOutcome{}, fmt.Errorf("pipeline: feed %d: %w", f.ID, err)
		}
		candidates := 0
		for i, it := range ordered {
			stale[i] = p.staleness(it.PublishedAt)
			if stale[i] == "" && unknown[it.Key] && p.opt.Screen != nil {
				sc := p.opt.Screen(it)
				if !sc.Arabic && f.Lang != news.LangAny {
					stale[i] = news.HeldLanguage
				}
				headlineFirst[i] = (sc.Breaking || f.Breaking) && sc.Placeholder
			}
			if stale[i] == "" && unknown[it.Key] {
				candidates++
			}
		}
		skip = candidates - p.opt.PushesPerPoll
	}
	var held news.HeldItems
	fresh, queued := 0, 0
	process := func(it news.Article, why news.HeldReason) error {
		it.Held = why
		_, n, err := p.Process(ctx, it, push && why == "")
		switch {
		case err == nil:
			fresh++
			queued += n
			held.Add(why)
		case errors.Is(err, news.ErrAlreadyExists):
		case errors.Is(err, news.ErrInvalid):
			p.log.Debug("pipeline: skipping invalid item", "feed", f.ID, "key", it.Key, "err", err)
		default:
			return fmt.Errorf("pipeline: feed %d: %w", f.ID, err)
		}
		return nil
	}
	// Items that will be pushed and may need their article page have it
	// read meanwhile, one host at a time in the items' order; each is
	// processed as soon as its page is in, between the other items, so a
	// slow page delays only its own article.
	pages := newPageQueue()
	defer pages.stop()
	direct := make([]news.Article, 0, len(ordered))
	whys := make([]news.HeldReason, 0, len(ordered))
	for i, it := range ordered {
		if it.FeedID == 0 {
			it.FeedID = f.ID
		}
		it.Source = sourceName(f, it.Source)
		it.Breaking = it.Breaking || f.Breaking
		it.FeedCountry = f.Country
		why := stale[i]
		if why == "" && skip > 0 && unknown[it.Key] {
			why, skip = news.HeldOverLimit, skip-1
		}
		if p.opt.Pages != nil && push && why == "" && unknown[it.Key] && it.URL != "" && f.FullText != news.FullTextNever {
			pages.add(it)
			if !headlineFirst[i] {
				continue
			}
		}
		direct, whys = append(direct, it), append(whys, why)
	}
	completed := pages.start(ctx, func(ctx context.Context, it news.Article) news.Article {
		return p.complete(ctx, f, it)
	})
	waiting := pages.len() // completed items not processed yet
	for i, it := range direct {
		for ready := waiting > 0; ready; {
			select {
			case a := <-completed:
				waiting--
				ready = waiting > 0
				if err := process(a, ""); err != nil {
					return news.PollOutcome{New: fresh, Held: held}, err
				}
			default:
				ready = false
			}
		}
		if err := ctx.Err(); err != nil {
			return news.PollOutcome{New: fresh, Held: held}, fmt.Errorf("pipeline: feed %d: %w", f.ID, err)
		}
		if err := process(it, whys[i]); err != nil {
			return news.PollOutcome{New: fresh, Held: held}, err
		}
	}
	for ; waiting > 0; waiting-- {
		select {
		case a := <-completed:
			if err := process(a, ""); err != nil {
				return news.PollOutcome{New: fresh, Held: held}, err
			}
		case <-ctx.Done():
			return news.PollOutcome{New: fresh, Held: held}, fmt.Errorf("pipeline: feed %d: %w", f.ID, ctx.Err())
		}
	}
	if fresh > 0 {
		p.log.Info("pipeline: new articles", "feed", f.ID, "new", fresh, "of", len(items), "queued", queued, "push", push,
			"held_old", held.Old, "held_future", held.Future, "held_over", held.OverLimit, "held_language", held.Language)
	}
	return news.PollOutcome{New: fresh, Held: held}, nil
}

// complete reads an item's article page as the feed's mode says, and
// records the outcome; on failure the item keeps its teaser.
func (p *Pipeline) complete(ctx context.Context, f news.Feed, it news.Article) news.Article {
	out, read, err := p.opt.Pages.Complete(ctx, it, cmp.Or(f.FullText, news.FullTextAuto))
	if !read || ctx.Err() != nil {
		return out
	}
	failure := ""
	if err != nil {
		failure = err.Error()
		p.log.Info("pipeline: article page not used; the teaser is", "feed", f.ID, "url", it.URL, "err", err)
	}
	if p.opt.Observer != nil {
		p.opt.Observer.PageRead(f.ID, err)
	}
	if rerr := p.store.RecordPage(ctx, f.ID, failure); rerr != nil {
		p.log.Warn("pipeline: recording an article page", "feed", f.ID, "err", rerr)
	}
	return out
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(u.Hostname(), "www.")
}

// pageQueue holds the items of one poll whose article pages are to be
// read: grouped by host, each host's in the items' order.
type pageQueue struct {
	byHost map[string][]news.Article
	hosts  []string
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func newPageQueue() *pageQueue { return &pageQueue{byHost: map[string][]news.Article{}} }

func (q *pageQueue) add(a news.Article) {
	h := hostOf(a.URL)
	if _, ok := q.byHost[h]; !ok {
		q.hosts = append(q.hosts, h)
	}
	q.byHost[h] = append(q.byHost[h], a)
}

// start runs fn on every item, one goroutine a host, and sends the
// results on the channel it returns as they come (it holds them all, so
// no reader is kept waiting); stop cancels what is left and waits.
func (q *pageQueue) start(ctx context.Context, fn func(context.Context, news.Article) news.Article) <-chan news.Article {
	out := make(chan news.Article, q.len())
	ctx, q.cancel = context.WithCancel(ctx)
	for _, h := range q.hosts {
		items := q.byHost[h]
		q.wg.Go(func() {
			for _, it := range items {
				if ctx.Err() != nil {
					return
				}
				out <- fn(ctx, it)
			}
		})
	}
	return out
}

// len is how many items are queued.
func (q *pageQueue) len() int {
	n := 0
	for _, items := range q.byHost {
		n += len(items)
	}
	return n
}

func (q *pageQueue) stop() {
	if q.cancel != nil {
		q.cancel()
	}
	q.wg.Wait()
}
