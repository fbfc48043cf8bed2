package arabic

import (
	"unicode"

	"github.com/clipperhouse/uax29/v2/words"
)

// Tokens returns the normalized word tokens of s, split with the Unicode
// word-boundary rules (UAX #29), without punctuation, spaces or symbols.
// Numbers such as 3.5 stay one token.
func Tokens(s string) []string {
	return appendTokens(nil, s)
}

// appendTokens appends the tokens of s (see Tokens) to dst.
func appendTokens(dst []string, s string) []string {
	n := Normalize(s)
	if dst == nil {
		dst = make([]string, 0, len(n)/6+1)
	}
	it := words.FromString(n)
	for it.Next() {
		if w := it.Value(); isWord(w) {
			dst = append(dst, w)
		}
	}
	return dst
}

// isWord reports whether a segment holds a letter or a digit.
func isWord(w string) bool {
	for _, r := range w {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}
