// Package textcut shortens text the way Telegram measures it: in UTF-16
// code units, which is what its 4096-character message limit counts, never
// fewer than the characters. Titles, summaries, labels and error lines are
// all cut here, so one string is never measured two ways.
package textcut

import (
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Len16 counts s in UTF-16 code units, as Telegram does.
func Len16(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// Words cuts s to at most n UTF-16 units including the "…" that marks the
// cut, at a word boundary when there is one in the last third; a string
// within n comes back unchanged. It never splits a combining sequence from
// its base, and drops the spaces and punctuation the cut leaves at the end.
func Words(s string, n int) string {
	if Len16(s) <= n {
		return s
	}
	if n <= 1 {
		return "…"
	}
	limit := n - 1
	cut, used := 0, 0
	for i, r := range s {
		w := utf16.RuneLen(r)
		if used+w > limit {
			break
		}
		used += w
		cut = i + utf8.RuneLen(r)
	}
	kept := s[:cut]
	if sp := strings.LastIndexFunc(kept, unicode.IsSpace); sp > 0 && Len16(kept[:sp]) >= limit*2/3 {
		kept = kept[:sp]
	} else if cut < len(s) {
		// Cutting mid-word: do not split a combining sequence from its base.
		for kept != "" {
			r, size := utf8.DecodeLastRuneInString(kept)
			if !unicode.Is(unicode.Mn, r) && r != 0x200D {
				break
			}
			kept = kept[:len(kept)-size]
		}
	}
	kept = strings.TrimRightFunc(kept, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r) && r != ')' && r != '»' && r != '"'
	})
	return kept + "…"
}

// Line is s on one short line, for a log, a status or an admin's view of
// an error: runs of white space (line breaks too) become one space, and
// the result is cut to at most n UTF-16 units.
func Line(s string, n int) string {
	return Words(strings.Join(strings.Fields(s), " "), n)
}
