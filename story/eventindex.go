package story

import (
	"math"
	"slices"
	"time"
)

// eventIndex holds what event matching needs across articles: how many
// recent articles used each word (the document frequency behind the
// words' weights, kept for a sliding window as articles come and go) and,
// for each word, the recorded articles of open stories that use it (the
// postings candidates are found through). Not safe for concurrent use:
// the Detector's lock guards it.
type eventIndex struct {
	terms map[string]*termStats
	// docs are the articles counted in the frequencies, oldest first.
	docs   []countedDoc
	window time.Duration
	// dead counts postings of entries no longer indexed; they are
	// dropped in bulk by compact.
	dead int
	// epoch numbers candidate searches (see entry.acc).
	epoch uint64
}

// termStats is one word's frequency and postings.
type termStats struct {
	df       int
	postings []*entry
	// idf caches the word's idf, computed with idfDF and idfN.
	idf         float64
	idfDF, idfN int
}

// countedDoc is an article counted in the frequencies.
type countedDoc struct {
	at    time.Time
	terms []string
}

func newEventIndex(window time.Duration) *eventIndex {
	return &eventIndex{terms: map[string]*termStats{}, window: window}
}

// count adds an article's words to the frequencies.
func (ix *eventIndex) count(p *eventProfile, at time.Time) {
	terms := p.all
	for _, t := range terms {
		ix.stats(t).df++
	}
	ix.docs = append(ix.docs, countedDoc{at: at, terms: terms})
}

// expire forgets the frequencies of articles older than the window.
func (ix *eventIndex) expire(now time.Time) {
	cut := 0
	for cut < len(ix.docs) && now.Sub(ix.docs[cut].at) > ix.window {
		for _, t := range ix.docs[cut].terms {
			if s := ix.terms[t]; s != nil {
				s.df--
				if s.df <= 0 && len(s.postings) == 0 {
					delete(ix.terms, t)
				}
			}
		}
		cut++
	}
	if cut > 0 {
		ix.docs = slices.Delete(ix.docs, 0, cut)
	}
}

func (ix *eventIndex) stats(t string) *termStats {
	s := ix.terms[t]
	if s == nil {
		s = &termStats{}
		ix.terms[t] = s
	}
	return s
}

// add makes e a candidate for the words of its profile.
func (ix *eventIndex) add(e *entry) {
	e.stats = make([]*termStats, len(e.ev.all))
	for i, t := range e.ev.all {
		s := ix.stats(t)
		s.postings = append(s.postings, e)
		e.stats[i] = s
	}
}

// remove takes e out of the candidates; its postings go at the next
// compact.
func (ix *eventIndex) remove(e *entry) {
	if e.ev == nil || e.evDead {
		return
	}
	e.evDead = true
	e.stats = nil
	ix.dead += len(e.ev.all)
}

// compact drops the postings of removed entries when they have become a
// fair share of all postings.
func (ix *eventIndex) compact() {
	if ix.dead < 1024 {
		return
	}
	for t, s := range ix.terms {
		s.postings = slices.DeleteFunc(s.postings, func(e *entry) bool { return e.evDead })
		if len(s.postings) == 0 && s.df <= 0 {
			delete(ix.terms, t)
		}
	}
	ix.dead = 0
}

// idf is the inverse document frequency of t over the window: rare words
// and names weigh most, words every story uses almost nothing. A word no
// counted article used weighs as much as one used once.
func (ix *eventIndex) idf(t string) float64 {
	v, _ := ix.idfDF(t)
	return v
}

// idfDF returns t's idf and document frequency. The idf is computed again
// when the frequency changed or the window's size moved by more than a
// hundredth.
func (ix *eventIndex) idfDF(t string) (float64, int) {
	return ix.statIDF(ix.terms[t])
}

// statIDF is idfDF for a word's stats (nil: a word no article used).
func (ix *eventIndex) statIDF(s *termStats) (float64, int) {
	n := len(ix.docs)
	if s == nil {
		return math.Log((float64(n) + 1) / 1.5), 0
	}
	if s.idfDF != s.df || s.idfN == 0 || (n-s.idfN)*100 > n || (s.idfN-n)*100 > n {
		s.idf = math.Log((float64(n) + 1) / (float64(max(s.df, 1)) + 0.5))
		s.idfDF, s.idfN = s.df, n
	}
	return s.idf, s.df
}
