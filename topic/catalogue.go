// Package topic holds the topic catalogue: the places and sections a reader
// can follow (سوريا، لبنان، اقتصاد…), each with the words that identify it in
// an article.
//
// The catalogue ships embedded (catalogue.json, places first, then
// sections); an operator may replace it with TOPICS_FILE, a JSON file of the
// same shape:
//
//	[{"slug": "syria", "name": "سوريا", "kind": "place", "emoji": "🇸🇾",
//	  "aliases": ["سورية"], "note": "why a word is left out",
//	  "words": ["سوريا", "دمشق", "حلب"]}, ...]
//
// slug, name, kind and words are news.Topic's fields. aliases (other names a
// reader may type, for Lookup only) and note (a free comment for the people
// who edit the file) stay inside this package.
package topic

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/ajel-news/ajel/news"
)

//go:embed catalogue.json
var embeddedJSON []byte

// MaxSlugLen keeps a slug short enough for Telegram's 64-byte callback data
// with a command prefix ("sub:", "unsub:") and room to spare.
const MaxSlugLen = 32

// maxReported caps how many problems one error lists.
const maxReported = 10

// entry is one topic as written in a catalogue file.
type entry struct {
	news.Topic
	// Aliases are other names a reader may type (سورية for سوريا); Lookup
	// only, never used to classify articles.
	Aliases []string `json:"aliases,omitempty"`
	// Note is a comment for editors of the file; ignored.
	Note string `json:"note,omitempty"`
}

// Catalogue is a validated, immutable list of topics. It is safe for
// concurrent use; the slices it returns are copies.
type Catalogue struct {
	topics []news.Topic
	bySlug map[string]int
	// byKey maps the lookup key (see lookupKey) of every slug, name and
	// alias to its topic.
	byKey map[string]int
}

// Embedded returns the catalogue built into the binary. Each call parses
// it afresh, so call it once and share the result. It panics only if the
// embedded file is broken, which the package's tests rule out.
func Embedded() *Catalogue {
	c, err := parse(embeddedJSON, "embedded catalogue.json")
	if err != nil {
		panic(err)
	}
	return c
}

// LoadFile reads a catalogue file (TOPICS_FILE), which replaces the
// embedded catalogue entirely. Errors name the file and, for an invalid
// topic, its position (#1 is the first) and slug.
func LoadFile(path string) (*Catalogue, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("topic: reading catalogue: %w", err)
	}
	return parse(data, path)
}

// Load returns the catalogue in path, or the embedded one when path is
// empty, which is what TOPICS_FILE means.
func Load(path string) (*Catalogue, error) {
	if path == "" {
		return Embedded(), nil
	}
	return LoadFile(path)
}

// New builds a catalogue from topics, with the same validation as
// LoadFile; handy for tests that need a small catalogue.
func New(topics []news.Topic) (*Catalogue, error) {
	entries := make([]entry, len(topics))
	for i, t := range topics {
		entries[i] = entry{Topic: t}
	}
	return build(entries, "catalogue")
}

func parse(data []byte, name string) (*Catalogue, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("topic: %s: the file is empty: expected a JSON array of topics", name)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields() // a misspelt "word" must not silently drop every word
	var entries []entry
	if err := dec.Decode(&entries); err != nil {
		return nil, jsonError(name, data, dec.InputOffset(), err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		line, col := position(data, dec.InputOffset())
		return nil, fmt.Errorf("topic: %s: not valid catalogue JSON: unexpected data after the array at line %d, column %d", name, line, col)
	}
	return build(entries, name)
}

// jsonError turns a decoding error into one line with a position.
func jsonError(name string, data []byte, offset int64, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		offset = syn.Offset - 1 // Offset counts the offending byte
	case errors.As(err, &typ):
		offset = typ.Offset
	}
	line, col := position(data, offset)
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if typ != nil {
		field := typ.Field[strings.LastIndexByte(typ.Field, '.')+1:] // "Topic.words" → "words"
		msg = fmt.Sprintf("%q must be %s, not a JSON %s", field, jsonKind(typ.Type.Kind().String()), typ.Value)
	}
	return fmt.Errorf("topic: %s: not valid catalogue JSON at line %d, column %d: %s (expected an array of {\"slug\", \"name\", \"kind\", \"emoji\", \"words\"})", name, line, col, msg)
}

func jsonKind(k string) string {
	switch k {
	case "slice":
		return "a list of strings"
	case "string":
		return "a string"
	case "struct":
		return "an object"
	}
	return k
}

// position converts a byte offset to a 1-based line and column.
func position(data []byte, offset int64) (line, col int) {
	offset = max(0, min(offset, int64(len(data))))
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(offset) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}

// build validates entries and indexes them.
func build(entries []entry, name string) (*Catalogue, error) {
	if len(entries) == 0 {
		return nil, fmt.Errorf("topic: %s: no topics: expected a JSON array with at least one topic", name)
	}
	c := &Catalogue{
		topics: make([]news.Topic, 0, len(entries)),
		bySlug: make(map[string]int, len(entries)),
		byKey:  make(map[string]int, len(entries)*4),
	}
	var problems []string
	for i, e := range entries {
		t := clean(e.Topic)
		where := fmt.Sprintf("topic #%d (%q)", i+1, t.Slug)
		if t.Slug == "" {
			where = fmt.Sprintf("topic #%d", i+1)
		}
		problems = append(problems, check(t, where)...)
		if j, dup := c.bySlug[t.Slug]; dup && t.Slug != "" {
			problems = append(problems, fmt.Sprintf("%s: duplicate slug, already used by topic #%d", where, j+1))
		}
		if _, dup := c.bySlug[t.Slug]; !dup {
			c.bySlug[t.Slug] = i
		}
		names := append([]string{t.Slug, t.Name}, e.Aliases...)
		for _, n := range names {
			k := lookupKey(n)
			if k == "" {
				if n != t.Slug && n != t.Name {
					problems = append(problems, fmt.Sprintf("%s: alias %q has no letters", where, n))
				}
				continue
			}
			if j, taken := c.byKey[k]; taken && j != i {
				problems = append(problems, fmt.Sprintf("%s: name or alias %q is already a name of topic #%d (%q); a typed name must lead to one topic", where, n, j+1, entries[j].Slug))
				continue
			}
			c.byKey[k] = i
		}
		c.topics = append(c.topics, t)
	}
	if len(problems) > 0 {
		if len(problems) > maxReported {
			problems = append(problems[:maxReported], fmt.Sprintf("and %d more", len(problems)-maxReported))
		}
		return nil, fmt.Errorf("topic: %s: %s", name, strings.Join(problems, "; "))
	}
	return c, nil
}

// clean trims the fields an editor may have padded.
func clean(t news.Topic) news.Topic {
	t.Slug = strings.TrimSpace(t.Slug)
	t.Name = strings.TrimSpace(t.Name)
	t.Kind = strings.TrimSpace(t.Kind)
	t.Emoji = strings.TrimSpace(t.Emoji)
	words := make([]string, len(t.Words))
	for i, w := range t.Words {
		words[i] = strings.TrimSpace(w)
	}
	t.Words = words
	return t
}

// check returns what is wrong with one topic.
func check(t news.Topic, where string) []string {
	var p []string
	if !ValidSlug(t.Slug) {
		p = append(p, fmt.Sprintf("%s: bad slug %q: use 1 to %d characters of a-z, 0-9 and single hyphens inside, such as \"saudi-arabia\"", where, t.Slug, MaxSlugLen))
	}
	if t.Name == "" {
		p = append(p, where+": empty name: give the Arabic name readers see")
	}
	if t.Kind != news.TopicPlace && t.Kind != news.TopicSection {
		p = append(p, fmt.Sprintf("%s: unknown kind %q: use \"place\" or \"section\"", where, t.Kind))
	}
	if len(t.Words) == 0 {
		p = append(p, where+": no words: list the words and phrases that identify it in an article")
	}
	for j, w := range t.Words {
		if w == "" {
			p = append(p, fmt.Sprintf("%s: word #%d is empty", where, j+1))
		}
	}
	return p
}

// ValidSlug reports whether s is a usable slug: 1 to MaxSlugLen bytes of
// a-z and 0-9, with single hyphens between them.
func ValidSlug(s string) bool {
	if s == "" || len(s) > MaxSlugLen || s[0] == '-' || s[len(s)-1] == '-' || strings.Contains(s, "--") {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !(b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '-') {
			return false
		}
	}
	return true
}

// Len returns the number of topics.
func (c *Catalogue) Len() int { return len(c.topics) }

// All returns every topic in catalogue order (the embedded catalogue lists
// places, then sections; a file keeps its own order).
func (c *Catalogue) All() []news.Topic { return c.filter("") }

// Places returns the topics of kind "place", in catalogue order.
func (c *Catalogue) Places() []news.Topic { return c.filter(news.TopicPlace) }

// Sections returns the topics of kind "section", in catalogue order.
func (c *Catalogue) Sections() []news.Topic { return c.filter(news.TopicSection) }

func (c *Catalogue) filter(kind string) []news.Topic {
	out := make([]news.Topic, 0, len(c.topics))
	for _, t := range c.topics {
		if kind == "" || t.Kind == kind {
			out = append(out, copyTopic(t))
		}
	}
	return out
}

// BySlug returns the topic with exactly this slug.
func (c *Catalogue) BySlug(slug string) (news.Topic, bool) {
	i, ok := c.bySlug[slug]
	if !ok {
		return news.Topic{}, false
	}
	return copyTopic(c.topics[i]), true
}

// Lookup finds the topic a reader means by text: its slug (any case;
// spaces or _ for hyphens), its Arabic name or one of its aliases. It
// tolerates surrounding spaces, an emoji or punctuation around the name (a
// keyboard button's text), diacritics and tatweel, hamza forms (أ إ آ ؤ ئ),
// ى for ي, ه for ة, Persian ک/ی, and the article ال on any word (الاقتصاد
// and اقتصاد are one). It never matches a topic's Words: a word such as
// إدلب is a keyword subscription, not a topic.
func (c *Catalogue) Lookup(text string) (news.Topic, bool) {
	k := lookupKey(text)
	if k == "" {
		return news.Topic{}, false
	}
	i, ok := c.byKey[k]
	if !ok {
		return news.Topic{}, false
	}
	return copyTopic(c.topics[i]), true
}

func copyTopic(t news.Topic) news.Topic {
	t.Words = slices.Clone(t.Words)
	return t
}
