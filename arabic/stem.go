package arabic

import (
	"strings"
	"unicode/utf8"
)

// affix is a stemmer prefix or suffix with its length in runes.
type affix struct {
	s string
	n int
}

// stemPrefixes and stemSuffixes are Lucene ArabicStemmer's lists, in its
// order: the first matching prefix is removed, then every suffix in turn.
var (
	stemPrefixes = []affix{{"ال", 2}, {"وال", 3}, {"بال", 3}, {"كال", 3}, {"فال", 3}, {"لل", 2}, {"و", 1}}
	stemSuffixes = []affix{{"ها", 2}, {"ان", 2}, {"ات", 2}, {"ون", 2}, {"ين", 2}, {"يه", 2}, {"ية", 2}, {"ه", 1}, {"ة", 1}, {"ي", 1}}
)

// Stem returns the light stem of tok with the algorithm of Lucene's
// ArabicStemmer (Larkey's light10 family): it strips one definite-article
// or conjunction prefix and then the common suffixes, always leaving at
// least two characters. It does not normalize; pass a normalized token.
func Stem(tok string) string {
	n := utf8.RuneCountInString(tok)
	for _, p := range stemPrefixes {
		// "و" needs three characters after it, the others two.
		if (p.n == 1 && n < 4) || n < p.n+2 {
			continue
		}
		if strings.HasPrefix(tok, p.s) {
			tok = tok[len(p.s):]
			n -= p.n
			break
		}
	}
	for _, sf := range stemSuffixes {
		if n < sf.n+2 {
			continue
		}
		if strings.HasSuffix(tok, sf.s) {
			tok = tok[:len(tok)-len(sf.s)]
			n -= sf.n
		}
	}
	return tok
}
