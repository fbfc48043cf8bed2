// Package topic holds the topic catalogue: the places and sections a reader
// can follow (سوريا، لبنان، اقتصاد…), each with the words that identify it in
// an article.
//
// The catalogue ships embedded (catalogue.json, places first, then
// sections); an operator may replace it with TOPICS_FILE, a JSON file of the
// same shape:
//
//	{"sources": ["صحيفة", "وكالة", "نيويورك تايمز"], "actors": ["الرئيس", "الجيش"],
//	 "topics": [
//	  {"slug": "syria", "name": "سوريا", "kind": "place", "emoji": "🇸🇾",
//	   "aliases": ["سورية"], "note": "why a word is left out",
//	   "words": ["سوريا", "دمشق", "حلب", "القنيطرة"],
//	   "marks": {"القنيطرة": {"with": ["@syria", "الجولان"], "without": ["@morocco"]}}},
//	  {"slug": "sports", "name": "رياضة", "kind": "section",
//	   "labels": ["sport", "رياضة"], "words": ["كرة القدم"], "hints": ["الملعب", "المدرب"]}, ...]}
//
// or, as older files are, the list of topics alone (the sources and
// actors are then the embedded catalogue's).
//
// slug, name, kind and words are news.Topic's fields. aliases (other names a
// reader may type, for Lookup only), note (a free comment for the people
// who edit the file), marks (see Mark), labels (a section's names in
// outlets' feeds and links), hints (a section's broad vocabulary, see
// Catalogue.Hints), sources and actors (see Catalogue.Sources and
// Catalogue.Actors) stay inside this package.
package topic

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/ajel-news/ajel/arabic"
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
	// Labels are, for a section, the names outlets file it under: a feed
	// item's <category> or a segment of its link's path (/sport/,
	// /ebusiness/). They are compared whole, in any case, Arabic letters
	// folded.
	Labels []string `json:"labels,omitempty"`
	// Marks are the topic's words that count only with a second signal,
	// by the word as it is written in Words (or Name).
	Marks map[string]Mark `json:"marks,omitempty"`
	// Hints are, for a section, its broad vocabulary: words that make it
	// likelier without deciding it (see Catalogue.Hints). A section
	// without the field takes the embedded catalogue's hints of its slug,
	// which the embedded model learnt; "hints": [] means none.
	Hints []string `json:"hints,omitempty"`
}

// file is the object form of a catalogue file.
type file struct {
	Sources []string `json:"sources"`
	Actors  []string `json:"actors"`
	Topics  []entry  `json:"topics"`
}

// Mark says when one word of a topic counts: a gazetteer word that is
// also a common word, a person's name or a place elsewhere needs a second
// signal. A mention that fails its mark is not a mention of the topic.
//
// A condition of With or Without is a word or phrase, matched in the
// headline and text like the topic's words, or "@slug": that topic found
// by its other words (or, for a place, the feed's country= option).
type Mark struct {
	// With: the word counts only when the article also has one of these
	// (القنيطرة is Syria's only with "@syria" or الجولان).
	With []string `json:"with,omitempty"`
	// Without: the word does not count when the article has one of these
	// (سيول is floods, not with كوريا or بورصة سيول).
	Without []string `json:"without,omitempty"`
	// NotIn are longer phrases, or forms of the word, in which it is
	// something else: the word does not count inside them (طبيب in الطبيب
	// الشرعي, قطر in بقطر 300 كيلومتر).
	NotIn []string `json:"not_in,omitempty"`
	// Article is "required" when the word counts only written with the
	// article ال (الخليل, بالخليل, never the name خليل), "never" when only
	// without it (حمص the city, not الحمص the chickpeas).
	Article string `json:"article,omitempty"`
	// Endings is "none" when the word counts only without endings (جدة
	// and بجدة, not جدته or جدية), "adjective" when only bare or as a
	// relational adjective (قطر, القطرية; not قطره, a drop).
	Endings string `json:"endings,omitempty"`
}

// The values of Mark.Article and Mark.Endings.
const (
	ArticleRequired  = "required"
	ArticleNever     = "never"
	EndingsNone      = "none"
	EndingsAdjective = "adjective"
)

// Catalogue is a validated, immutable list of topics. It is safe for
// concurrent use; the slices it returns are copies.
type Catalogue struct {
	topics []news.Topic
	bySlug map[string]int
	// byKey maps the lookup key (see lookupKey) of every slug, name and
	// alias to its topic.
	byKey map[string]int
	// marks holds each topic's marks, by slug, then by word's KeywordForm.
	marks map[string]map[string]Mark
	// labels maps a label's key (see labelKey) to its sections.
	labels map[string][]string
	// hints holds each section's hints, by slug.
	hints           map[string][]string
	sources, actors []string
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
// LoadFile and the embedded catalogue's sources and actors; handy for
// tests that need a small catalogue.
func New(topics []news.Topic) (*Catalogue, error) {
	f := embeddedWords()
	f.Topics = make([]entry, len(topics))
	for i, t := range topics {
		f.Topics[i] = entry{Topic: t}
	}
	return build(f, "catalogue")
}

// embeddedWords are the sources and actors of the embedded catalogue, for
// a file that lists topics alone.
func embeddedWords() file {
	var f file
	if err := json.Unmarshal(embeddedJSON, &f); err != nil {
		panic(fmt.Sprintf("topic: embedded catalogue.json: %v", err))
	}
	return file{Sources: f.Sources, Actors: f.Actors}
}

// embeddedHints are the hints of the embedded catalogue's sections, by
// slug, for a file whose sections give none. The embedded file is parsed
// once.
var embeddedHints = sync.OnceValue(func() map[string][]string {
	var f file
	if err := json.Unmarshal(embeddedJSON, &f); err != nil {
		panic(fmt.Sprintf("topic: embedded catalogue.json: %v", err))
	}
	out := map[string][]string{}
	for _, e := range f.Topics {
		if e.Kind == news.TopicSection {
			out[strings.TrimSpace(e.Slug)] = e.Hints
		}
	}
	return out
})

func parse(data []byte, name string) (*Catalogue, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, fmt.Errorf("topic: %s: the file is empty: expected a JSON array of topics", name)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields() // a misspelt "word" must not silently drop every word
	var f file
	var err error
	if trimmed[0] == '{' {
		err = dec.Decode(&f)
	} else {
		f = embeddedWords()
		err = dec.Decode(&f.Topics)
	}
	if err != nil {
		return nil, jsonError(name, data, dec.InputOffset(), err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		line, col := position(data, dec.InputOffset())
		what := "array"
		if trimmed[0] == '{' {
			what = "object"
		}
		return nil, fmt.Errorf("topic: %s: not valid catalogue JSON: unexpected data after the %s at line %d, column %d", name, what, line, col)
	}
	return build(f, name)
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
	return fmt.Errorf("topic: %s: not valid catalogue JSON at line %d, column %d: %s (expected an array of {\"slug\", \"name\", \"kind\", \"emoji\", \"words\"}, or {\"sources\": [...], \"topics\": that array})", name, line, col, msg)
}

func jsonKind(k string) string {
	switch k {
	case "slice":
		return "a list of strings"
	case "string":
		return "a string"
	case "struct", "map":
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

// build validates a catalogue file's topics and sources and indexes them.
func build(f file, name string) (*Catalogue, error) {
	entries := f.Topics
	if len(entries) == 0 {
		return nil, fmt.Errorf("topic: %s: no topics: expected a JSON array with at least one topic", name)
	}
	c := &Catalogue{
		topics: make([]news.Topic, 0, len(entries)),
		bySlug: make(map[string]int, len(entries)),
		byKey:  make(map[string]int, len(entries)*4),
		marks:  map[string]map[string]Mark{},
		labels: map[string][]string{},
		hints:  map[string][]string{},
	}
	var problems []string
	for _, list := range []struct {
		what  string
		words []string
		to    *[]string
	}{{"source", f.Sources, &c.sources}, {"actor", f.Actors, &c.actors}} {
		for i, s := range list.words {
			if s = strings.TrimSpace(s); arabic.KeywordForm(s) == "" {
				problems = append(problems, fmt.Sprintf("%s #%d %q has no word", list.what, i+1, s))
				continue
			}
			*list.to = append(*list.to, s)
		}
	}
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
	// Marks and labels name other topics: checked once every slug is known.
	for i, e := range entries {
		t := clean(e.Topic)
		where := fmt.Sprintf("topic #%d (%q)", i+1, t.Slug)
		problems = append(problems, c.addLabels(t, e.Labels, where)...)
		problems = append(problems, c.addMarks(t, e.Marks, where)...)
		problems = append(problems, c.addHints(t, e.Hints, where)...)
	}
	if len(problems) > 0 {
		if len(problems) > maxReported {
			problems = append(problems[:maxReported], fmt.Sprintf("and %d more", len(problems)-maxReported))
		}
		return nil, fmt.Errorf("topic: %s: %s", name, strings.Join(problems, "; "))
	}
	return c, nil
}

// addLabels records a section's labels.
func (c *Catalogue) addLabels(t news.Topic, labels []string, where string) []string {
	var p []string
	if len(labels) > 0 && t.Kind != news.TopicSection {
		return []string{where + ": labels are for sections: a place is found by its words"}
	}
	for j, l := range labels {
		k := labelKey(l)
		if k == "" {
			p = append(p, fmt.Sprintf("%s: label #%d has no letters", where, j+1))
			continue
		}
		if !slices.Contains(c.labels[k], t.Slug) {
			c.labels[k] = append(c.labels[k], t.Slug)
		}
	}
	return p
}

// addHints checks and records a section's hints; nil takes the embedded
// catalogue's for its slug.
func (c *Catalogue) addHints(t news.Topic, hints []string, where string) []string {
	if hints == nil {
		if t.Kind == news.TopicSection {
			c.hints[t.Slug] = embeddedHints()[t.Slug]
		}
		return nil
	}
	if len(hints) > 0 && t.Kind != news.TopicSection {
		return []string{where + ": hints are for sections: a place is found by its words"}
	}
	var p []string
	kept := []string{}
	for j, h := range hints {
		if h = strings.TrimSpace(h); arabic.KeywordForm(h) == "" {
			p = append(p, fmt.Sprintf("%s: hint #%d %q has no word", where, j+1, h))
			continue
		}
		kept = append(kept, h)
	}
	c.hints[t.Slug] = kept
	return p
}

// addMarks checks and records a topic's marks.
func (c *Catalogue) addMarks(t news.Topic, marks map[string]Mark, where string) []string {
	var p []string
	forms := map[string]bool{arabic.KeywordForm(t.Name): true}
	for _, w := range t.Words {
		forms[arabic.KeywordForm(w)] = true
	}
	words := slices.Sorted(maps.Keys(marks)) // problems in a stable order
	for _, w := range words {
		m := marks[w]
		k := arabic.KeywordForm(w)
		if k == "" || !forms[k] {
			p = append(p, fmt.Sprintf("%s: mark for %q, which is not one of its words", where, w))
			continue
		}
		if m.Article != "" && m.Article != ArticleRequired && m.Article != ArticleNever {
			p = append(p, fmt.Sprintf("%s: mark for %q: article %q: use \"required\" or \"never\"", where, w, m.Article))
		}
		if m.Endings != "" && m.Endings != EndingsNone && m.Endings != EndingsAdjective {
			p = append(p, fmt.Sprintf("%s: mark for %q: endings %q: use \"none\" or \"adjective\"", where, w, m.Endings))
		}
		for _, cond := range append(slices.Clone(m.With), m.Without...) {
			if slug, ok := strings.CutPrefix(strings.TrimSpace(cond), "@"); ok {
				if _, known := c.bySlug[slug]; !known {
					p = append(p, fmt.Sprintf("%s: mark for %q: %q names no topic of the catalogue", where, w, cond))
				}
				continue
			}
			if arabic.KeywordForm(cond) == "" {
				p = append(p, fmt.Sprintf("%s: mark for %q: condition %q has no word", where, w, cond))
			}
		}
		for _, phrase := range m.NotIn {
			if pk := arabic.KeywordForm(phrase); len(pk) <= len(k) {
				p = append(p, fmt.Sprintf("%s: mark for %q: not_in %q must be longer than the word: a phrase or a form of it", where, w, phrase))
			}
		}
		if c.marks[t.Slug] == nil {
			c.marks[t.Slug] = map[string]Mark{}
		}
		c.marks[t.Slug][k] = m
	}
	return p
}

// labelKey is the form labels are compared in: lower case, letters and
// digits folded (arabic.Normalize), "-", "_" and spaces as one space, an
// article dropped (الرياضة is رياضة).
func labelKey(s string) string {
	s = strings.NewReplacer("-", " ", "_", " ", "+", " ", "&", " ").Replace(strings.ToLower(s))
	return lookupKey(s)
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

// Sources are the words for who speaks in a story, as the catalogue lists
// them: newspapers, agencies, experts (صحيفة، وكالة، خبير) and outlets
// whose name holds a place (نيويورك تايمز). A place's adjective right
// after one («الإيكونوميست البريطانية») or a place inside one names who
// speaks, not where the story is.
func (c *Catalogue) Sources() []string { return slices.Clone(c.sources) }

// Actors are the words for a state acting, as the catalogue lists them:
// its president, government, army, ministries (الرئيس، الحكومة، الجيش).
// A place's adjective right after one («الرئيس الأمريكي», «وزارة الدفاع
// الإماراتية») names the place as an actor of the story, which in the
// lead counts as its name does.
func (c *Catalogue) Actors() []string { return slices.Clone(c.actors) }

// SectionsLabelled returns the sections an outlet's label means: a feed
// item's category or a segment of its link's path, compared whole (any
// case, Arabic letters folded, an article dropped), or a section's name or
// alias; nil when it names none.
func (c *Catalogue) SectionsLabelled(label string) []string {
	k := labelKey(label)
	if k == "" {
		return nil
	}
	if slugs := c.labels[k]; len(slugs) > 0 {
		return slices.Clone(slugs)
	}
	if i, ok := c.byKey[k]; ok && c.topics[i].Kind == news.TopicSection {
		return []string{c.topics[i].Slug}
	}
	return nil
}

// Hints are a section's broad vocabulary, as the catalogue lists them (see
// the file's "hints"): words that make the section likelier without
// deciding it, unlike its words in a headline. The model reads whether an
// article has one of them, or two, as one feature each, so it learns from
// the common ones how much the rare ones count; nil for a place.
func (c *Catalogue) Hints(slug string) []string { return slices.Clone(c.hints[slug]) }

// marksOf returns the marks of a topic by its words' KeywordForm.
func (c *Catalogue) marksOf(slug string) map[string]Mark { return c.marks[slug] }

// Place returns the place topic a slug or name means: how a feed's
// country= option is read. ok is false for anything else, sections
// included.
func (c *Catalogue) Place(text string) (news.Topic, bool) {
	t, ok := c.BySlug(strings.ToLower(strings.TrimSpace(text)))
	if !ok {
		t, ok = c.Lookup(text)
	}
	if !ok || t.Kind != news.TopicPlace {
		return news.Topic{}, false
	}
	return t, true
}

func copyTopic(t news.Topic) news.Topic {
	t.Words = slices.Clone(t.Words)
	return t
}
