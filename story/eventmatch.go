package story

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// Defaults of the event matcher (see Options). DefaultEventThreshold is
// the lowest event score at which no labelled pair of different events
// of February to May 2018 (testdata/event_pairs.tsv, ant-tune) merges:
// a merge hides a different event in an edit, a miss costs one more push.
const (
	DefaultEventWindow    = 48 * time.Hour
	DefaultIDFWindow      = 72 * time.Hour
	DefaultEventThreshold = 2.0
)

const (
	// titleWeight is how much more a headline word weighs than a lead
	// word: the headline says what the story is.
	titleWeight = 2
	// maxCandidates is how many recorded articles, the best by their
	// shared weighted words, are scored in full.
	maxCandidates = 32
	// maxPostings is how many indexed articles may use a word that
	// candidates are found by: a word more use is too common to say
	// anything (it still counts in the scores), and the bound keeps the
	// search fast. A story's own words are not too common however many
	// of its tellings use them: each story indexes at most MaxPerStory.
	maxPostings = 400
)

// eventScore is how one recorded article compares with a new one, and
// why.
type eventScore struct {
	e     *entry
	f     eventFeatures
	score float64 // the weighted sum of the features; joins at or above the threshold
	// shared are the shared words, heaviest first, as first written.
	shared []string
	// drift is the score against the story's first telling, when that
	// kept the article out.
	drift float64
}

// eventFeatures are what the event score weighs.
type eventFeatures struct {
	cos   float64 // weighted cosine of headline (twice) and lead words
	title float64 // weighted cosine of the headlines alone
	lead  float64 // weighted cosine of the leads alone (-1: a bare headline)
	// rare counts the shared words rare enough to be names; numbers the
	// shared numbers above ten.
	rare, numbers int
	// analysis, reaction and preview: one of the two is an analysis, a
	// reaction or a preview and the other not; places: their headlines
	// name different towns of one country; amounts: they give different
	// sums, percentages or dates of one kind; strangers: neither
	// headline's two rarest words are in the other (see strangers).
	analysis, reaction, preview, places, amounts, strangers bool
	gap                                                     time.Duration
}

// The event score's weights: a logistic model fitted on the ANT pairs of
// February to May 2018 labelled in testdata/event_pairs.tsv (the held-out
// pairs were not used), rounded; the score is about the log-odds that two
// tellings are one event. The penalties for an analysis, a reaction, a
// preview, other towns and other amounts are set by hand, stronger than
// the fit (which saw them fire on few pairs): the issue names them as
// what must stay apart. On the February-May pairs this costs two joins.
const (
	wBias      = -0.65
	wCos       = 1.19
	wTitle     = 1.26
	wRare      = 1.03 // × ln(1 + shared rare words)
	wNumbers   = 0.39 // × shared numbers, at most 3
	wStrangers = 1.32
	wAnalysis  = 3.0
	wReaction  = 2.0
	wPreview   = 1.0
	wPlaces    = 1.5
	wAmounts   = 1.0
	wApart     = 2.0  // the same headline over leads that share next to nothing (see apart)
	wGap6      = 0.82 // × hours past 6, in units of 6 hours
	wGap12     = 0.24 // × hours past 12, in units of 12 hours
)

// apart reports whether two articles have (nearly) the same headline
// over leads that share next to nothing.
func (f eventFeatures) apart() bool {
	return f.title >= sameHeadline && f.lead >= 0 && f.lead < minLeadCos
}

// sameHeadline is the headline cosine from which two headlines are
// (nearly) the same.
const sameHeadline = 0.8

// value is the score of f.
func (f eventFeatures) value() float64 {
	z := wBias + wCos*f.cos + wTitle*f.title + wRare*math.Log1p(float64(f.rare)) + wNumbers*float64(min(f.numbers, 3))
	for _, c := range []struct {
		on bool
		w  float64
	}{{f.analysis, wAnalysis}, {f.reaction, wReaction}, {f.preview, wPreview}, {f.places, wPlaces}, {f.amounts, wAmounts}, {f.strangers, wStrangers}} {
		if c.on {
			z -= c.w
		}
	}
	if f.apart() {
		// The same headline over texts about other things: a daily
		// weather report, a recurring column.
		z -= wApart
	}
	h := f.gap.Hours()
	z -= wGap6 * max(0, h-6) / 6
	z -= wGap12 * max(0, h-12) / 12
	return z
}

// scorer compares one new article with recorded ones. A word's weight
// when it is compared with a story is its idf with the story's articles
// counted as one: a name every outlet uses because of this very story is
// still its name, not a common word.
type scorer struct {
	ix *eventIndex
	p  *eventProfile
	at time.Time
	w  map[string]float64 // the new article's word weights (idf over all articles), to find candidates
	// in says of each of the new article's words whether it is in its
	// headline (inTitle) and lead (inLead).
	in map[string]uint8
	// views are the new article's weights as compared with each story.
	views map[int64]*view
}

// view is the new article's weights as compared with one story: w its
// words' weights, n their norm, nt and nl the idf norms of its headline
// and lead.
type view struct {
	own       map[string]int
	w         map[string]float64
	n, nt, nl float64
}

const (
	inTitle = 1 << iota
	inLead
)

// scorer prepares the comparison of p, which happened at at.
func (ix *eventIndex) scorer(p *eventProfile, at time.Time) *scorer {
	s := &scorer{ix: ix, p: p, at: at, w: make(map[string]float64, len(p.all)), in: make(map[string]uint8, len(p.all)),
		views: map[int64]*view{}}
	for i, t := range p.all {
		s.w[t] = p.fw[i] * ix.idf(t)
	}
	for _, t := range p.title {
		s.in[t] |= inTitle
	}
	for _, t := range p.lead {
		s.in[t] |= inLead
	}
	return s
}

// idfOutside is the idf of a word (st) when a story whose articles use
// it own times counts as one article: a story told by a hundred outlets
// makes its names no more common than one telling would.
func (s *scorer) idfOutside(st *termStats, own int) (float64, int) {
	if own <= 1 || st == nil {
		return s.ix.statIDF(st)
	}
	df := max(st.df-own+1, 1)
	return math.Log((float64(len(s.ix.docs)) + 1) / (float64(df) + 0.5)), df
}

// view returns the new article's weights as compared with story id, whose
// articles use each word own times.
func (s *scorer) view(id int64, own map[string]int) *view {
	if v := s.views[id]; v != nil {
		return v
	}
	v := &view{own: own, w: make(map[string]float64, len(s.p.all))}
	for i, t := range s.p.all {
		idf, _ := s.idfOutside(s.ix.terms[t], own[t])
		x := s.p.fw[i] * idf
		v.w[t] = x
		v.n += x * x
		if s.in[t]&inTitle != 0 {
			v.nt += idf * idf
		}
		if s.in[t]&inLead != 0 {
			v.nl += idf * idf
		}
	}
	v.n = math.Sqrt(v.n)
	s.views[id] = v
	return v
}

// fieldWeights returns, for each word of p.all, titleWeight if it is in
// the headline plus 1 if it is in the lead: a word's weight is its idf
// times this.
func fieldWeights(p *eventProfile) []float64 {
	fw := make([]float64, len(p.all))
	for i, t := range p.all {
		if slices.Contains(p.title, t) {
			fw[i] += titleWeight
		}
		if slices.Contains(p.lead, t) {
			fw[i]++
		}
	}
	return fw
}

// minLead is how many content words a lead needs to be compared, and
// minLeadCos the least two compared leads of one event share (no labelled
// same-event pair shares less).
const (
	minLead    = 8
	minLeadCos = 0.05
)

// cosine is the idf-weighted cosine of the new article's headline
// (field inTitle) or lead (inLead), of norm n, with words, as seen from a
// story (v).
func (s *scorer) cosine(v *view, field uint8, n float64, words []string) float64 {
	var dot, nb float64
	for _, t := range words {
		idf, _ := s.idfOutside(s.ix.terms[t], v.own[t])
		nb += idf * idf
		if s.in[t]&field != 0 {
			dot += idf * idf
		}
	}
	if n == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(n*nb)
}

// otherSubject reports whether two articles that look alike, told gap
// apart, name other people or places in their headlines (neither has the
// other's two rarest headline words), other weekdays or other amounts,
// or, on different days, other numbers: the same form filled in for
// another subject or day. (Within hours, other numbers are a toll that
// rises.)
func (ix *eventIndex) otherSubject(p, q *eventProfile, gap time.Duration) bool {
	clash := func(a, b []string) bool { return len(a) > 0 && len(b) > 0 && !overlap(a, b) }
	if clash(p.days, q.days) || gap >= 12*time.Hour && clash(p.numbers, q.numbers) {
		return true
	}
	return amountsClash(p.amounts, q.amounts) || strangers(ix, p, q, nil)
}

// strangers reports whether neither headline's two rarest words are in
// the other article's headline and lead: two different people, towns or
// teams, however alike the rest. Rarity counts the story of q, whose
// articles use each word own times (nil: no story), as one article.
func strangers(ix *eventIndex, p, q *eventProfile, own map[string]int) bool {
	return !overlap(ix.rarest(p.title, 2, own), q.all) && !overlap(ix.rarest(q.title, 2, own), p.all)
}

// rarest returns the k words of words used by the fewest recent articles,
// a story whose articles use each word own times counting as one
// (action classes and numbers aside: numbers are compared on their own).
func (ix *eventIndex) rarest(words []string, k int, own map[string]int) []string {
	type wdf struct {
		t  string
		df int
	}
	var ws []wdf
	for _, t := range words {
		if strings.HasPrefix(t, "#") || isDigits(t) {
			continue
		}
		df := 0
		if s := ix.terms[t]; s != nil {
			df = s.df
			if n := own[t]; n > 1 {
				df -= n - 1
			}
		}
		ws = append(ws, wdf{t, df})
	}
	slices.SortStableFunc(ws, func(a, b wdf) int { return cmp.Compare(a.df, b.df) })
	out := make([]string, 0, k)
	for _, w := range ws[:min(k, len(ws))] {
		out = append(out, w.t)
	}
	return out
}

// rareDF is the most recent articles a word may appear in and still count
// as a name or a rare word.
func (ix *eventIndex) rareDF() int { return max(3, len(ix.docs)/100) }

// candidates returns the recorded articles that share the heaviest words
// with the new article, best first, at most maxCandidates of those keep
// accepts: found through the postings of its words that are not too
// common, never by a scan.
func (s *scorer) candidates(keep func(*entry) bool) []*entry {
	ix := s.ix
	ix.epoch++
	var touched []*entry
	for _, t := range s.p.all {
		st := ix.terms[t]
		if st == nil || len(st.postings) == 0 || len(st.postings) > maxPostings {
			continue
		}
		v := s.w[t]
		for _, e := range st.postings {
			if e.evDead {
				continue
			}
			if e.epoch != ix.epoch {
				e.epoch, e.acc = ix.epoch, 0
				touched = append(touched, e)
			}
			e.acc += v
		}
	}
	// The best maxCandidates of those keep accepts: a min-heap of them,
	// its worst on top, rather than sorting every article touched.
	better := func(a, b *entry) bool { return a.acc > b.acc || a.acc == b.acc && a.at.After(b.at) }
	top := make([]*entry, 0, maxCandidates)
	down := func(i int) {
		for {
			l, worst := 2*i+1, i
			if l < len(top) && better(top[worst], top[l]) {
				worst = l
			}
			if r := l + 1; r < len(top) && better(top[worst], top[r]) {
				worst = r
			}
			if worst == i {
				return
			}
			top[i], top[worst] = top[worst], top[i]
			i = worst
		}
	}
	for _, e := range touched {
		if len(top) == maxCandidates && !better(e, top[0]) {
			continue
		}
		if !keep(e) {
			continue
		}
		if len(top) < maxCandidates {
			top = append(top, e)
			for i := len(top) - 1; i > 0 && better(top[(i-1)/2], top[i]); i = (i - 1) / 2 {
				top[i], top[(i-1)/2] = top[(i-1)/2], top[i]
			}
			continue
		}
		top[0] = e
		down(0)
	}
	slices.SortFunc(top, func(a, b *entry) int {
		if better(a, b) {
			return -1
		}
		if better(b, a) {
			return 1
		}
		return 0
	})
	return top
}

// score compares the new article with a recorded one, of a story whose
// articles use each word own times.
func (s *scorer) score(e *entry, own map[string]int) eventScore {
	p, q := s.p, e.ev
	v := s.view(e.story, own)
	out := eventScore{e: e}
	type sharedWord struct {
		t string
		v float64
	}
	var shared []sharedWord
	rare := s.ix.rareDF()
	dot, nq := 0.0, 0.0
	for i, t := range q.all {
		var st *termStats
		if e.stats != nil {
			st = e.stats[i]
		} else {
			st = s.ix.terms[t]
		}
		idf, df := s.idfOutside(st, own[t])
		u := q.fw[i] * idf
		nq += u * u
		if x, ok := v.w[t]; ok {
			dot += x * u
			shared = append(shared, sharedWord{t, x * u})
			if df <= rare {
				out.f.rare++
			}
		}
	}
	if v.n > 0 && nq > 0 {
		out.f.cos = dot / (v.n * math.Sqrt(nq))
	}
	out.f.title = s.cosine(v, inTitle, v.nt, q.title)
	out.f.lead = -1
	if len(p.lead) >= minLead && len(q.lead) >= minLead {
		out.f.lead = s.cosine(v, inLead, v.nl, q.lead)
	}
	for _, x := range p.numbers {
		if slices.Contains(q.numbers, x) {
			out.f.numbers++
		}
	}
	out.f.analysis = p.analysis != q.analysis
	out.f.reaction = p.reaction != q.reaction ||
		p.reaction && len(p.reactor) > 0 && len(q.reactor) > 0 && !overlap(p.reactor, q.reactor)
	out.f.preview = p.preview != q.preview
	out.f.places = placesClash(p, q)
	out.f.amounts = amountsClash(p.amounts, q.amounts)
	out.f.strangers = strangers(s.ix, p, q, own)
	out.f.gap = s.at.Sub(e.evAt).Abs()
	out.score = out.f.value()
	slices.SortFunc(shared, func(a, b sharedWord) int { return cmp.Compare(b.v, a.v) })
	for _, sw := range shared[:min(len(shared), 8)] {
		word := p.surface[sw.t]
		if word == "" {
			word = sw.t
		}
		out.shared = append(out.shared, word)
	}
	return out
}

// overlap reports whether two word lists share a word.
func overlap(a, b []string) bool {
	for _, t := range a {
		if slices.Contains(b, t) {
			return true
		}
	}
	return false
}

// incidents are the action classes of events that happen at one place:
// two of them in different towns are two events.
var incidents = []string{"#strike", "#blast", "#crash", "#fire", "#death", "#intercept", "#quake"}

// placesClash reports whether two headlines tell an incident of one kind
// in different towns of one country, naming no town in common: another
// strike the same day in the same war. A headline naming only the country,
// or no town, is no clash; nor are two headlines without an incident in
// common, where a capital stands for its government.
func placesClash(p, q *eventProfile) bool {
	incident := false
	for _, a := range incidents {
		if slices.Contains(p.title, a) && slices.Contains(q.title, a) {
			incident = true
			break
		}
	}
	if !incident {
		return false
	}
	towns := func(ms []placeMention, slug string) []string {
		var out []string
		for _, m := range ms {
			if m.slug == slug && !m.country {
				out = append(out, m.word)
			}
		}
		return out
	}
	for _, m := range p.places {
		if m.country {
			continue
		}
		ta, tb := towns(p.places, m.slug), towns(q.places, m.slug)
		if len(tb) > 0 && !overlap(ta, tb) {
			return true
		}
	}
	return false
}

// amountsClash reports whether two articles give the same kind of amount
// (a sum in one currency, a percentage, a month's day) with no value in
// common.
func amountsClash(a, b []amount) bool {
	for _, x := range a {
		same, clash := false, false
		for _, y := range b {
			if x.unit != y.unit {
				continue
			}
			if x.value == y.value {
				same = true
			} else {
				clash = true
			}
		}
		if clash && !same {
			return true
		}
	}
	return false
}

// reason says in one line why an article joins a story by event, or
// does not.
func (s eventScore) reason() string {
	var b strings.Builder
	fmt.Fprintf(&b, "event %.2f: words %.2f, headlines %.2f, %d rare, %d numbers", s.score, s.f.cos, s.f.title, s.f.rare, s.f.numbers)
	if len(s.shared) > 0 {
		b.WriteString(", shared «" + strings.Join(s.shared[:min(len(s.shared), 6)], "، ") + "»")
	}
	for _, c := range []struct {
		on   bool
		note string
	}{
		{s.f.analysis, "analysis beside a report"}, {s.f.reaction, "a reaction beside what it reacts to"},
		{s.f.preview, "a preview beside what happened"}, {s.f.places, "different places"},
		{s.f.amounts, "different amounts or dates"},
	} {
		if c.on {
			b.WriteString("; " + c.note)
		}
	}
	if s.f.apart() {
		b.WriteString("; the same headline over texts about other things")
	}
	if s.f.gap > 6*time.Hour {
		fmt.Fprintf(&b, "; %.0fh apart", s.f.gap.Hours())
	}
	return b.String()
}
