package summary

import (
	"cmp"
	"math"
	"slices"

	"github.com/ajel-news/ajel/arabic"
)

// vocabulary numbers the distinct tokens and stems of one summary, so that
// sentences compare as sorted slices of ids rather than as maps of strings.
type vocabulary struct {
	tokens map[string]int32
	stems  map[string]int32
}

func intern(m map[string]int32, s string) int32 {
	id, ok := m[s]
	if !ok {
		id = int32(len(m))
		m[s] = id
	}
	return id
}

// idSet is a set of ids, sorted.
type idSet []int32

// tokenSet returns the ids of the distinct tokens.
func (v *vocabulary) tokenSet(toks []string) idSet {
	set := make(idSet, len(toks))
	for i, t := range toks {
		set[i] = intern(v.tokens, t)
	}
	slices.Sort(set)
	return slices.Compact(set)
}

// stemIDs returns the ids of the stems of the content words of s, sorted,
// with repeats.
func (v *vocabulary) stemIDs(s *sentence) []int32 {
	ids := make([]int32, 0, len(s.toks))
	for i, t := range s.toks {
		if isTerm(t) {
			ids = append(ids, intern(v.stems, s.stems[i]))
		}
	}
	slices.Sort(ids)
	return ids
}

// overlap is the share of a's ids found in b (0 when a is empty).
func overlap(a, b idSet) float64 {
	if len(a) == 0 {
		return 0
	}
	n := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			n++
			i++
			j++
		}
	}
	return float64(n) / float64(len(a))
}

// sparse is a vector over stem ids, sorted by id.
type sparse []component

type component struct {
	id int32
	x  float64
}

// dot is the dot product of two sparse vectors.
func dot(a, b sparse) float64 {
	var s float64
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i].id < b[j].id:
			i++
		case a[i].id > b[j].id:
			j++
		default:
			s += a[i].x * b[j].x
			i++
			j++
		}
	}
	return s
}

// unit scales v to length 1 (a zero vector stays as it is).
func (v sparse) unit() {
	var sum float64
	for _, c := range v {
		sum += c.x * c.x
	}
	if sum == 0 {
		return
	}
	norm := math.Sqrt(sum)
	for i := range v {
		v[i].x /= norm
	}
}

// vectorize gives each sentence a unit tf·isf vector over stems, where
// isf is the inverse share of sentences using the stem.
func vectorize(sents []*sentence, v *vocabulary) {
	var df []int // by stem id
	for _, s := range sents {
		ids := v.stemIDs(s)
		for len(df) < len(v.stems) {
			df = append(df, 0)
		}
		// ids are sorted: each run is one stem and its count.
		for i := 0; i < len(ids); {
			j := i + 1
			for j < len(ids) && ids[j] == ids[i] {
				j++
			}
			s.vec = append(s.vec, component{ids[i], float64(j - i)})
			df[ids[i]]++
			i = j
		}
	}
	n := float64(len(sents))
	for _, s := range sents {
		for i, c := range s.vec {
			s.vec[i].x = (1 + math.Log(c.x)) * math.Log(1+n/float64(df[c.id]))
		}
		s.vec.unit()
	}
}

// score combines the lead prior, centrality, similarity to the headline
// and, for a story, how many other outlets carry a similar sentence.
func score(sents []*sentence, title string, docs int, v *vocabulary, w weights) {
	centroid := make([]float64, len(v.stems))
	var norm float64
	for _, s := range sents {
		for _, c := range s.vec {
			centroid[c.id] += c.x
		}
	}
	for _, x := range centroid {
		norm += x * x
	}
	if norm > 0 {
		norm = math.Sqrt(norm)
		for i := range centroid {
			centroid[i] /= norm
		}
	}
	// The headline's stems, each weighing 1 before normalizing; those no
	// sentence uses count in its length but meet nothing.
	titleStems := terms(arabic.Tokens(title))
	slices.Sort(titleStems)
	titleStems = slices.Compact(titleStems)
	var tv sparse
	for _, t := range titleStems {
		if id, ok := v.stems[t]; ok {
			tv = append(tv, component{id, 1 / math.Sqrt(float64(len(titleStems)))})
		}
	}
	slices.SortFunc(tv, func(a, b component) int { return cmp.Compare(a.id, b.id) })
	for _, s := range sents {
		var central float64
		for _, c := range s.vec {
			central += c.x * centroid[c.id]
		}
		sc := w.position*math.Exp(-w.decay*float64(s.pos)) +
			w.centroid*central +
			w.title*dot(s.vec, tv) +
			w.length*math.Log(float64(s.words))
		if docs > 1 {
			seen := map[int]bool{}
			for _, o := range sents {
				if o.doc != s.doc && !seen[o.doc] && dot(s.vec, o.vec) >= 0.4 {
					seen[o.doc] = true
				}
			}
			sc += w.support * float64(len(seen)) / float64(docs-1)
		}
		if s.words < w.minWords {
			sc -= 1 // a caption or subhead only if nothing else is left
		}
		s.score = sc
	}
}
