// Package pipeline turns a raw article — from a feed or the ingest API —
// into a stored article, its story and its outbox rows. It is the one place
// that orders the steps: clean, spot a breaking marker, summarize, classify,
// match keyword subscriptions, then save everything in one transaction and
// wake the delivery worker. Its collaborators are interfaces declared here;
// simple built-in defaults make it work alone.
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

// Limits on what is stored. Longer input is truncated, not refused: a feed
// that stuffs its body into the title still deserves a push.
const (
	// MaxTitleChars is the longest title kept, in characters; a longer one
	// is cut at a word boundary and ends with "…".
	MaxTitleChars = 300
	// MaxTextBytes is the most cleaned text kept per article (200 KB).
	MaxTextBytes = 200 << 10
	// MaxRawTextBytes is the most raw text (often HTML) looked at before
	// cleaning (1 MiB), so one huge item cannot stall the pipeline.
	MaxRawTextBytes = 1 << 20
	// MaxSummaryChars caps the summary so a push stays far below
	// Telegram's 4096-character message limit.
	MaxSummaryChars = 1000
	// DefaultKeywordRefresh is how often the keyword subscriptions are
	// reloaded from the store when nobody calls KeywordsChanged.
	DefaultKeywordRefresh = 5 * time.Second
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
}

// Summarizer writes the short summary of an article that a push carries.
type Summarizer interface {
	Summarize(title, text string) string
}

// SummarizerFunc adapts a function to Summarizer.
type SummarizerFunc func(title, text string) string

// Summarize calls f.
func (f SummarizerFunc) Summarize(title, text string) string { return f(title, text) }

// Classifier finds the catalogue topics (slugs) an article is about.
type Classifier interface {
	Topics(title, text string) []string
}

// ClassifierFunc adapts a function to Classifier.
type ClassifierFunc func(title, text string) []string

// Topics calls f.
func (f ClassifierFunc) Topics(title, text string) []string { return f(title, text) }

// KeywordMatcher finds which keywords a text mentions; *arabic.Index and
// *WordIndex implement it. It must be safe for concurrent use.
type KeywordMatcher interface {
	Match(text string) []string
}

// KeywordIndexer builds a KeywordMatcher from the keyword subscriptions.
// In main: func(k []string) pipeline.KeywordMatcher { return arabic.NewIndex(k) }.
type KeywordIndexer func(keywords []string) KeywordMatcher

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

// Observer hears the outcome of every article, for metrics. It is called
// from the processing goroutine and must return quickly.
type Observer interface {
	// ArticleSeen is called once per processed article: isNew when it was
	// stored, with the number of deliveries it queued. feedID is 0 for the
	// ingest API. Articles that failed to store are not reported.
	ArticleSeen(feedID int64, isNew bool, queued int)
}

// Options are a Pipeline's collaborators. Every field is optional.
type Options struct {
	// Clean turns a body into plain text (default Clean).
	Clean func(text string) string
	// Summarizer writes summaries (default LeadSummarizer{}).
	Summarizer Summarizer
	// Classifier finds topics (default: none, so only keyword
	// subscriptions match).
	Classifier Classifier
	// Keywords builds the keyword index (default NewWordIndex).
	Keywords KeywordIndexer
	// KeywordRefresh is how often keyword subscriptions are reloaded
	// (default DefaultKeywordRefresh).
	KeywordRefresh time.Duration
	// Normalize gives SearchText its matching form (default Tokens). It
	// must be the normalization /search applies to queries.
	Normalize func(string) string
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
	// Now is the clock for SeenAt and keyword reloads (default time.Now).
	Now func() time.Time
}

// Pipeline processes articles. It is safe for concurrent use.
type Pipeline struct {
	store Store
	opt   Options
	log   *slog.Logger

	storyMu sync.Mutex // serializes story matching with saving

	mu       sync.Mutex // guards the keyword cache below
	keys     []string
	matcher  KeywordMatcher
	loadedAt time.Time
	stale    bool
}

// New returns a Pipeline that saves into store.
func New(store Store, opt Options) *Pipeline {
	if opt.Clean == nil {
		opt.Clean = Clean
	}
	if opt.Summarizer == nil {
		opt.Summarizer = LeadSummarizer{}
	}
	if opt.Keywords == nil {
		opt.Keywords = func(k []string) KeywordMatcher { return NewWordIndex(k) }
	}
	if opt.KeywordRefresh <= 0 {
		opt.KeywordRefresh = DefaultKeywordRefresh
	}
	if opt.Normalize == nil {
		opt.Normalize = Tokens
	}
	if opt.Now == nil {
		opt.Now = time.Now
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

// keywordMatcher returns the cached keyword index, reloading the keyword
// set when it is stale and rebuilding the index only when the set changed.
// A failed reload keeps the previous index (logged), so a database hiccup
// costs keyword freshness, not articles.
func (p *Pipeline) keywordMatcher(ctx context.Context) (KeywordMatcher, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.opt.Now()
	if !p.stale && p.matcher != nil && now.Sub(p.loadedAt) < p.opt.KeywordRefresh && !now.Before(p.loadedAt) {
		return p.matcher, nil
	}
	keys, err := p.store.KeywordSubscriptions(ctx)
	if err != nil {
		if p.matcher != nil {
			p.log.Warn("pipeline: reloading keyword subscriptions failed; using the previous set", "err", err)
			p.loadedAt = now
			return p.matcher, nil
		}
		return nil, fmt.Errorf("pipeline: keyword subscriptions: %w", err)
	}
	keys = slices.Clone(keys)
	slices.Sort(keys)
	keys = slices.Compact(keys)
	if p.matcher == nil || !slices.Equal(keys, p.keys) {
		p.matcher = p.opt.Keywords(keys)
		p.keys = keys
		p.log.Debug("pipeline: keyword index rebuilt", "keywords", len(keys))
	}
	p.loadedAt, p.stale = now, false
	return p.matcher, nil
}

// Prepare cleans and validates an article and fills in everything the
// pipeline derives, short of the keyword match and the store: what
// `ajel preview` shows. An article that cannot be stored yields an error
// wrapping news.ErrInvalid.
func (p *Pipeline) Prepare(a news.Article) (news.Article, error) {
	title, breaking := SplitBreakingMarker(cleanLine(a.Title))
	a.Breaking = a.Breaking || breaking
	text := a.Text
	if len(text) > MaxRawTextBytes {
		text = truncateBytes(text, MaxRawTextBytes)
	}
	text = truncateBytes(p.opt.Clean(text), MaxTextBytes)
	if title == "" && breaking && text != "" {
		// "عاجل" alone as a title: the news is in the body's first line.
		first, rest, _ := strings.Cut(text, "\n")
		if s := sentences(first); len(s) > 0 {
			title = s[0]
			rest = strings.TrimSpace(strings.TrimPrefix(first, s[0]) + "\n" + rest)
		}
		text = rest
	}
	if title == "" {
		return a, fmt.Errorf("pipeline: article %q has no title: %w", a.Key, news.ErrInvalid)
	}
	if a.Key == "" {
		return a, fmt.Errorf("pipeline: article %q has no key: %w", title, news.ErrInvalid)
	}
	a.Title = truncateWords(title, MaxTitleChars)
	// Folding only drops marks and punctuation: a body far longer than
	// the title cannot be a copy of it, and is not folded.
	if len(text) <= 3*len(a.Title)+64 && fold(text) == fold(a.Title) {
		text = "" // many feeds repeat the headline as the description
	}
	a.Text = text
	a.Source = strings.TrimSpace(a.Source)
	if a.SeenAt.IsZero() {
		a.SeenAt = p.opt.Now()
	}
	if a.Summary == "" && a.Text != "" {
		a.Summary = p.opt.Summarizer.Summarize(a.Title, a.Text)
	}
	a.Summary = truncateWords(strings.TrimSpace(a.Summary), MaxSummaryChars)
	if p.opt.Classifier != nil {
		a.Topics = append(a.Topics, p.opt.Classifier.Topics(a.Title, a.Text)...)
	}
	a.Topics = dedupe(a.Topics)
	a.SearchText = p.opt.Normalize(a.Title + "\n" + a.Text)
	return a, nil
}

// Process cleans an article, finds its breaking marker, summary, topics and
// keyword subscriptions, and stores it with its story and, when push is
// true, one outbox row per chat that follows any of them. It returns the
// stored article and how many deliveries were queued; if any were, the
// Notifier is poked.
//
// Errors: an article already stored wraps news.ErrAlreadyExists (callers
// treat it as "not new"); one with no title after cleaning, or no Key, wraps
// news.ErrInvalid; anything else is a store failure worth retrying.
//
// What Process decides: a breaking marker at the start of the title
// ("عاجل:", "[عاجل]", "BREAKING:"…) is removed and sets Breaking; a title
// that was only the marker takes the body's first sentence. Titles over
// MaxTitleChars are cut at a word boundary, raw text over MaxRawTextBytes
// and clean text over MaxTextBytes are truncated. A body that only repeats
// the title is dropped, and an article with a title alone is stored with an
// empty summary. A Summary already set is kept; Topics already set are kept
// alongside the classifier's. SeenAt is set to now when zero.
func (p *Pipeline) Process(ctx context.Context, a news.Article, push bool) (news.Article, int, error) {
	a, err := p.Prepare(a)
	if err != nil {
		if p.opt.Observer != nil {
			p.opt.Observer.ArticleSeen(a.FeedID, false, 0)
		}
		return news.Article{}, 0, err
	}
	m, err := p.keywordMatcher(ctx)
	if err != nil {
		return news.Article{}, 0, err
	}
	a.Keywords = dedupe(append(a.Keywords, m.Match(a.Title+"\n"+a.Text)...))
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
	saved, queued, err := p.store.SaveArticle(ctx, a, push)
	if errors.Is(err, news.ErrNotFound) && a.StoryID != 0 {
		// The story went away (pruned) between matching and saving: start
		// a new one rather than lose the article.
		a.StoryID, a.StorySummary = 0, ""
		saved, queued, err = p.store.SaveArticle(ctx, a, push)
	}
	if errors.Is(err, news.ErrAlreadyExists) {
		if p.opt.Observer != nil {
			p.opt.Observer.ArticleSeen(a.FeedID, false, 0)
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
	return saved, queued, nil
}

// HandleItems processes the items of one feed poll; it is the feed poller's
// handler. Items go oldest first (by PublishedAt; items without a date keep
// their place relative to each other, taking the feed's newest-first order
// as the hint, and go after dated ones) so pushes arrive in the order things
// happened. Each item gets the feed's id, its title as Source when the item
// has none, and Breaking when the feed is an all-breaking one.
//
// Items already stored are skipped silently and invalid items with a debug
// log. A store failure stops the poll and is returned, so the poller records
// it and polls again later; the items saved before it are then simply not
// new.
func (p *Pipeline) HandleItems(ctx context.Context, f news.Feed, items []news.Article, push bool) error {
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
	fresh, queued := 0, 0
	for _, it := range ordered {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("pipeline: feed %d: %w", f.ID, err)
		}
		if it.FeedID == 0 {
			it.FeedID = f.ID
		}
		if strings.TrimSpace(it.Source) == "" {
			it.Source = cmp.Or(strings.TrimSpace(f.Title), hostOf(f.URL))
		}
		it.Breaking = it.Breaking || f.Breaking
		_, n, err := p.Process(ctx, it, push)
		switch {
		case err == nil:
			fresh++
			queued += n
		case errors.Is(err, news.ErrAlreadyExists):
		case errors.Is(err, news.ErrInvalid):
			p.log.Debug("pipeline: skipping invalid item", "feed", f.ID, "key", it.Key, "err", err)
		default:
			return fmt.Errorf("pipeline: feed %d: %w", f.ID, err)
		}
	}
	if fresh > 0 {
		p.log.Info("pipeline: new articles", "feed", f.ID, "new", fresh, "of", len(items), "queued", queued, "push", push)
	}
	return nil
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(u.Hostname(), "www.")
}

// dedupe drops empty and repeated strings, keeping the first order.
func dedupe(xs []string) []string {
	if len(xs) == 0 {
		return nil
	}
	out := xs[:0:0]
	seen := make(map[string]bool, len(xs))
	for _, x := range xs {
		if x == "" || seen[x] {
			continue
		}
		seen[x] = true
		out = append(out, x)
	}
	return out
}
