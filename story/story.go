// Package story finds the articles that tell one event. Copies and near
// copies of one text join at once (MinHash signatures of normalized,
// stemmed word shingles, locality-sensitive hashing to find candidates,
// and headline similarity); tellings of one event in other words join by
// event matching: the same names, places and action words in the headline
// and the lead, weighed by how rare each word is in the recent news, close
// in time, and neither an analysis nor a reaction beside the report (see
// event.go). It also decides when a story is breaking.
//
// Windows: an article joins a story when it resembles one of the story's
// articles and the story's last article is at most Window old (so a story
// that keeps being reported stays open), but never once the story's first
// article is more than MaxAge old (so a story cannot grow for days: the
// next article opens a new story).
package story

import (
	"cmp"
	"fmt"
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
	// Places are the catalogue's place topics: the towns and countries
	// event matching reads (two strikes the same day in different towns
	// are two events). None: places are only words.
	Places []news.Topic
	// EventWindow is how far apart in time two tellings of one event may
	// be (default 48 h); the further apart, the more they must share.
	EventWindow time.Duration
	// IDFWindow is how long an article counts in the words' weights
	// (default 72 h).
	IDFWindow time.Duration
	// EventThreshold is the event score at which an article joins a story
	// told in other words (default DefaultEventThreshold).
	EventThreshold float64
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
	if o.EventWindow <= 0 {
		o.EventWindow = DefaultEventWindow
	}
	if o.IDFWindow <= 0 {
		o.IDFWindow = DefaultIDFWindow
	}
	if o.EventThreshold <= 0 {
		o.EventThreshold = DefaultEventThreshold
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
	// ev is its event profile and evAt when it happened; evDead is set
	// once it is no longer a candidate. stats are the frequencies of
	// ev.all's words, kept while the entry is indexed; acc and epoch
	// accumulate one candidate search's weights.
	ev     *eventProfile
	evAt   time.Time
	evDead bool
	stats  []*termStats
	acc    float64
	epoch  uint64
}

// storyState is what the detector knows of one open story.
type storyState struct {
	first, last time.Time
	entries     []*entry // oldest first, at most MaxPerStory
	// sources holds the latest time each outlet carried the story.
	sources map[string]time.Time
	// terms counts, for each word of its articles' event profiles, how
	// many of its articles use it.
	terms map[string]int
}

// Detector groups articles into stories. It is safe for concurrent use;
// callers that Match and then Add should serialize the pair themselves if
// two copies of one event may arrive at once (otherwise both may open a
// story).
type Detector struct {
	opt Options

	places *places // immutable

	mu        sync.Mutex
	stories   map[int64]*storyState
	bands     map[uint64][]*entry
	titles    map[string][]*entry
	exact     map[uint64][]*entry
	events    *eventIndex
	lastSweep time.Time
	// last caches the signature and profile Match computed, so the Add
	// that usually follows for the same article does not read it again.
	last struct {
		title, text string
		sig         *signature
		ev          *eventProfile
	}
}

// NewDetector returns an empty detector.
func NewDetector(opt Options) *Detector {
	opt = opt.withDefaults()
	return &Detector{
		opt:     opt,
		places:  newPlaces(opt.Places),
		stories: make(map[int64]*storyState),
		bands:   make(map[uint64][]*entry),
		titles:  make(map[string][]*entry),
		exact:   make(map[uint64][]*entry),
		events:  newEventIndex(opt.IDFWindow),
	}
}

// Decision is where the detector puts an article, and why.
type Decision struct {
	// StoryID is the open story the article tells; 0 for a new story.
	StoryID int64
	// How says how it was recognized: HowCopy, HowNearCopy or HowEvent;
	// "" for a new story.
	How string
	// Score is what decided it: 1 for a verbatim copy, the MinHash
	// similarity of a near copy (body and headline, up to 2), the event
	// score of a telling in other words (see DefaultEventThreshold).
	Score float64
	// Reason says in one line why: the shared names and words and the
	// score, or for a new story the nearest story and why it was not
	// joined.
	Reason string
	// Also is another open story the article matched as well (0: none),
	// with its score: it joins the best one (a copy before an event).
	Also      int64
	AlsoScore float64
}

// The ways an article is recognized as telling a story.
const (
	HowCopy     = "copy"
	HowNearCopy = "near copy"
	HowEvent    = "event"
)

// Len returns the number of open stories the detector remembers.
func (d *Detector) Len() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.stories)
}

// Match returns the open story that a belongs to, if any; see Decide.
func (d *Detector) Match(a news.Article) (storyID int64, ok bool) {
	dec := d.Decide(a)
	return dec.StoryID, dec.StoryID != 0
}

// Decide returns the open story that a belongs to, if any, and why: a
// verbatim copy's, else the story of the most similar near copy that
// passes the thresholds, else the story whose recorded articles tell the
// same event in other words, the best scoring one. An article without a
// content word (only stop words) matches only a verbatim copy of itself.
func (d *Detector) Decide(a news.Article) Decision {
	sig := sign(a.Title, a.Text)
	ev := profileOf(a.Title, a.Text, d.places)
	d.mu.Lock()
	defer d.mu.Unlock()
	d.last.title, d.last.text, d.last.sig, d.last.ev = a.Title, a.Text, sig, ev
	now := d.opt.Now()
	d.sweep(now)
	at := eventTime(a, now)
	if e, how, score := d.match(sig, ev, at, now); e != nil {
		dec := Decision{StoryID: e.story, How: how, Score: score, Reason: fmt.Sprintf("%s of an article of story %d", how, e.story)}
		if how == HowNearCopy {
			dec.Reason = fmt.Sprintf("near copy %.2f of an article of story %d", score, e.story)
		}
		// Another story the article tells as well, to say so.
		joinable, _ := d.rankEvents(ev, at, now)
		for _, s := range joinable {
			if s.e.story != e.story {
				dec.Also, dec.AlsoScore = s.e.story, s.score
				dec.Reason += fmt.Sprintf("; also matched story %d by event at %.2f", s.e.story, s.score)
				break
			}
		}
		return dec
	}
	if !sig.hasAny {
		return Decision{Reason: "no content word"}
	}
	joinable, why := d.rankEvents(ev, at, now)
	if len(joinable) == 0 {
		return Decision{Reason: why}
	}
	top := joinable[0]
	dec := Decision{StoryID: top.e.story, How: HowEvent, Score: top.score, Reason: top.reason()}
	if len(joinable) > 1 {
		dec.Also, dec.AlsoScore = joinable[1].e.story, joinable[1].score
		dec.Reason += fmt.Sprintf("; also matched story %d at %.2f", dec.Also, dec.AlsoScore)
	}
	return dec
}

// rankEvents returns, best first, the best telling of each open story p
// tells in other words (scores at or above the threshold), or none and
// why: the nearest story and why it was not joined.
func (d *Detector) rankEvents(p *eventProfile, at, now time.Time) ([]eventScore, string) {
	if len(d.events.docs) < minDocs {
		return nil, fmt.Sprintf("too few recent articles (%d) to weigh words", len(d.events.docs))
	}
	sc := d.events.scorer(p, at)
	cands := sc.candidates(func(e *entry) bool {
		st := d.stories[e.story]
		return st != nil && d.open(st, now) && at.Sub(e.evAt).Abs() <= d.opt.EventWindow
	})
	// The best score of each story, and the article that gave it.
	best := map[int64]eventScore{}
	for _, e := range cands {
		s := sc.score(e, d.stories[e.story].terms)
		if b, ok := best[e.story]; !ok || s.score > b.score {
			best[e.story] = s
		}
	}
	ranked := make([]eventScore, 0, len(best))
	for _, s := range best {
		ranked = append(ranked, s)
	}
	slices.SortFunc(ranked, func(a, b eventScore) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return b.e.at.Compare(a.e.at)
	})
	if len(ranked) == 0 {
		return nil, "no recent story shares a rare word"
	}
	// A story joined through one of its later tellings must still be
	// near its first one: a chain of tellings, each near the last, must
	// not drift to another event.
	var joinable []eventScore
	nearest := ranked[0]
	for i, s := range ranked {
		if s.score < d.opt.EventThreshold {
			break
		}
		if first := d.stories[s.e.story].entries[0]; first != s.e && !first.evDead {
			if c := sc.score(first, d.stories[s.e.story].terms); c.score < d.opt.EventThreshold-coreSlack {
				if i == 0 {
					nearest.drift = c.score
				}
				continue
			}
		}
		joinable = append(joinable, s)
	}
	if len(joinable) > 0 {
		return joinable, ""
	}
	if nearest.score >= d.opt.EventThreshold {
		return nil, fmt.Sprintf("nearest story %d, but %.2f from its first telling: %s", nearest.e.story, nearest.drift, nearest.reason())
	}
	return nil, fmt.Sprintf("nearest story %d below %.2f: %s", nearest.e.story, d.opt.EventThreshold, nearest.reason())
}

// minDocs is how many recent articles the words' weights need before
// event matching starts: with fewer, every word looks rare.
const minDocs = 30

// coreSlack is how much lower than the threshold an article may score
// against the first telling of a story it joins through a later one.
const coreSlack = 1.0

func (d *Detector) open(st *storyState, now time.Time) bool {
	return now.Sub(st.last) <= d.opt.Window && now.Sub(st.first) <= d.opt.MaxAge
}

// match returns the recorded article sig copies, if any, how, and the
// similarity. A near copy whose profile names other people or places, or
// another day (see otherSubject), is the same template about something
// else (a daily report, an agency's form for every match result), not a
// copy.
func (d *Detector) match(sig *signature, ev *eventProfile, at, now time.Time) (*entry, string, float64) {
	// A verbatim copy (two feeds carrying one item) always joins.
	var best *entry
	for _, e := range d.exact[sig.exact] {
		if st := d.stories[e.story]; st != nil && d.open(st, now) && (best == nil || e.at.After(best.at)) {
			best = e
		}
	}
	if best != nil {
		return best, HowCopy, 1
	}
	if !sig.hasAny {
		return nil, "", 0
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
		s, ok := d.score(sig, e.sig)
		if !ok || s < bestScore || s == bestScore && best != nil && !e.at.After(best.at) {
			return
		}
		if e.ev != nil && d.events.otherSubject(ev, e.ev, at.Sub(e.evAt).Abs()) {
			return
		}
		best, bestScore = e, s
	}
	if sig.body {
		for _, k := range sig.bandKeys() {
			for _, e := range newest(d.bands[k], maxBucket) {
				consider(e)
			}
		}
	}
	// Headline candidates: every recorded article sharing at least half
	// of this headline's words, found through the words that are not in
	// every other headline.
	if len(sig.title) >= minTitleWords {
		counts := make(map[*entry]int)
		for _, w := range sig.title {
			if len(d.titles[w]) > maxBucket {
				continue
			}
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
		return nil, "", 0
	}
	return best, HowNearCopy, bestScore
}

// maxBucket bounds the recorded articles looked at through one LSH band
// or one headline word (the newest): a bucket holding more is a template
// or a word every headline has.
const maxBucket = 200

// newest returns the last n entries of list.
func newest(list []*entry, n int) []*entry {
	return list[max(0, len(list)-n):]
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
	sig, ev := d.last.sig, d.last.ev
	if sig == nil || d.last.title != a.Title || d.last.text != a.Text {
		d.mu.Unlock()
		sig, ev = sign(a.Title, a.Text), profileOf(a.Title, a.Text, d.places)
		d.mu.Lock()
	}
	d.last.sig, d.last.ev = nil, nil
	defer d.mu.Unlock()
	now := d.opt.Now()
	at := a.SeenAt
	if at.IsZero() {
		at = now
	}
	d.add(storyID, a, sig, ev, at)
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
		d.add(a.StoryID, a, sign(a.Title, a.Text), profileOf(a.Title, a.Text, d.places), at)
	}
	d.lastSweep = time.Time{}
	d.sweep(now)
}

func (d *Detector) add(storyID int64, a news.Article, sig *signature, ev *eventProfile, at time.Time) {
	st := d.stories[storyID]
	if st == nil {
		st = &storyState{first: at, last: at, sources: make(map[string]time.Time), terms: make(map[string]int)}
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
	// A recorded article's words are never shown (reasons quote the new
	// article's): its first spellings need not be kept.
	ev.surface = nil
	e := &entry{story: storyID, sig: sig, source: src, at: at, ev: ev, evAt: eventTime(a, at)}
	for _, t := range ev.all {
		st.terms[t]++
	}
	d.events.count(ev, at)
	d.events.add(e)
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
	d.events.expire(now)
	for id, st := range d.stories {
		if d.open(st, now) {
			continue
		}
		for _, e := range st.entries {
			d.unindex(e)
		}
		delete(d.stories, id)
	}
	d.events.compact()
}

// unindex removes e from the lookup maps.
func (d *Detector) unindex(e *entry) {
	d.events.remove(e)
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
