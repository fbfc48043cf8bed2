package story

import (
	"hash/fnv"
	"slices"
	"unicode"
	"unicode/utf8"

	"github.com/ajel-news/ajel/arabic"
)

// Signature sizes. 128 hashes estimate a Jaccard similarity to about ±0.04;
// 32 bands of 4 rows make a pair with similarity 0.5 a candidate with
// probability 0.87 and one with 0.6 with probability 0.99, while a pair at
// 0.2 shares a band only 5% of the time.
const (
	numHashes = 128
	numBands  = 32
	bandRows  = numHashes / numBands
	// shingleLen is the number of consecutive content words in a shingle:
	// pairs survive a changed word better than triples (a changed word
	// touches 2 shingles, not 3) and are still specific enough in news.
	shingleLen = 2
	// minBodyShingles is how many distinct shingles a text needs before it
	// counts as a body; shorter items are compared by headline only.
	minBodyShingles = 8
)

// signature is everything the detector keeps about one article.
type signature struct {
	mins   [numHashes]uint32
	body   bool     // the text had enough shingles to compare bodies
	title  []string // distinct content stems of the headline, sorted
	exact  uint64   // hash of the normalized title and text, for verbatim copies
	hasAny bool     // the article had at least one content word
}

// seeds of the hash family: fixed so that signatures stored or compared
// across restarts agree.
var seeds = func() [numHashes]uint64 {
	var s [numHashes]uint64
	x := uint64(0x9E3779B97F4A7C15)
	for i := range s {
		x = splitmix(x)
		s[i] = x
	}
	return s
}()

// splitmix is the SplitMix64 finalizer: a cheap, well-mixed 64-bit hash.
func splitmix(x uint64) uint64 {
	x += 0x9E3779B97F4A7C15
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9
	x = (x ^ (x >> 27)) * 0x94D049BB133111EB
	return x ^ (x >> 31)
}

// titleNoise are headline words that mark how an item is presented, not
// what happened; they are left out of headline comparison so "عاجل: X"
// and "X" compare equal.
var titleNoise = map[string]bool{
	"عاجل": true, "عاجله": true, "خبر": true, "بالفيديو": true, "فيديو": true,
	"بالصور": true, "صور": true, "شاهد": true, "مباشر": true, "تحديث": true,
	"breaking": true, "urgent": true, "update": true, "video": true,
}

// contentStems returns the light stems of the tokens that carry meaning:
// stop words and one-letter tokens other than digits are dropped.
func contentStems(toks []string) []string {
	out := make([]string, 0, len(toks))
	// IsStopWord re-normalizes words it does not know; news repeats its
	// words, so deciding each distinct token once halves the cost.
	stop := make(map[string]bool, len(toks)/2)
	for _, t := range toks {
		s, seen := stop[t]
		if !seen {
			s = arabic.IsStopWord(t) || utf8.RuneCountInString(t) < 2 && !isDigits(t)
			stop[t] = s
		}
		if !s {
			out = append(out, arabic.Stem(t))
		}
	}
	return out
}

func isDigits(s string) bool {
	for _, r := range s {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return s != ""
}

// sign computes the signature of an article.
func sign(title, text string) *signature {
	sg := &signature{}
	titleToks, textToks := arabic.Tokens(title), arabic.Tokens(text)
	tstems := contentStems(titleToks)
	set := make([]string, 0, len(tstems))
	for _, t := range tstems {
		if !titleNoise[t] {
			set = append(set, t)
		}
	}
	slices.Sort(set)
	sg.title = slices.Compact(set)

	body := contentStems(textToks)
	sg.hasAny = len(sg.title) > 0 || len(body) > 0

	h := fnv.New64a()
	for _, t := range titleToks {
		h.Write([]byte(t))
		h.Write([]byte{' '})
	}
	h.Write([]byte{0})
	for _, t := range textToks {
		h.Write([]byte(t))
		h.Write([]byte{' '})
	}
	sg.exact = h.Sum64()

	for i := range sg.mins {
		sg.mins[i] = ^uint32(0)
	}
	if len(body) < shingleLen {
		return sg
	}
	distinct := make(map[uint64]struct{}, len(body))
	for i := 0; i+shingleLen <= len(body); i++ {
		x := uint64(14695981039346656037)
		for _, w := range body[i : i+shingleLen] {
			for j := 0; j < len(w); j++ {
				x ^= uint64(w[j])
				x *= 1099511628211
			}
			x ^= ' '
			x *= 1099511628211
		}
		if _, dup := distinct[x]; dup {
			continue
		}
		distinct[x] = struct{}{}
		for k := range sg.mins {
			if v := uint32(splitmix(x^seeds[k]) >> 32); v < sg.mins[k] {
				sg.mins[k] = v
			}
		}
	}
	sg.body = len(distinct) >= minBodyShingles
	return sg
}

// bodySimilarity estimates the Jaccard similarity of two bodies' shingle
// sets: the share of hash functions whose minimum agrees.
func bodySimilarity(a, b *signature) float64 {
	same := 0
	for i := range a.mins {
		if a.mins[i] == b.mins[i] {
			same++
		}
	}
	return float64(same) / numHashes
}

// titleSimilarity is the Jaccard similarity of two headlines' stem sets.
func titleSimilarity(a, b *signature) float64 {
	if len(a.title) == 0 || len(b.title) == 0 {
		return 0
	}
	inter := 0
	i, j := 0, 0
	for i < len(a.title) && j < len(b.title) {
		switch {
		case a.title[i] == b.title[j]:
			inter++
			i++
			j++
		case a.title[i] < b.title[j]:
			i++
		default:
			j++
		}
	}
	return float64(inter) / float64(len(a.title)+len(b.title)-inter)
}

// bandKeys returns the LSH bucket of each band: the band's index mixed
// with its rows, so equal rows in different bands never collide.
func (s *signature) bandKeys() [numBands]uint64 {
	var keys [numBands]uint64
	for b := range keys {
		x := uint64(b) + 1
		for _, v := range s.mins[b*bandRows : (b+1)*bandRows] {
			x = splitmix(x ^ uint64(v))
		}
		keys[b] = x
	}
	return keys
}
