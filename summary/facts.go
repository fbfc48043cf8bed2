package summary

import (
	"strings"
	"unicode/utf8"

	"github.com/ajel-news/ajel/arabic"
	"github.com/ajel-news/ajel/internal/clean"
	"github.com/ajel-news/ajel/internal/textcut"
)

// MaxFacts is how many new sentences one update carries at most, and
// maxFactChars how long each may be.
const (
	MaxFacts     = 2
	maxFactChars = 300
)

// NewFacts returns the sentences of an outlet's telling (text, its
// title aside) that carry facts known does not: a number known lacks (a
// new toll, an amount, a date), or a sentence most of whose words, by
// their stems, known never used (a statement, a new place) — not the
// same facts in other words. At most MaxFacts, in the text's order;
// boilerplate sentences are never facts.
func NewFacts(known, text string) []string {
	k := arabic.Analyze(known)
	seen := make(map[string]bool, len(k.Stems()))
	for _, s := range k.Stems() {
		seen[s] = true
	}
	for _, t := range k.Tokens() {
		seen[t] = true
	}
	var out []string
	for _, s := range arabic.Analyze(text).Sentences {
		if len(out) == MaxFacts {
			break
		}
		if clean.IsBoilerplateSentence(s.Text, s.Tokens) || !isNews(s, seen) {
			continue
		}
		fact := textcut.Words(strings.TrimSpace(s.Text), maxFactChars)
		out = append(out, fact)
		// A later sentence saying the same again is no second fact.
		for i, st := range s.Stems {
			seen[st], seen[s.Tokens[i]] = true, true
		}
	}
	return out
}

// isNews reports whether a sentence says something seen does not: a
// number it lacks, or at least four content words, three fifths of its
// content words, that it never used.
func isNews(s arabic.Sentence, seen map[string]bool) bool {
	content, unseen := 0, 0
	for i, tok := range s.Tokens {
		if tok != "" && isNumber(tok) {
			if !seen[tok] {
				return true
			}
			continue
		}
		if arabic.IsStopWord(tok) || utf8.RuneCountInString(tok) < 3 {
			continue
		}
		content++
		if !seen[s.Stems[i]] && !seen[tok] {
			unseen++
		}
	}
	return unseen >= 4 && unseen*5 >= content*3
}
