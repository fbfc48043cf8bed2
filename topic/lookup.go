package topic

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ajel-news/ajel/arabic"
)

// lookupKey is the form names are compared in. It is deliberately small
// and private: it serves Lookup of a few dozen names, while article
// matching uses package arabic.
//
// Letters and digits are kept, everything else (emoji, punctuation,
// diacritics, hyphens) separates words; letters are folded (see foldRune)
// and an article ال is dropped from any word that keeps two letters.
func lookupKey(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\u0640': // tatweel stretches a word; it is not a letter
		case unicode.Is(unicode.Mn, r), unicode.Is(unicode.Cf, r):
			// Diacritics, shadda, variation selectors and direction marks
			// vanish without splitting the word.
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(foldRune(r))
		default:
			b.WriteByte(' ')
		}
	}
	words := strings.Fields(b.String())
	for i, w := range words {
		if strings.HasPrefix(w, "ال") && utf8.RuneCountInString(w) >= 4 {
			words[i] = w[len("ال"):]
		}
	}
	return strings.Join(words, " ")
}

// foldRune maps letters that readers write interchangeably to one form:
// arabic.FoldRune, and for names also the hamza seats, which readers often
// leave out ("الجزاير", "مسؤول/مسوول").
func foldRune(r rune) rune {
	switch r {
	case 'ئ':
		return 'ي'
	case 'ؤ':
		return 'و'
	}
	return arabic.FoldRune(r)
}
