package topic

import (
	"cmp"
	"slices"

	"github.com/ajel-news/ajel/arabic"
	"github.com/ajel-news/ajel/news"
)

// Thresholds of section classification. With the embedded model's
// calibration (see defaultTemper) 0.6 keeps predictions that are right
// about two times in three or better.
const (
	// MinSectionProb is the probability the model's top class needs.
	MinSectionProb = 0.6
	// MinSecondProb lets a close second class count too: an article on a
	// club's finances is both economy and sports.
	MinSecondProb = 0.3
)

// placeVotes is how much a mention weighs toward a place topic: the
// headline and the lead sentence say what the story is about, a later
// sentence may only mention a place in passing. A place needs
// placeNeeded votes: one mention in the headline or lead, or mentions in
// two sentences of the body.
const (
	titleVote   = 2
	leadVote    = 2
	bodyVote    = 1
	placeNeeded = 2
)

// Classifier assigns catalogue topics to articles: place topics from the
// catalogue's words (a gazetteer), section topics from the model and from
// section words in the headline. It is immutable and safe for concurrent
// use.
type Classifier struct {
	order        map[string]int // slug → catalogue position, for stable output
	placeIndex   *arabic.Index
	placeOf      map[string][]string // a word as placeIndex reports it → place slugs
	sectionIndex *arabic.Index
	sectOf       map[string][]string // a word as sectionIndex reports it → section slugs
	model        *Model
	// modelSlug maps a model class to the catalogue's section slug; a
	// class the catalogue lacks is missing, and never reported.
	modelSlug map[string]string
}

// NewClassifier builds a classifier for catalogue c with model m (nil for
// no model: sections then come only from headline words).
func NewClassifier(c *Catalogue, m *Model) *Classifier {
	cl := &Classifier{
		order:     make(map[string]int),
		placeOf:   make(map[string][]string),
		sectOf:    make(map[string][]string),
		model:     m,
		modelSlug: make(map[string]string),
	}
	var placeWords, sectionWords []string
	// An index reports a word under the first spelling it was given of
	// that KeywordForm; the slugs are filed under that spelling, so a match
	// needs no normalizing to find its topics.
	spelling := map[string]string{} // KeywordForm → first spelling
	for i, t := range c.All() {
		cl.order[t.Slug] = i
		words := append([]string{t.Name}, t.Words...)
		target, list := cl.placeOf, &placeWords
		if t.Kind == news.TopicSection {
			target, list = cl.sectOf, &sectionWords
		}
		for _, w := range words {
			k := arabic.KeywordForm(w)
			if k == "" {
				continue
			}
			first, ok := spelling[k+"\x00"+t.Kind]
			if !ok {
				first = w
				spelling[k+"\x00"+t.Kind] = w
			}
			if slices.Contains(target[first], t.Slug) {
				continue
			}
			target[first] = append(target[first], t.Slug)
			*list = append(*list, w)
		}
	}
	cl.placeIndex = arabic.NewIndex(placeWords)
	cl.sectionIndex = arabic.NewIndex(sectionWords)
	if m != nil {
		for _, class := range m.Classes() {
			if t, ok := c.BySlug(class); ok && t.Kind == news.TopicSection {
				cl.modelSlug[class] = class
			}
		}
	}
	return cl
}

// Topics returns the slugs of the catalogue topics an article concerns,
// in catalogue order (places, then sections, for the embedded one).
func (cl *Classifier) Topics(title, text string) []string {
	return cl.TopicsText(title, arabic.Analyze(text))
}

// TopicsText is Topics for an analysed text.
func (cl *Classifier) TopicsText(title string, text *arabic.Text) []string {
	titleToks := arabic.Tokens(title)
	found := append([]string{}, cl.places(titleToks, text)...)
	for _, s := range cl.sections(titleToks, text) {
		if !slices.Contains(found, s) {
			found = append(found, s)
		}
	}
	cl.sortTopics(found)
	return found
}

// Places returns the place topics an article concerns: those mentioned
// in the headline or the lead sentence, or in at least two sentences of
// the text, in catalogue order.
func (cl *Classifier) Places(title, text string) []string {
	return cl.places(arabic.Tokens(title), arabic.Analyze(text))
}

func (cl *Classifier) places(title []string, text *arabic.Text) []string {
	votes := make(map[string]int)
	// A slug is counted once per sentence, however many of its words the
	// sentence has.
	var seen []string
	countOnce := func(toks []string, weight int) {
		seen = seen[:0]
		for _, w := range cl.placeIndex.MatchTokens(toks) {
			for _, slug := range cl.placeOf[w] {
				if !slices.Contains(seen, slug) {
					seen = append(seen, slug)
					votes[slug] += weight
				}
			}
		}
	}
	countOnce(title, titleVote)
	for i, s := range text.Sentences {
		w := bodyVote
		if i == 0 {
			w = leadVote
		}
		countOnce(s.Tokens, w)
	}
	var out []string
	for slug, v := range votes {
		if v >= placeNeeded {
			out = append(out, slug)
		}
	}
	cl.sortTopics(out)
	return out
}

// Sections returns the section topics of an article: the model's top
// class when its probability reaches MinSectionProb (and a second class
// reaching MinSecondProb), plus sections whose words the headline
// mentions, in catalogue order.
func (cl *Classifier) Sections(title, text string) []string {
	return cl.sections(arabic.Tokens(title), arabic.Analyze(text))
}

func (cl *Classifier) sections(title []string, text *arabic.Text) []string {
	var out []string
	add := func(slug string) {
		if !slices.Contains(out, slug) {
			out = append(out, slug)
		}
	}
	for _, w := range cl.sectionIndex.MatchTokens(title) {
		for _, slug := range cl.sectOf[w] {
			add(slug)
		}
	}
	if cl.model != nil {
		probs := cl.model.Probabilities(TermsText(title, text))
		classes := cl.model.classes
		idx := make([]int, len(probs))
		for i := range idx {
			idx[i] = i
		}
		slices.SortFunc(idx, func(a, b int) int { return cmp.Compare(probs[b], probs[a]) })
		if probs[idx[0]] >= MinSectionProb {
			if s, ok := cl.modelSlug[classes[idx[0]]]; ok {
				add(s)
			}
			if len(idx) > 1 && probs[idx[1]] >= MinSecondProb {
				if s, ok := cl.modelSlug[classes[idx[1]]]; ok {
					add(s)
				}
			}
		}
	}
	cl.sortTopics(out)
	return out
}

// sortTopics puts slugs in catalogue order.
func (cl *Classifier) sortTopics(slugs []string) {
	slices.SortFunc(slugs, func(a, b string) int { return cmp.Compare(cl.order[a], cl.order[b]) })
}
