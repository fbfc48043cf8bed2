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
	"sync"
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
	stable, valid := scan(s)
	if !valid {
		s = strings.ToValidUTF8(s, " ")
		stable, _ = scan(s)
	}
	if !stable {
		s = norm.NFKC.String(s)
	}
	// Unchanged runs are copied whole, and text that needs no folding at
	// all (already-normalized tokens) is returned without allocating.
	var b strings.Builder
	run := 0 // start of the run of bytes not yet copied
	for i, r := range s {
		if f := fold(r); f != r {
			if b.Cap() == 0 {
				b.Grow(len(s))
			}
			b.WriteString(s[run:i])
			if f >= 0 {
				b.WriteRune(f)
			}
			run = i + utf8.RuneLen(r)
		}
	}
	if run == 0 {
		return s
	}
	b.WriteString(s[run:])
	return b.String()
}

// scan reports in one pass whether s is valid UTF-8 and whether NFKC would
// leave it as Normalize wants it because every rune in it is inert: NFKC
// leaves it as it is (a precomposed letter such as إ is decomposed and
// composed again), it is not a combining mark (but for the vowel marks
// Normalize drops anyway) and it never composes with the rune before it.
// Most news text is stable (Arabic letters, digits, punctuation), and this
// costs a fraction of the norm package's own check; any other rune sends
// the whole string through NFKC.
func scan(s string) (stable, valid bool) {
	inert := inertRunes()
	stable = true
	for i, r := range s {
		switch {
		case r < utf8.RuneSelf:
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			return false, false
		case r > 0xFFFF || inert[r>>6]&(1<<(r&63)) == 0:
			stable = false
		}
	}
	return stable, true
}

// FoldRune is the one letter folding: it maps a rune to its matching form
// (the one Normalize writes), or -1 when the matching form drops it
// (diacritics, tatweel, invisible controls). Code that compares Arabic
// text by its letters folds with it.
func FoldRune(r rune) rune { return fold(r) }

// fold maps one rune to its matching form, or -1 to drop it.
func fold(r rune) rune {
	if r < 0x80 {
		if 'A' <= r && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	}
	if 'ء' <= r && r <= 'ي' { // the Arabic letters, most of any text
		switch r {
		case 'أ', 'إ', 'آ':
			return 'ا'
		case 'ى':
			return 'ي'
		case 'ة':
			return 'ه'
		case 0x0640: // tatweel
			return -1
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

// IsInvisible reports the characters the matching form drops because
// they show nothing — Unicode's Default_Ignorable_Code_Point: zero-width
// characters and joiners, bidi controls, the soft hyphen, variation
// selectors (U+FE0F after a letter), the combining grapheme joiner
// (U+034F), Hangul fillers (U+3164, which Unicode counts as a letter),
// Mongolian and Khmer invisibles, tags. Copy-pasted text carries them,
// and a word with one inside looks the same and must match the same:
// code that shows a reader the word it matches strips these.
func IsInvisible(r rune) bool { return isInvisible(r) }

func isInvisible(r rune) bool {
	switch {
	case r < 0x00AD:
		return false
	case r == 0x00AD, r == 0x034F, r == 0x061C,
		0x115F <= r && r <= 0x1160,
		0x17B4 <= r && r <= 0x17B5,
		0x180B <= r && r <= 0x180F,
		0x200B <= r && r <= 0x200F,
		0x202A <= r && r <= 0x202E,
		0x2060 <= r && r <= 0x206F,
		r == 0x3164,
		0xFE00 <= r && r <= 0xFE0F,
		r == 0xFEFF, r == 0xFFA0,
		0xFFF0 <= r && r <= 0xFFF8,
		0x1BCA0 <= r && r <= 0x1BCA3,
		0x1D173 <= r && r <= 0x1D17A,
		0xE0000 <= r && r <= 0xE0FFF:
		return true
	}
	return false
}

// inertRunes is a bit set over the Basic Multilingual Plane of the runes
// NFKC never changes whatever their neighbours (see scan), computed
// from the norm tables on first use.
var inertRunes = sync.OnceValue(func() *[1 << 16 / 64]uint64 {
	var set [1 << 16 / 64]uint64
	var buf [utf8.UTFMax]byte
	for r := rune(0x80); r <= 0xFFFF; r++ {
		if 0xD800 <= r && r <= 0xDFFF {
			continue // surrogates are not runes
		}
		n := utf8.EncodeRune(buf[:], r)
		p := norm.NFKC.Properties(buf[:n])
		if p.BoundaryBefore() && p.CCC() == 0 && norm.NFKC.IsNormal(buf[:n]) {
			set[r>>6] |= 1 << (r & 63)
		}
	}
	// The harakat, tanween, shadda, sukun and the superscript alef are
	// combining marks, but no rune composes with them and Normalize drops
	// them whatever order NFKC would put them in: text that is only
	// vocalized (أيضاً، مُدّة) need not go through NFKC. The hamza and madda
	// marks (U+0653–U+0655) do compose and are not in the set.
	for r := rune(0x064B); r <= 0x0652; r++ {
		set[r>>6] |= 1 << (r & 63)
	}
	set[0x0670>>6] |= 1 << (0x0670 & 63)
	return &set
})
