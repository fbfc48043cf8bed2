package arabic

import (
	"strings"
	"unicode/utf8"
)

// Text is a text analysed once: its sentences, each with its word tokens
// in matching form and their light stems. A summary, the topics and the keyword matches of an
// article all read one Text instead of each tokenizing the article again.
// A Text is not changed after Analyze returns it.
type Text struct {
	// Source is the analysed text (valid UTF-8).
	Source    string
	Sentences []Sentence
	tokens    []string // every sentence's tokens, in order
	stems     []string // the light stem of each token
}

// Sentence is one sentence of a Text.
type Sentence struct {
	Text   string   // as written, trimmed (a slice of Source)
	Start  int      // byte offset of Text in Source
	Tokens []string // normalized word tokens, as Tokens gives them
	Stems  []string // Stem of each token
}

// Analyze splits text into sentences as Sentences does, tokenizes each as
// Tokens does and stems every token. Its tokens, in order, are those of Tokens(text), except
// that a sentence end always separates two words (Tokens joins "a.\u200db"
// once the invisible joiner is gone).
func Analyze(text string) *Text {
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "")
	}
	t := &Text{Source: text, tokens: make([]string, 0, len(text)/8+1)}
	var ends []int // where each sentence's tokens end in t.tokens
	forEachSentence(text, func(start, end int) {
		t.tokens = appendTokens(t.tokens, text[start:end])
		t.Sentences = append(t.Sentences, Sentence{Text: text[start:end], Start: start})
		ends = append(ends, len(t.tokens))
	})
	t.stems = make([]string, len(t.tokens))
	for i, tok := range t.tokens {
		t.stems[i] = Stem(tok)
	}
	from := 0
	for i, end := range ends {
		t.Sentences[i].Tokens = t.tokens[from:end:end]
		t.Sentences[i].Stems = t.stems[from:end:end]
		from = end
	}
	return t
}

// Tokens returns every token of the text, in order. The caller must not
// change the slice.
func (t *Text) Tokens() []string { return t.tokens }

// Stems returns the light stem of each token (see Stem), in the order of
// Tokens. The caller must not change the slice.
func (t *Text) Stems() []string { return t.stems }
