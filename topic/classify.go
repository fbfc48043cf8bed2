package topic

import (
	"cmp"
	"net/url"
	"slices"
	"strings"

	"github.com/ajel-news/ajel/arabic"
	"github.com/ajel-news/ajel/news"
)

// placeVotes is how much a mention weighs toward a place topic: the
// headline and the lead sentence say what the story is about, a later
// sentence may only mention a place in passing, and a place's adjective
// in the lead that does not follow an actor («الكاتب الأمريكي», «الحرب
// الأمريكية على…») often names someone's nationality rather than the
// story's place. A place needs placeNeeded votes: a mention in the
// headline, its name (or its adjective after an actor, «الرئيس الأمريكي»)
// in the lead, or mentions in two sentences. The feed's own country needs
// one mention anywhere.
const (
	titleVote       = 2
	leadVote        = 2
	nationalityVote = 1
	bodyVote        = 1
	placeNeeded     = 2
)

// nounGap is how many words may stand between a source (صحيفة، وكالة
// تسنيم) or an actor and the place adjective that says its nationality
// («صحيفة لا ليبر البلجيكية», «الحرس المدني الإسباني»).
const nounGap = 2

// Item is what the classifier reads of an article: its headline and text,
// and what its outlet says of it.
type Item struct {
	Title string
	Text  *arabic.Text
	// URL is the article's link: a section in its path (/sport/) files it.
	URL string
	// Categories are the item's own categories in its feed.
	Categories []string
	// Country is the feed's country= option, a place slug ("" for none):
	// an item that names no place is about it, and a word spelt like a
	// place of another country is read as this one's.
	Country string
}

// wordRef is one topic a matched word leads to, with the word's mark.
type wordRef struct {
	slug string
	mark *Mark
}

// Classifier assigns catalogue topics to articles: place topics from the
// catalogue's words (a gazetteer with marks), section topics from what the
// outlet says (its category, its link's path), the model and section
// words in the headline. It is immutable and safe for concurrent use.
type Classifier struct {
	cat        *Catalogue
	order      map[string]int // slug → catalogue position, for stable output
	isPlace    map[string]bool
	placeIndex *arabic.Index
	placeOf    map[string][]wordRef // a word as placeIndex reports it → topics
	sectIndex  *arabic.Index
	sectOf     map[string][]wordRef
	// vocabIndex finds the sections' vocabulary (name, words and hints)
	// for the model's features; vocabOf maps a word as it reports it to
	// its sections.
	vocabIndex   *arabic.Index
	vocabOf      map[string][]int // indexes in sectionSlugs
	sectionSlugs []string         // the catalogue's section slugs, in its order
	// contextIndex finds the words marks ask for (With, Without) and the
	// phrases they rule out (NotIn); sourceIndex finds the catalogue's
	// sources.
	contextIndex *arabic.Index
	sourceIndex  *arabic.Index
	actorIndex   *arabic.Index
	model        *Model
	// modelSlug maps a model class to the catalogue's section slug; a
	// class the catalogue lacks is missing, and never reported.
	modelSlug map[string]string
}

// NewClassifier builds a classifier for catalogue c with model m (nil for
// no model: sections then come from the outlet's labels and headline
// words only).
func NewClassifier(c *Catalogue, m *Model) *Classifier {
	cl := &Classifier{
		cat:       c,
		order:     make(map[string]int),
		isPlace:   make(map[string]bool),
		placeOf:   make(map[string][]wordRef),
		sectOf:    make(map[string][]wordRef),
		vocabOf:   make(map[string][]int),
		model:     m,
		modelSlug: make(map[string]string),
	}
	var placeWords, sectionWords, contextWords []string
	// An index reports a word under the first spelling it was given of
	// that KeywordForm; the topics are filed under that spelling, so a
	// match needs no normalizing to find them.
	spelling := map[string]string{} // kind, KeywordForm → first spelling
	for i, t := range c.All() {
		cl.order[t.Slug] = i
		cl.isPlace[t.Slug] = t.Kind == news.TopicPlace
		marks := c.marksOf(t.Slug)
		target, list := cl.placeOf, &placeWords
		if t.Kind == news.TopicSection {
			target, list = cl.sectOf, &sectionWords
		}
		for _, w := range append([]string{t.Name}, t.Words...) {
			k := arabic.KeywordForm(w)
			if k == "" {
				continue
			}
			first, ok := spelling[t.Kind+"\x00"+k]
			if !ok {
				first = w
				spelling[t.Kind+"\x00"+k] = w
				*list = append(*list, w)
			}
			if slices.ContainsFunc(target[first], func(r wordRef) bool { return r.slug == t.Slug }) {
				continue
			}
			ref := wordRef{slug: t.Slug}
			if m, ok := marks[k]; ok {
				ref.mark = &m
				for _, cond := range append(append(slices.Clone(m.With), m.Without...), m.NotIn...) {
					if !strings.HasPrefix(strings.TrimSpace(cond), "@") {
						contextWords = append(contextWords, cond)
					}
				}
			}
			target[first] = append(target[first], ref)
		}
	}
	var vocab []string
	for _, t := range c.Sections() {
		cl.sectionSlugs = append(cl.sectionSlugs, t.Slug)
		for _, w := range append(append([]string{t.Name}, t.Words...), c.hints[t.Slug]...) {
			k := arabic.KeywordForm(w)
			if k == "" {
				continue
			}
			first, ok := spelling["vocabulary\x00"+k]
			if !ok {
				first = w
				spelling["vocabulary\x00"+k] = w
				vocab = append(vocab, w)
			}
			if sec := len(cl.sectionSlugs) - 1; !slices.Contains(cl.vocabOf[first], sec) {
				cl.vocabOf[first] = append(cl.vocabOf[first], sec)
			}
		}
	}
	cl.vocabIndex = arabic.NewIndex(vocab)
	cl.placeIndex = arabic.NewIndex(placeWords)
	cl.sectIndex = arabic.NewIndex(sectionWords)
	cl.contextIndex = arabic.NewIndex(contextWords)
	cl.sourceIndex = arabic.NewIndex(c.Sources())
	cl.actorIndex = arabic.NewIndex(c.Actors())
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
	return cl.Classify(Item{Title: title, Text: arabic.Analyze(text)})
}

// TopicsText is Topics for an analysed text.
func (cl *Classifier) TopicsText(title string, text *arabic.Text) []string {
	return cl.Classify(Item{Title: title, Text: text})
}

// Classify returns the slugs of the catalogue topics an item concerns, in
// catalogue order.
func (cl *Classifier) Classify(it Item) []string {
	if it.Text == nil {
		it.Text = arabic.Analyze("")
	}
	r := cl.read(it)
	found := cl.places(r, it.Country)
	for _, s := range cl.sections(r, it) {
		if !slices.Contains(found, s) {
			found = append(found, s)
		}
	}
	cl.sortTopics(found)
	return found
}

// Places returns the place topics an article concerns (see Classify), in
// catalogue order.
func (cl *Classifier) Places(title, text string) []string {
	it := Item{Title: title, Text: arabic.Analyze(text)}
	return cl.places(cl.read(it), "")
}

// Sections returns the section topics of an article (see Classify), in
// catalogue order.
func (cl *Classifier) Sections(title, text string) []string {
	it := Item{Title: title, Text: arabic.Analyze(text)}
	return cl.sections(cl.read(it), it)
}

// reading is an item's headline and sentences as token lists (the
// headline first). The words marks ask for are looked for only when a
// marked word is met, and once.
type reading struct {
	lists [][]string
	title []string
	text  *arabic.Text
	index *arabic.Index // the context words of the catalogue's marks
	// contextSpans are each list's context matches, nil until needed.
	contextSpans [][]arabic.Span
	// context holds the KeywordForm of every context word found anywhere,
	// nil until needed.
	context map[string]bool
}

func (cl *Classifier) read(it Item) *reading {
	r := &reading{title: arabic.Tokens(it.Title), text: it.Text, index: cl.contextIndex}
	r.lists = append(r.lists, r.title)
	for _, s := range it.Text.Sentences {
		r.lists = append(r.lists, s.Tokens)
	}
	r.contextSpans = make([][]arabic.Span, len(r.lists))
	return r
}

// scanned are the lists mentions are looked for in: all of them, or the
// headline alone.
func (r *reading) scanned(headlineOnly bool) [][]string {
	if headlineOnly {
		return r.lists[:1]
	}
	return r.lists
}

// spansIn returns the context matches of list i.
func (r *reading) spansIn(i int) []arabic.Span {
	if r.contextSpans[i] == nil {
		r.contextSpans[i] = r.index.MatchSpans(r.lists[i])
		if r.contextSpans[i] == nil {
			r.contextSpans[i] = []arabic.Span{} // looked for: none
		}
	}
	return r.contextSpans[i]
}

// mention is one surviving mention of a topic: in which list (0 is the
// headline, 1 the lead sentence) and whether it is an adjective, and one
// that names someone's nationality (not after an actor).
type mention struct {
	ref         wordRef
	list        int
	nationality bool
}

// mentions returns the mentions index finds in r (in its headline alone
// when headlineOnly), as refs maps them to topics: a mention inside a longer one or inside a source is dropped, a
// place adjective right after a source too, and so is a mention that fails
// its mark (conditions on other topics are checked with found, the topics
// of the mentions that need nothing else, and hint).
func (cl *Classifier) mentions(r *reading, headlineOnly bool, index *arabic.Index, refs map[string][]wordRef, hint string) []mention {
	var all []mention
	for li, toks := range r.scanned(headlineOnly) {
		spans := outermost(index.MatchSpans(toks))
		if len(spans) == 0 {
			continue
		}
		for _, s := range spans {
			sources := near(cl.sourceIndex, toks, s)
			if slices.ContainsFunc(sources, func(src arabic.Span) bool { return within(s, src) }) {
				continue
			}
			if s.Adjective && slices.ContainsFunc(sources, func(src arabic.Span) bool { return before(src, s) }) {
				continue
			}
			// Only in the headline and the lead does it matter (see
			// placeVotes) whether an adjective follows an actor.
			nationality := s.Adjective && (li > 1 ||
				!slices.ContainsFunc(near(cl.actorIndex, toks, s), func(a arabic.Span) bool { return before(a, s) }))
			for _, ref := range refs[s.Keyword] {
				if ref.mark != nil && !writtenAsMarked(ref.mark, s, r, li) {
					continue
				}
				all = append(all, mention{ref: ref, list: li, nationality: nationality})
			}
		}
	}
	found := map[string]bool{}
	if hint != "" {
		found[hint] = true
	}
	for _, m := range all {
		if m.ref.mark == nil || len(m.ref.mark.With)+len(m.ref.mark.Without) == 0 {
			found[m.ref.slug] = true
		}
	}
	out := all[:0]
	for _, m := range all {
		if mk := m.ref.mark; mk != nil {
			if len(mk.With) > 0 && !slices.ContainsFunc(mk.With, func(c string) bool { return r.has(c, found) }) {
				continue
			}
			if slices.ContainsFunc(mk.Without, func(c string) bool { return r.has(c, found) }) {
				continue
			}
		}
		out = append(out, m)
	}
	return out
}

// has reports whether a mark's condition holds: "@slug" for a topic
// found, else a context word or phrase present.
func (r *reading) has(cond string, found map[string]bool) bool {
	cond = strings.TrimSpace(cond)
	if slug, ok := strings.CutPrefix(cond, "@"); ok {
		return found[slug]
	}
	if r.context == nil {
		r.context = map[string]bool{}
		for i := range r.lists {
			for _, s := range r.spansIn(i) {
				r.context[arabic.KeywordForm(s.Keyword)] = true
			}
		}
	}
	return r.context[arabic.KeywordForm(cond)]
}

// writtenAsMarked checks the parts of a mark about how the mention itself
// is written: its article, its endings, and the phrases it must not be
// part of.
func writtenAsMarked(m *Mark, s arabic.Span, r *reading, list int) bool {
	switch {
	case m.Article == ArticleRequired && !s.Article, m.Article == ArticleNever && s.Article:
		return false
	case m.Endings == EndingsNone && !s.Bare, m.Endings == EndingsAdjective && !s.Bare && !s.Adjective:
		return false
	}
	if len(m.NotIn) == 0 {
		return true
	}
	for _, c := range r.spansIn(list) {
		covers := c.Start <= s.Start && s.End <= c.End
		if covers && len(arabic.KeywordForm(c.Keyword)) > len(arabic.KeywordForm(s.Keyword)) &&
			slices.ContainsFunc(m.NotIn, func(p string) bool { return arabic.KeywordForm(p) == arabic.KeywordForm(c.Keyword) }) {
			return false
		}
	}
	return true
}

// nearWords is how far around a mention sources and actors are looked
// for: enough for the longest of them before it («تايمز أوف إسرائيل»)
// and for the gap nounGap.
const nearWords = 6

// near returns the matches of index around mention s (in toks's
// positions): only there can a source or an actor bear on it.
func near(index *arabic.Index, toks []string, s arabic.Span) []arabic.Span {
	lo, hi := max(0, s.Start-nearWords), min(len(toks), s.End+nearWords)
	spans := index.MatchSpans(toks[lo:hi])
	for i := range spans {
		spans[i].Start += lo
		spans[i].End += lo
	}
	return spans
}

// before reports whether span noun ends at most nounGap words before span
// s starts.
func before(noun, s arabic.Span) bool {
	return noun.End <= s.Start && s.Start-noun.End <= nounGap
}

// within reports whether span s lies inside span outer.
func within(s, outer arabic.Span) bool {
	return outer.Start <= s.Start && s.End <= outer.End && s != outer
}

// outermost drops the mentions that lie inside a longer one (القدس in
// فيلق القدس, جدة in وجدة when both are keywords), so a word is read as the
// longest keyword it is part of.
func outermost(spans []arabic.Span) []arabic.Span {
	if len(spans) < 2 {
		return spans
	}
	out := spans[:0:0]
	for _, s := range spans {
		inner := slices.ContainsFunc(spans, func(o arabic.Span) bool {
			if o.Start > s.Start || o.End < s.End || o == s {
				return false
			}
			if o.End-o.Start != s.End-s.Start {
				return true // o covers more tokens
			}
			// One token each: the keyword that takes more of it wins.
			return len(arabic.KeywordForm(o.Keyword)) > len(arabic.KeywordForm(s.Keyword))
		})
		if !inner {
			out = append(out, s)
		}
	}
	return out
}

func (cl *Classifier) places(r *reading, hint string) []string {
	if !cl.isPlace[hint] {
		hint = "" // a section or an unknown slug is no country
	}
	// A slug is counted once per list, at its strongest there.
	best := map[[2]int]int{} // (slug position, list) → vote
	for _, m := range cl.mentions(r, false, cl.placeIndex, cl.placeOf, hint) {
		v := bodyVote
		switch {
		case m.ref.slug == hint:
			v = placeNeeded // a national outlet names its own country when the story is about it
		case m.list <= 1 && m.nationality:
			v = nationalityVote
		case m.list == 0:
			v = titleVote
		case m.list == 1:
			v = leadVote
		}
		k := [2]int{cl.order[m.ref.slug], m.list}
		best[k] = max(best[k], v)
	}
	votes := map[string]int{}
	for k, v := range best {
		votes[cl.cat.topics[k[0]].Slug] += v
	}
	var out []string
	for slug, v := range votes {
		if v >= placeNeeded {
			out = append(out, slug)
		}
	}
	if len(out) == 0 && hint != "" {
		out = append(out, hint) // a national outlet's local news
	}
	cl.sortTopics(out)
	return out
}

// sections returns the section topics of an item (see Evidence.Sections).
func (cl *Classifier) sections(r *reading, it Item) []string {
	ev := cl.evidence(r, it)
	th := DefaultThresholds
	if cl.model != nil {
		th = cl.model.thresholds
	}
	out := ev.Sections(th)
	cl.sortTopics(out)
	return out
}

// SectionEvidence is what the sections of an item are decided from: what
// its outlet and its headline say, and the model's probabilities.
type SectionEvidence struct {
	// Outlet are the sections its outlet files it under (a category, its
	// link's path); Headline those its headline's section words name.
	Outlet, Headline []string
	// Model are the catalogue's sections the model knows, with their
	// probability, most probable first; nil without a model.
	Model []ClassProb
}

// ClassProb is a section and the model's probability for it.
type ClassProb struct {
	Slug string
	Prob float64
	// Vocabulary: the item has words of the section's own vocabulary
	// (name, words, hints), one in its headline or two in its text.
	Vocabulary bool
}

// SectionEvidence returns the evidence Classify decides an item's
// sections from; for evaluating and calibrating thresholds.
func (cl *Classifier) SectionEvidence(it Item) SectionEvidence {
	if it.Text == nil {
		it.Text = arabic.Analyze("")
	}
	return cl.evidence(cl.read(it), it)
}

func (cl *Classifier) evidence(r *reading, it Item) SectionEvidence {
	ev := SectionEvidence{Outlet: cl.outletSections(it)}
	for _, m := range cl.mentions(r, true, cl.sectIndex, cl.sectOf, "") {
		if !slices.Contains(ev.Headline, m.ref.slug) {
			ev.Headline = append(ev.Headline, m.ref.slug)
		}
	}
	if cl.model != nil {
		terms, vocab := cl.modelTerms(r)
		strong := map[string]bool{}
		for i, h := range vocab {
			strong[cl.sectionSlugs[i]] = h.strong()
		}
		probs := cl.model.Probabilities(terms)
		for c, p := range probs {
			if s, ok := cl.modelSlug[cl.model.classes[c]]; ok {
				ev.Model = append(ev.Model, ClassProb{Slug: s, Prob: p, Vocabulary: strong[s]})
			}
		}
		slices.SortStableFunc(ev.Model, func(a, b ClassProb) int { return cmp.Compare(b.Prob, a.Prob) })
	}
	return ev
}

// Sections decides an item's sections from its evidence: those its outlet
// gives, those its headline names, and the model's. The model's most
// probable section counts when it reaches th.Top and the next one when it
// reaches th.Second; beside sections the outlet gave, a model's section
// needs th.Extra. A section after the most probable one also needs a
// second signal, words of its own vocabulary (ClassProb.Vocabulary): most
// stories have one section, and a war story that moves oil prices is not
// an economy story for the probability its shared words give economy.
// OtherClass (news of no section) is no section: it only takes
// probability from the others.
func (ev SectionEvidence) Sections(th Thresholds) []string {
	out := slices.Clone(ev.Outlet)
	add := func(slug string) {
		if !slices.Contains(out, slug) {
			out = append(out, slug)
		}
	}
	for _, s := range ev.Headline {
		add(s)
	}
	fromOutlet := len(ev.Outlet) > 0
	rank := 0
	for i, cp := range ev.Model {
		if i > 0 && !cp.Vocabulary {
			continue
		}
		keep := cp.Prob >= th.Extra ||
			!fromOutlet && (rank == 0 && cp.Prob >= th.Top || rank == 1 && cp.Prob >= th.Second && ev.Model[0].Prob >= th.Top)
		if !keep {
			break
		}
		add(cp.Slug)
		rank++
	}
	return out
}

// outletSections are the sections an item's outlet files it under: its
// categories, and the segments of its link's path before the last (the
// article's own name), through the catalogue's labels.
func (cl *Classifier) outletSections(it Item) []string {
	var out []string
	for _, c := range it.Categories {
		out = append(out, cl.cat.SectionsLabelled(c)...)
	}
	if u, err := url.Parse(strings.TrimSpace(it.URL)); err == nil && u.IsAbs() {
		segs := strings.Split(strings.Trim(u.EscapedPath(), "/"), "/")
		for _, seg := range segs[:max(0, len(segs)-1)] {
			if s, err := url.PathUnescape(seg); err == nil {
				out = append(out, cl.cat.SectionsLabelled(s)...)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// ModelTerms returns the features the section model reads of an article,
// what cmd/trainmodel trains it on: Terms, and the sections' vocabulary
// (their name, words and hints): "§slug" when the headline or the text
// has a word of the section's, "^§slug" when the headline has one,
// "§2slug" when the text has two. The model learns from the common words
// how much a section's vocabulary counts, and so reads the rare ones (a
// ministry's name in one country, a new product) that training never saw.
func (cl *Classifier) ModelTerms(title, text string) []string {
	text = text[:modelCut(text)]
	terms, _ := cl.modelTerms(cl.read(Item{Title: title, Text: arabic.Analyze(text)}))
	return terms
}

// modelTerms returns ModelTerms and what the article has of each
// section's vocabulary.
func (cl *Classifier) modelTerms(r *reading) ([]string, []vocabHits) {
	out := titleTerms(appendTerms(nil, r.title, nil))
	var body [][]string // the text's token lists the model reads
	cut := modelCut(r.text.Source)
	for _, s := range r.text.Sentences {
		if s.Start >= cut {
			break
		}
		if s.Start+len(s.Text) <= cut {
			out = appendTerms(out, s.Tokens, s.Stems)
			body = append(body, s.Tokens)
			continue
		}
		// The model reads this sentence only up to the cut.
		toks := arabic.Tokens(r.text.Source[s.Start:cut])
		out = appendTerms(out, toks, nil)
		body = append(body, toks)
	}
	vocab := cl.vocabulary(r.title, body)
	for i, h := range vocab {
		s := cl.sectionSlugs[i]
		if h.title {
			out = append(out, "^§"+s)
		}
		if h.title || h.body > 0 {
			out = append(out, "§"+s)
		}
		if h.body >= 2 {
			out = append(out, "§2"+s)
		}
	}
	return out, vocab
}

// vocabHits is what an article has of one section's vocabulary: a word
// in its headline, and how many different words in the text the model
// reads.
type vocabHits struct {
	title bool
	body  int
}

// strong: a second signal for the section (see Sections).
func (h vocabHits) strong() bool { return h.title || h.body >= 2 }

// vocabulary finds the sections' vocabulary in a headline and the text's
// token lists, a section's hits at its index in sectionSlugs; a word
// inside a longer one counts as the longer one.
func (cl *Classifier) vocabulary(title []string, body [][]string) []vocabHits {
	hits := make([]vocabHits, len(cl.sectionSlugs))
	for _, sp := range outermost(cl.vocabIndex.MatchSpans(title)) {
		for _, sec := range cl.vocabOf[sp.Keyword] {
			hits[sec].title = true
		}
	}
	type found struct {
		sec  int
		word string
	}
	var seen []found // few: a short list beats a map
	for _, toks := range body {
		for _, sp := range outermost(cl.vocabIndex.MatchSpans(toks)) {
			for _, sec := range cl.vocabOf[sp.Keyword] {
				if f := (found{sec, sp.Keyword}); !slices.Contains(seen, f) {
					seen = append(seen, f)
					hits[sec].body++
				}
			}
		}
	}
	return hits
}

// sortTopics puts slugs in catalogue order.
func (cl *Classifier) sortTopics(slugs []string) {
	slices.SortFunc(slugs, func(a, b string) int { return cmp.Compare(cl.order[a], cl.order[b]) })
}
