// Package arabic holds the Arabic text processing Ajel needs to match and
// summarize news: normalization to a matching form, word tokens, sentence
// splitting, stop words, a Lucene-compatible light stemmer and a keyword
// index that understands clitics and relational adjectives.
//
// Everything here is pure and safe for concurrent use; invalid UTF-8 is
// tolerated everywhere.
package arabic

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Normalize returns the matching form of s: NFKC (which folds presentation
// forms and ligatures), then diacritics, the superscript alef, tatweel and
// zero-width/bidi controls removed, أ إ آ ٱ → ا, ى → ي, ة → ه, Persian ی ک →
// ي ك, Arabic-Indic and Persian digits → ASCII, and letters lower-cased.
// Invalid UTF-8 bytes become spaces so that they separate words.
func Normalize(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, " ")
	}
	s = norm.NFKC.String(s)
	// Most text needs some folding, but skipping the builder when none is
	// needed keeps already-normalized tokens allocation free.
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if fold(r) != r {
			break
		}
		i += size
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for _, r := range s[i:] {
		if f := fold(r); f >= 0 {
			b.WriteRune(f)
		}
	}
	return b.String()
}

// fold maps one rune to its matching form, or -1 to drop it.
func fold(r rune) rune {
	if r < 0x80 {
		if 'A' <= r && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	}
	switch {
	case isDiacritic(r), r == 0x0640, isInvisible(r):
		return -1
	}
	switch r {
	case 'أ', 'إ', 'آ', 'ٱ', 0x0672, 0x0673:
		return 'ا'
	case 'ى', 'ی', 0x06D2: // alef maqsura, Persian yeh, yeh barree
		return 'ي'
	case 'ة':
		return 'ه'
	case 'ک':
		return 'ك'
	}
	if '٠' <= r && r <= '٩' {
		return '0' + r - '٠'
	}
	if '۰' <= r && r <= '۹' {
		return '0' + r - '۰'
	}
	if r < 0x0700 && r >= 0x0600 { // the Arabic block has no case
		return r
	}
	if unicode.IsUpper(r) {
		return unicode.ToLower(r)
	}
	return r
}

// isDiacritic reports Arabic combining marks: harakat, tanween, shadda,
// sukun, the superscript alef and Quranic annotation marks.
func isDiacritic(r rune) bool {
	switch {
	case 0x0610 <= r && r <= 0x061A,
		0x064B <= r && r <= 0x065F,
		r == 0x0670,
		0x06D6 <= r && r <= 0x06DC,
		0x06DF <= r && r <= 0x06E4,
		0x06E7 <= r && r <= 0x06E8,
		0x06EA <= r && r <= 0x06ED,
		0x08D3 <= r && r <= 0x08FF:
		return true
	}
	return false
}

// isInvisible reports zero-width, joiner and bidi control characters that
// copy-pasted news text carries and that must not split or alter words.
func isInvisible(r rune) bool {
	switch {
	case 0x200B <= r && r <= 0x200F,
		0x202A <= r && r <= 0x202E,
		0x2060 <= r && r <= 0x2064,
		0x2066 <= r && r <= 0x2069,
		r == 0xFEFF, r == 0x061C, r == 0x00AD, r == 0x180E:
		return true
	}
	return false
}
