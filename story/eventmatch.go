package story

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// Defaults of the event matcher (see Options).
const (
	DefaultEventWindow    = 48 * time.Hour
	DefaultIDFWindow      = 72 * time.Hour
	DefaultEventThreshold = 1.6
)

const (
	// titleWeight is how much more a headline word weighs than a lead
	// word: the headline says what the story is.
	titleWeight = 2
	// maxCandidates is how many recorded articles, the best by their
	// shared weighted words, are scored in full.
	maxCandidates = 32
	// commonShare is the share of recent articles above which a word is
	// too common to find candidates by (it still counts in the scores).
	commonShare = 0.05
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
// pairs were not used), rounded. The score is the log-odds that two
// tellings are one event.
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
	wApart     = 2.0  // two leads that share next to nothing (cosine under minLeadCos)
	wGap6      = 0.82 // × hours past 6, in units of 6 hours
	wGap12     = 0.24 // × hours past 12, in units of 12 hours
)

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
	if f.lead >= 0 && f.lead < minLeadCos {
		// The same headline over texts about other things: a daily
		// weather report, a recurring column.
		z -= wApart
	}
	h := f.gap.Hours()
	z -= wGap6 * max(0, h-6) / 6
	z -= wGap12 * max(0, h-12) / 12
	return z
}

// scorer compares one new article with recorded ones: it holds the new
// article's weighted words.
type scorer struct {
	ix *eventIndex
	p  *eventProfile
	at time.Time
	w  map[string]float64 // the new article's word weights
	n  float64            // their norm
	// in says of each of the new article's words whether it is in its
	// headline (inTitle) and lead (inLead); nt and nl are the idf norms of
	// its headline and lead.
	in     map[string]uint8
	nt, nl float64
}

const (
	inTitle = 1 << iota
	inLead
)

// scorer prepares the comparison of p, which happened at at.
func (ix *eventIndex) scorer(p *eventProfile, at time.Time) *scorer {
	s := &scorer{ix: ix, p: p, at: at, w: make(map[string]float64, len(p.all)), in: make(map[string]uint8, len(p.all))}
	for i, t := range p.all {
		idf := s.idf(t)
		v := p.fw[i] * idf
		s.w[t] = v
		s.n += v * v
	}
	s.n = math.Sqrt(s.n)
	for _, t := range p.title {
		s.in[t] |= inTitle
		s.nt += s.idf(t) * s.idf(t)
	}
	for _, t := range p.lead {
		s.in[t] |= inLead
		s.nl += s.idf(t) * s.idf(t)
	}
	return s
}

// idf is the idf of t.
func (s *scorer) idf(t string) float64 { return s.ix.idf(t) }

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
// (field inTitle) or lead (inLead), of norm n, with words.
func (s *scorer) cosine(field uint8, n float64, words []string) float64 {
	var dot, nb float64
	for _, t := range words {
		v := s.idf(t)
		nb += v * v
		if s.in[t]&field != 0 {
			dot += v * v
		}
	}
	if n == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(n*nb)
}

// otherSubject reports whether two articles that look alike name other
// people or places in their headlines (neither has the other's two rarest
// headline words), give other numbers or weekdays (each gives some, none
// in common) or other amounts: the same form filled in for another
// subject or day.
func (ix *eventIndex) otherSubject(p, q *eventProfile) bool {
	for _, pair := range [][2][]string{{p.numbers, q.numbers}, {p.days, q.days}} {
		if len(pair[0]) > 0 && len(pair[1]) > 0 && !overlap(pair[0], pair[1]) {
			return true
		}
	}
	return amountsClash(p.amounts, q.amounts) || strangers(ix, p, q)
}

// strangers reports whether neither headline's two rarest words are in
// the other article's headline and lead: two different people, towns or
// teams, however alike the rest.
func strangers(ix *eventIndex, p, q *eventProfile) bool {
	return !overlap(ix.rarest(p.title, 2), q.all) && !overlap(ix.rarest(q.title, 2), p.all)
}

// rarest returns the k words of words used by the fewest recent
// articles (action classes aside).
func (ix *eventIndex) rarest(words []string, k int) []string {
	type wdf struct {
		t  string
		df int
	}
	var ws []wdf
	for _, t := range words {
		if strings.HasPrefix(t, "#") {
			continue
		}
		df := 0
		if s := ix.terms[t]; s != nil {
			df = s.df
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
	common := max(20, int(commonShare*float64(len(ix.docs))))
	ix.epoch++
	var touched []*entry
	for _, t := range s.p.all {
		st := ix.terms[t]
		if st == nil || len(st.postings) == 0 || st.df > common {
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
	slices.SortFunc(touched, func(a, b *entry) int {
		if c := cmp.Compare(b.acc, a.acc); c != 0 {
			return c
		}
		return b.at.Compare(a.at)
	})
	out := make([]*entry, 0, maxCandidates)
	for _, e := range touched {
		if len(out) == maxCandidates {
			break
		}
		if keep(e) {
			out = append(out, e)
		}
	}
	return out
}

// score compares the new article with a recorded one.
func (s *scorer) score(e *entry) eventScore {
	p, q := s.p, e.ev
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
		idf, df := s.ix.statIDF(st)
		u := q.fw[i] * idf
		nq += u * u
		if v, ok := s.w[t]; ok {
			dot += v * u
			shared = append(shared, sharedWord{t, v * u})
			if df <= rare {
				out.f.rare++
			}
		}
	}
	if s.n > 0 && nq > 0 {
		out.f.cos = dot / (s.n * math.Sqrt(nq))
	}
	out.f.title = s.cosine(inTitle, s.nt, q.title)
	out.f.lead = -1
	if len(p.lead) >= minLead && len(q.lead) >= minLead {
		out.f.lead = s.cosine(inLead, s.nl, q.lead)
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
	out.f.strangers = strangers(s.ix, p, q)
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
	if s.f.lead >= 0 && s.f.lead < minLeadCos {
		b.WriteString("; texts about other things")
	}
	if s.f.gap > 6*time.Hour {
		fmt.Fprintf(&b, "; %.0fh apart", s.f.gap.Hours())
	}
	return b.String()
}
