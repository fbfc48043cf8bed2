package arabic

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sentences splits text into sentences and returns the original text of
// each, trimmed. A sentence ends at a line break, or at . ! ? ؟ … (with any
// closing quotes or brackets that follow) when a space or the end of the
// text follows, so "العربية.نت" and web addresses stay whole. The Arabic comma and
// semicolon never end a sentence, nor does a point inside a number (3.5),
// after a single-letter abbreviation (د. or U.S.) or any decimal separator.
// Pieces without a letter or digit are dropped; invalid UTF-8 is removed.
func Sentences(text string) []string {
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "")
	}
	var out []string
	forEachSentence(text, func(start, end int) {
		out = append(out, text[start:end])
	})
	return out
}

// forEachSentence calls f with the byte span of each sentence of valid
// UTF-8 text, trimmed, skipping pieces without a letter or digit; see
// Sentences.
func forEachSentence(text string, f func(start, end int)) {
	emit := func(start, end int) {
		for start < end {
			r, size := utf8.DecodeRuneInString(text[start:end])
			if !isSpaceOrInvisible(r) {
				break
			}
			start += size
		}
		for end > start {
			r, size := utf8.DecodeLastRuneInString(text[start:end])
			if !isSpaceOrInvisible(r) {
				break
			}
			end -= size
		}
		if isWord(text[start:end]) {
			f(start, end)
		}
	}
	start := 0
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case isLineBreak(r):
			emit(start, i)
			i += size
			start = i
			continue
		case isTerminator(r):
			j := i + size
			for j < len(text) {
				r2, s2 := utf8.DecodeRuneInString(text[j:])
				if !isTerminator(r2) && !isCloser(r2) {
					break
				}
				j += s2
			}
			if endsSentence(text, i, j) {
				emit(start, j)
				start = j
			}
			i = j
			continue
		}
		i += size
	}
	emit(start, len(text))
}

// endsSentence decides whether the terminator run text[i:j] closes a
// sentence.
func endsSentence(text string, i, j int) bool {
	if text[i] == '.' && j == i+1 && isAbbreviation(text[:i]) {
		return false
	}
	if j == len(text) {
		return true
	}
	next, _ := utf8.DecodeRuneInString(text[j:])
	// No space, no break: "العربية.نت", "3.5", "www.bbc.com".
	return unicode.IsSpace(next) || isInvisible(next)
}

// isAbbreviation reports whether before ends with a one-letter word, as in
// "د." (doctor) or "U.S.", except the era letter after a year ("1770 م.").
func isAbbreviation(before string) bool {
	last, size := utf8.DecodeLastRuneInString(before)
	if size == 0 || !unicode.IsLetter(last) {
		return false
	}
	rest := before[:len(before)-size]
	prev, psize := utf8.DecodeLastRuneInString(rest)
	if psize != 0 && !unicode.IsSpace(prev) && !isPunct(prev) {
		return false
	}
	if last == 'م' || last == 'ه' {
		w := strings.TrimRightFunc(rest, unicode.IsSpace)
		if d, _ := utf8.DecodeLastRuneInString(w); unicode.IsDigit(d) {
			return false
		}
	}
	return true
}

func isPunct(r rune) bool { return unicode.IsPunct(r) || unicode.IsSymbol(r) }

func isLineBreak(r rune) bool {
	switch r {
	case '\n', '\r', '\v', '\f', 0x85, 0x2028, 0x2029:
		return true
	}
	return false
}

func isTerminator(r rune) bool {
	switch r {
	case '.', '!', '?', '؟', '…', '۔', '！', '？':
		return true
	}
	return false
}

func isCloser(r rune) bool {
	switch r {
	case '"', '\'', '”', '’', '»', '›', ')', ']', '}', '」':
		return true
	}
	return false
}

func isSpaceOrInvisible(r rune) bool { return unicode.IsSpace(r) || isInvisible(r) }
