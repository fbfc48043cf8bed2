// Package story finds the articles that tell one event: near-duplicate
// detection across sources with MinHash signatures of normalized, stemmed
// word shingles, locality-sensitive hashing to find candidates, and
// headline similarity, within a sliding time window. It also decides when
// a story is breaking.
//
// Windows: an article joins a story when it resembles one of the story's
// articles and the story's last article is at most Window old (so a story
// that keeps being reported stays open), but never once the story's first
// article is more than MaxAge old (so a story cannot grow for days: the
// next article opens a new story).
package story

import (
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/ajel-news/ajel/news"
)

// Defaults of Options.
const (
	DefaultWindow           = 24 * time.Hour
	DefaultMaxAge           = 72 * time.Hour
	DefaultBodyThreshold    = 0.5
	DefaultTitleThreshold   = 0.75
	DefaultSupportThreshold = 0.5
	// DefaultMaxPerStory caps the signatures kept per story: a long story
	// is still found through its most recent articles, and memory and
	// matching cost stay bounded.
	DefaultMaxPerStory = 32
)

// Options tune a Detector; zero fields take the defaults.
type Options struct {
	// Window is how long after a story's last article a new article may
	// still join it (default 24 h).
	Window time.Duration
	// MaxAge is how long after a story's first article it accepts new ones
	// at all (default 72 h).
	MaxAge time.Duration
	// BodyThreshold is the estimated Jaccard similarity of two texts'
	// shingles above which they tell the same story (default 0.5).
	BodyThreshold float64
	// TitleThreshold is the headline similarity (Jaccard of content stems)
	// at which an article without a body joins a story (default 0.75);
	// stricter than for bodies because a headline is little evidence.
	TitleThreshold float64
	// SupportThreshold is the headline similarity that lets two bodies
	// with half the BodyThreshold's overlap still merge (default 0.5): a
	// rewritten copy keeps the headline.
	SupportThreshold float64
	// MaxPerStory caps the signatures kept per story (default 32).
	MaxPerStory int
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

func (o Options) withDefaults() Options {
	if o.Window <= 0 {
		o.Window = DefaultWindow
	}
	if o.MaxAge <= 0 {
		o.MaxAge = DefaultMaxAge
	}
	if o.BodyThreshold <= 0 {
		o.BodyThreshold = DefaultBodyThreshold
	}
	if o.TitleThreshold <= 0 {
		o.TitleThreshold = DefaultTitleThreshold
	}
	if o.SupportThreshold <= 0 {
		o.SupportThreshold = DefaultSupportThreshold
	}
	if o.MaxPerStory <= 0 {
		o.MaxPerStory = DefaultMaxPerStory
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// minTitleWords is how many content words a headline needs before
// headline similarity alone may merge two articles.
const minTitleWords = 3

// entry is one recorded article.
type entry struct {
	story  int64
	sig    *signature
	bands  [numBands]uint64
	source string
	at     time.Time
}

// storyState is what the detector knows of one open story.
type storyState struct {
	first, last time.Time
	entries     []*entry // oldest first, at most MaxPerStory
	// sources holds the latest time each outlet carried the story.
	sources map[string]time.Time
}

// Detector groups articles into stories. It is safe for concurrent use;
// callers that Match and then Add should serialize the pair themselves if
// two copies of one event may arrive at once (otherwise both may open a
// story).
type Detector struct {
	opt Options

	mu        sync.Mutex
	stories   map[int64]*storyState
	bands     map[uint64][]*entry
	titles    map[string][]*entry
	exact     map[uint64][]*entry
	lastSweep time.Time
	// last caches the signature Match computed, so the Add that usually
	// follows for the same article does not sign it again.
	last struct {
		title, text string
		sig         *signature
	}
}

// NewDetector returns an empty detector.
func NewDetector(opt Options) *Detector {
	return &Detector{
		opt:     opt.withDefaults(),
		stories: make(map[int64]*storyState),
		bands:   make(map[uint64][]*entry),
		titles:  make(map[string][]*entry),
		exact:   make(map[uint64][]*entry),
	}
}

// Len returns the number of open stories the detector remembers.
func (d *Detector) Len() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.stories)
}

// Match returns the open story that a belongs to, if any: the story of
// the most similar recorded article that passes the thresholds. An
// article without a content word (only stop words) matches only a
// verbatim copy of itself.
func (d *Detector) Match(a news.Article) (storyID int64, ok bool) {
	sig := sign(a.Title, a.Text)
	d.mu.Lock()
	defer d.mu.Unlock()
	d.last.title, d.last.text, d.last.sig = a.Title, a.Text, sig
	now := d.opt.Now()
	d.sweep(now)
	return d.match(sig, now)
}

func (d *Detector) open(st *storyState, now time.Time) bool {
	return now.Sub(st.last) <= d.opt.Window && now.Sub(st.first) <= d.opt.MaxAge
}

func (d *Detector) match(sig *signature, now time.Time) (int64, bool) {
	// A verbatim copy (two feeds carrying one item) always joins.
	var best *entry
	for _, e := range d.exact[sig.exact] {
		if st := d.stories[e.story]; st != nil && d.open(st, now) && (best == nil || e.at.After(best.at)) {
			best = e
		}
	}
	if best != nil {
		return best.story, true
	}
	if !sig.hasAny {
		return 0, false
	}
	bestScore := 0.0
	seen := make(map[*entry]bool)
	consider := func(e *entry) {
		if seen[e] {
			return
		}
		seen[e] = true
		st := d.stories[e.story]
		if st == nil || !d.open(st, now) {
			return
		}
		if s, ok := d.score(sig, e.sig); ok && (s > bestScore || s == bestScore && best != nil && e.at.After(best.at)) {
			best, bestScore = e, s
		}
	}
	if sig.body {
		for _, k := range sig.bandKeys() {
			for _, e := range d.bands[k] {
				consider(e)
			}
		}
	}
	// Headline candidates: every recorded article sharing at least half
	// of this headline's words.
	if len(sig.title) >= minTitleWords {
		counts := make(map[*entry]int)
		for _, w := range sig.title {
			for _, e := range d.titles[w] {
				counts[e]++
			}
		}
		for e, n := range counts {
			if 2*n >= len(sig.title) {
				consider(e)
			}
		}
	}
	if best == nil {
		return 0, false
	}
	return best.story, true
}

// score decides whether two signatures tell the same story and how
// strongly.
func (d *Detector) score(a, b *signature) (float64, bool) {
	t := titleSimilarity(a, b)
	titleOK := len(a.title) >= minTitleWords && len(b.title) >= minTitleWords
	if a.body && b.body {
		s := bodySimilarity(a, b)
		switch {
		case s >= d.opt.BodyThreshold:
			return s + t, true
		case s >= d.opt.BodyThreshold/2 && t >= d.opt.SupportThreshold && titleOK:
			return s + t, true
		}
		return 0, false
	}
	if titleOK && t >= d.opt.TitleThreshold {
		return t, true
	}
	return 0, false
}

// Add records a as an article of story storyID (a new story or the one
// Match returned). The article's time is its SeenAt, or the clock's now
// when SeenAt is zero.
func (d *Detector) Add(storyID int64, a news.Article) {
	d.mu.Lock()
	sig := d.last.sig
	if sig == nil || d.last.title != a.Title || d.last.text != a.Text {
		d.mu.Unlock()
		sig = sign(a.Title, a.Text)
		d.mu.Lock()
	}
	d.last.sig = nil
	defer d.mu.Unlock()
	now := d.opt.Now()
	at := a.SeenAt
	if at.IsZero() {
		at = now
	}
	d.add(storyID, a, sig, at)
	d.sweep(now)
}

// Load warms the detector after a restart with recently stored articles
// (each with its StoryID and SeenAt), in any order. Articles without a
// StoryID are skipped; those already out of the window are dropped.
func (d *Detector) Load(articles []news.Article) {
	sorted := slices.Clone(articles)
	slices.SortStableFunc(sorted, func(x, y news.Article) int { return x.SeenAt.Compare(y.SeenAt) })
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.opt.Now()
	for _, a := range sorted {
		if a.StoryID == 0 {
			continue
		}
		at := a.SeenAt
		if at.IsZero() {
			at = a.PublishedAt
		}
		if at.IsZero() {
			at = now
		}
		d.add(a.StoryID, a, sign(a.Title, a.Text), at)
	}
	d.lastSweep = time.Time{}
	d.sweep(now)
}

func (d *Detector) add(storyID int64, a news.Article, sig *signature, at time.Time) {
	st := d.stories[storyID]
	if st == nil {
		st = &storyState{first: at, last: at, sources: make(map[string]time.Time)}
		d.stories[storyID] = st
	}
	if at.Before(st.first) {
		st.first = at
	}
	if at.After(st.last) {
		st.last = at
	}
	src := sourceOf(a)
	if prev, ok := st.sources[src]; !ok || at.After(prev) {
		st.sources[src] = at
	}
	e := &entry{story: storyID, sig: sig, source: src, at: at}
	if sig.body {
		e.bands = sig.bandKeys()
		for _, k := range e.bands {
			d.bands[k] = append(d.bands[k], e)
		}
	}
	for _, w := range sig.title {
		d.titles[w] = append(d.titles[w], e)
	}
	d.exact[sig.exact] = append(d.exact[sig.exact], e)
	st.entries = append(st.entries, e)
	if len(st.entries) > d.opt.MaxPerStory {
		d.unindex(st.entries[0])
		st.entries = slices.Delete(st.entries, 0, 1)
	}
}

// sourceOf names the outlet of an article for counting distinct sources.
func sourceOf(a news.Article) string {
	if a.Source != "" {
		return a.Source
	}
	if a.FeedID != 0 {
		return "feed:" + strconv.FormatInt(a.FeedID, 10)
	}
	return "url:" + a.URL
}

// sweepEvery spaces out the sweeps that free closed stories: matching
// checks windows itself, so sweeps only bound memory.
const sweepEvery = time.Minute

// sweep forgets the stories no article can join any more.
func (d *Detector) sweep(now time.Time) {
	if now.Sub(d.lastSweep) < sweepEvery && !d.lastSweep.IsZero() {
		return
	}
	d.lastSweep = now
	for id, st := range d.stories {
		if d.open(st, now) {
			continue
		}
		for _, e := range st.entries {
			d.unindex(e)
		}
		delete(d.stories, id)
	}
}

// unindex removes e from the lookup maps.
func (d *Detector) unindex(e *entry) {
	if e.sig.body {
		for _, k := range e.bands {
			d.bands[k] = removeEntry(d.bands[k], e)
			if len(d.bands[k]) == 0 {
				delete(d.bands, k)
			}
		}
	}
	for _, w := range e.sig.title {
		d.titles[w] = removeEntry(d.titles[w], e)
		if len(d.titles[w]) == 0 {
			delete(d.titles, w)
		}
	}
	d.exact[e.sig.exact] = removeEntry(d.exact[e.sig.exact], e)
	if len(d.exact[e.sig.exact]) == 0 {
		delete(d.exact, e.sig.exact)
	}
}

func removeEntry(list []*entry, e *entry) []*entry {
	if i := slices.Index(list, e); i >= 0 {
		return slices.Delete(list, i, i+1)
	}
	return list
}

// SourcesWithin returns how many distinct sources carried story storyID
// during the last d (by the detector's clock): the burst signal.
func (d *Detector) SourcesWithin(storyID int64, within time.Duration) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	st := d.stories[storyID]
	if st == nil {
		return 0
	}
	since := d.opt.Now().Add(-within)
	n := 0
	for _, at := range st.sources {
		if !at.Before(since) {
			n++
		}
	}
	return n
}

// SourcesWithinAdding is SourcesWithin as it will be once a's source has
// carried story storyID now: what the pipeline asks before saving a, to
// decide whether a burst makes the story breaking.
func (d *Detector) SourcesWithinAdding(storyID int64, a news.Article, within time.Duration) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.opt.Now()
	since := now.Add(-within)
	n := 1 // a's source, now
	src := sourceOf(a)
	if st := d.stories[storyID]; st != nil {
		for s, at := range st.sources {
			if s != src && !at.Before(since) {
				n++
			}
		}
	}
	return n
}

// Sources returns how many distinct sources the detector has seen carry
// story storyID while it was open.
func (d *Detector) Sources(storyID int64) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	if st := d.stories[storyID]; st != nil {
		return len(st.sources)
	}
	return 0
}

// Burst thresholds: this many distinct sources on one story within
// BurstWindow make it breaking.
const (
	BurstSources = 3
	BurstWindow  = 30 * time.Minute
)
