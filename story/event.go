package story

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ajel-news/ajel/arabic"
	"github.com/ajel-news/ajel/news"
)

// An event profile is what the event matcher knows of one article: the
// content words of its headline and of its lead (the first sentences of
// its text, where an outlet says what happened), each action word also
// standing for its class (#death, #resign…: see actionWords), the places,
// numbers, amounts and weekdays it names, and the marks of a piece that
// is not a report (an analysis, a reaction, a preview).
// Outlets telling one event in their own words share its actors, places
// and action words but few word pairs, so profiles are compared by
// weighted words, not by shingles.

// leadTerms is how many content words of the text make its lead: about
// the first two sentences of a news story.
const leadTerms = 40

// eventProfile is one article's profile.
type eventProfile struct {
	title []string  // distinct content stems of the headline
	lead  []string  // distinct content stems of the lead
	all   []string  // title and lead together, distinct, headline first
	fw    []float64 // for each word of all, its weight before idf (fieldWeights)
	// surface maps a stem to the first word it was read from (matching
	// form), to say in words why two items were joined; nil once the
	// article is recorded.
	surface map[string]string
	// places are the catalogue's place words the headline names (in
	// matching form), with their topic slugs.
	places []placeMention
	// numbers are the numbers of the headline and lead that identify
	// something (not 0 to 10, which every text has); days the weekdays
	// they name.
	numbers, days []string
	// analysis marks an analysis, opinion, explainer or profile piece by
	// its headline (or an author's byline opening its text); preview a
	// headline about what is awaited (before a match, a verdict, a vote).
	analysis, preview bool
	// reaction marks a headline that reports a reaction (welcomes,
	// condemns…) to something else; reactor is its headline's words
	// before the reaction word, the one who reacts.
	reaction bool
	reactor  []string
	// amounts are the sums, percentages and dates the headline and lead
	// give: two tellings of one event do not give different ones.
	amounts []amount
}

// placeMention is a place word and the place topic it belongs to.
type placeMention struct {
	word, slug string
	country    bool // the word names the country itself, not a town in it
}

// amount is a number with the unit that makes it comparable.
type amount struct {
	unit  string
	value float64
}

// places finds catalogue place words in tokens.
type places struct {
	index *arabic.Index
	slugs map[string][]string // place word as the index reports it → slugs
	names map[string]bool     // words that name a whole country (the topics' names)
}

// newPlaces indexes the words of the place topics.
func newPlaces(topics []news.Topic) *places {
	if len(topics) == 0 {
		return nil
	}
	p := &places{slugs: map[string][]string{}, names: map[string]bool{}}
	var words []string
	first := map[string]string{} // KeywordForm → first spelling
	for _, t := range topics {
		if t.Kind != "" && t.Kind != news.TopicPlace {
			continue
		}
		p.names[arabic.KeywordForm(t.Name)] = true
		for _, w := range append([]string{t.Name}, t.Words...) {
			k := arabic.KeywordForm(w)
			if k == "" {
				continue
			}
			spelling, ok := first[k]
			if !ok {
				spelling, first[k] = w, w
				words = append(words, w)
			}
			if !slices.Contains(p.slugs[spelling], t.Slug) {
				p.slugs[spelling] = append(p.slugs[spelling], t.Slug)
			}
		}
	}
	p.index = arabic.NewIndex(words)
	return p
}

// find returns the place mentions of toks, each word once.
func (p *places) find(toks []string, out []placeMention) []placeMention {
	if p == nil {
		return out
	}
	for _, w := range p.index.MatchTokens(toks) {
		k := arabic.KeywordForm(w)
		for _, slug := range p.slugs[w] {
			m := placeMention{word: k, slug: slug, country: p.names[k]}
			if !slices.Contains(out, m) {
				out = append(out, m)
			}
		}
	}
	return out
}

// analysisOpeners are headline openings of pieces that explain, profile
// or judge rather than report (matching form, whole words).
var analysisOpeners = [][]string{
	{"تحليل"}, {"راي"}, {"مقال"}, {"افتتاحيه"}, {"قراءه", "في"},
	{"من", "هو"}, {"من", "هي"}, {"ماذا", "نعرف"}, {"ماذا", "يعني"}, {"ما", "الذي", "يعنيه"},
	{"ماذا", "وراء"}, {"ما", "وراء"}, {"لماذا"}, {"كيف"}, {"تعرف", "علي"}, {"ما", "هي"}, {"ما", "هو"},
	{"ما", "قصه"}, {"ما", "حكايه"}, {"ما", "سر"}, {"ما", "لا", "تعرفه"}, {"كل", "ما", "تريد"}, {"حقائق", "عن"},
	{"اسئله", "واجوبه"},
}

// analysisWords mark an analysis anywhere in the headline.
var analysisWords = map[string]bool{
	"تحليل": true, "راي": true, "مقال": true, "افتتاحيه": true, "بروفايل": true,
	"سطور":   true, // "… في سطور": a profile
	"دلالات": true, "ابعاد": true, "خفايا": true, "كواليس": true, "سيناريوهات": true,
}

// isAnalysis reports whether a headline (tokens in matching form) marks a
// piece that is not a report of what happened, or the lead opens with an
// author's byline.
func isAnalysis(title, lead []string) bool {
	for _, o := range analysisOpeners {
		if hasRunAt(title, o, 0) || hasRunAfterColon(title, o) {
			return true
		}
	}
	for _, t := range title {
		if analysisWords[t] {
			return true
		}
	}
	// "هذا المقال بقلم…", "بقلم فلان": a signed column.
	for i, t := range lead {
		if i >= 12 {
			break
		}
		if t == "بقلم" {
			return true
		}
	}
	return false
}

// hasRunAt reports whether toks holds run at position i.
func hasRunAt(toks, run []string, i int) bool {
	return i+len(run) <= len(toks) && slices.Equal(toks[i:i+len(run)], run)
}

// hasRunAfterColon reports whether run opens the part of a headline after
// its first few words ("خليفة لاريجاني.. ماذا يعني…"): callers pass
// tokens, which carry no punctuation, so the second clause is taken to
// start within the first four words.
func hasRunAfterColon(toks, run []string) bool {
	for i := 1; i <= 4 && i < len(toks); i++ {
		if hasRunAt(toks, run, i) && (run[0] == "ماذا" || run[0] == "لماذا" || run[0] == "كيف" || run[0] == "من") {
			return true
		}
	}
	return false
}

// reactionWords are the verbs and verbal nouns of a reaction to what
// someone else did or said (matching form, without clitics or endings).
var reactionWords = map[string]bool{
	"ترحب": true, "يرحب": true, "رحب": true, "رحبت": true, "ترحيب": true,
	"تدين": true, "يدين": true, "ادان": true, "ادانت": true, "دان": true, "دانت": true,
	"تندد": true, "يندد": true, "ندد": true, "نددت": true, "تنديد": true,
	"تستنكر": true, "يستنكر": true, "استنكر": true, "استنكرت": true, "استنكار": true,
	"تشيد": true, "يشيد": true, "اشاد": true, "اشادت": true, "اشاده": true,
	"تنتقد": true, "ينتقد": true, "انتقد": true, "انتقدت": true, "انتقاد": true, "انتقادات": true,
	"تهنئ": true, "يهنئ": true, "تهنئه": true,
	"ترد": true, "يرد": true, "ردت": true,
	"تعزي": true, "يعزي": true, "تعزيه": true,
	"تتضامن": true, "يتضامن": true, "تضامن": true,
	"تنفي": true, "ينفي": true, "نفي": true, "نفت": true,
	"ترفض": true, "يرفض": true, "رفض": true, "رفضت": true,
}

// reactionIn returns where a headline reports a reaction (the index of
// the reaction word) or -1.
func reactionIn(title []string) int {
	for i, t := range title {
		if inWords(t, reactionWords) {
			return i
		}
	}
	return -1
}

// inWords reports whether t is one of words, also after one conjunction
// or preposition or before a final alef of tanween: "وترحب" and
// "ترحيبا" read as ترحب and ترحيب.
func inWords(t string, words map[string]bool) bool {
	if words[t] {
		return true
	}
	if utf8.RuneCountInString(t) > 4 {
		for _, p := range []string{"و", "ف", "ب", "ل"} {
			if strings.HasPrefix(t, p) && words[t[len(p):]] {
				return true
			}
		}
	}
	return strings.HasSuffix(t, "ا") && words[strings.TrimSuffix(t, "ا")]
}

// previewWords mark a headline about what is coming: a match, a verdict,
// a vote, a summit.
var previewWords = map[string]bool{
	"ترقب": true, "يترقب": true, "تترقب": true, "مرتقب": true, "المرتقب": true, "المرتقبه": true, "مرتقبه": true,
	"يستعد": true, "تستعد": true, "استعدادا": true, "ينتظر": true, "تنتظر": true, "بانتظار": true,
	"قبيل": true, "عشيه": true, "يتطلع": true,
}

// isPreview reports whether a headline is about what is awaited.
func isPreview(title []string) bool {
	for i, t := range title {
		if inWords(t, previewWords) || (t == "قبل" && i < 2) {
			return true
		}
	}
	return false
}

// numbersIn appends the distinct numbers of toks above 10 (or with a
// fraction): a toll, a sum, a score that names one event.
func numbersIn(toks []string, out []string) []string {
	for _, t := range toks {
		t = numeral(t)
		v, err := strconv.ParseFloat(t, 64)
		if err != nil || (v <= 10 && v == math.Trunc(v)) {
			continue
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// numeral returns a number token without the conjunction or preposition
// the tokenizer leaves on it ("و13" is 13).
func numeral(t string) string {
	for _, p := range []string{"و", "ب", "ل"} {
		if rest, ok := strings.CutPrefix(t, p); ok && rest != "" && rest[0] >= '0' && rest[0] <= '9' {
			return rest
		}
	}
	return t
}

// weekdays in matching form.
var weekdays = map[string]bool{"السبت": true, "الاحد": true, "الاثنين": true, "الثلاثاء": true,
	"الاربعاء": true, "الخميس": true, "الجمعه": true}

// daysIn appends the distinct weekdays toks name.
func daysIn(toks []string, out []string) []string {
	for _, t := range toks {
		if weekdays[t] && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// amountUnits are the words after a number that make it an amount or a
// date, in matching form, with the unit they stand for.
var amountUnits = map[string]string{
	"دولار": "usd", "دولارا": "usd", "$": "usd", "يورو": "eur", "جنيه": "gbp", "جنيها": "gbp",
	"درهم": "aed", "درهما": "aed", "ريال": "sar", "ريالا": "sar", "دينار": "dinar", "دينارا": "dinar",
	"ليره": "lira", "مليار": "bn", "مليارات": "bn", "مليون": "mn", "ملايين": "mn",
	"%": "pct", "بالمئه": "pct", "بالمائه": "pct", "المئه": "pct", "المائه": "pct",
	"يناير": "jan", "فبراير": "feb", "مارس": "mar", "ابريل": "apr", "مايو": "may", "يونيو": "jun",
	"يوليو": "jul", "اغسطس": "aug", "سبتمبر": "sep", "اكتوبر": "oct", "نوفمبر": "nov", "ديسمبر": "dec",
	"درجه": "deg", "درجات": "deg",
}

// amountsIn returns the amounts and dates in toks: a number followed
// (within two words, for "في المئة") by a unit word.
func amountsIn(toks []string, out []amount) []amount {
	for i, t := range toks {
		v, err := strconv.ParseFloat(strings.ReplaceAll(numeral(t), ",", "."), 64)
		if err != nil {
			continue
		}
		for j := i + 1; j <= i+2 && j < len(toks); j++ {
			if u, ok := amountUnits[toks[j]]; ok {
				a := amount{unit: u, value: v}
				if !slices.Contains(out, a) {
					out = append(out, a)
				}
				break
			}
		}
	}
	return out
}

// profileOf reads an article's event profile.
func profileOf(title, text string, pl *places) *eventProfile {
	p := &eventProfile{surface: map[string]string{}}
	titleToks := arabic.Tokens(title)
	leadToks := leadTokens(text)
	p.title = p.contentStems(titleToks, true)
	p.lead = p.contentStems(leadToks, false)
	p.places = pl.find(titleToks, p.places)
	p.numbers = numbersIn(titleToks, p.numbers)
	p.numbers = numbersIn(leadToks, p.numbers)
	p.days = daysIn(titleToks, p.days)
	p.days = daysIn(leadToks, p.days)
	p.analysis = isAnalysis(titleToks, leadToks)
	p.preview = isPreview(titleToks)
	if i := reactionIn(titleToks); i >= 0 {
		p.reaction = true
		p.reactor = p.contentStems(titleToks[:i], false)
	}
	p.amounts = amountsIn(titleToks, p.amounts)
	p.amounts = amountsIn(leadToks, p.amounts)
	p.all = slices.Clone(p.title)
	for _, t := range p.lead {
		if !slices.Contains(p.title, t) {
			p.all = append(p.all, t)
		}
	}
	p.fw = fieldWeights(p)
	return p
}

// leadTokens returns the tokens of the first sentences of text, up to
// leadTerms content words.
func leadTokens(text string) []string {
	if text == "" {
		return nil
	}
	// Only the opening of a long text is read: a lead is in it.
	const window = 2000
	if len(text) > window {
		cut := window
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut]
	}
	var out []string
	content := 0
	for _, s := range arabic.Sentences(text) {
		for _, t := range arabic.Tokens(s) {
			out = append(out, t)
			if !arabic.IsStopToken(t) {
				content++
			}
		}
		if content >= leadTerms {
			break
		}
	}
	return out
}

// contentStems returns the distinct light stems of the content words of
// toks (stop words, one-letter words and headline noise left out),
// remembering the first word each stem came from.
func (p *eventProfile) contentStems(toks []string, title bool) []string {
	var out []string
	for _, t := range toks {
		if arabic.IsStopToken(t) || utf8.RuneCountInString(t) < 2 && !isDigits(t) {
			continue
		}
		s := arabic.Stem(t)
		if title && titleNoise[s] {
			continue
		}
		if _, ok := p.surface[s]; !ok {
			p.surface[s] = t
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
		if a := actionOf(t); a != "" && !slices.Contains(out, a) {
			p.surface[a] = a
			out = append(out, a)
		}
	}
	return out
}

// eventTime is when an article happened for matching: its publication
// time when it has a plausible one, else when it was seen.
func eventTime(a news.Article, seen time.Time) time.Time {
	if p := a.PublishedAt; !p.IsZero() && !p.After(seen.Add(15*time.Minute)) && seen.Sub(p) < 7*24*time.Hour {
		return p
	}
	return seen
}

// actionWords map the words of news actions, in matching form, to one
// class each: outlets tell one event with different words for its action
// ("استقالة", "يتخلى عن منصبه", "يرحل"), and a class is a word both
// tellings share. Two events with one action (two strikes) still differ
// in their places, names and numbers.
var actionWords = func() map[string]string {
	classes := map[string]string{
		"death": "قتل مقتل قتلى قتيل قتيلا قتيلين يقتل تقتل قتلت قتلوا مصرع مصرعهم مصرعه حتفهم حتفه لقي لقوا وفاه وفيات توفي توفيت يموت موت " +
			"ضحايا ضحيه شهداء شهيد استشهاد استشهد حصيله",
		"injury":    "اصابه اصابات اصيب اصيبوا جرحي جريح جرح مصابين مصابا",
		"blast":     "انفجار انفجارات تفجير تفجيرات انفجر انفجرت عبوه ناسفه مفخخه ملغومه انتحاري انتحاريه انتحاريون",
		"crash":     "تحطم تحطمت يتحطم سقوط سقطت",
		"fire":      "حريق حرائق النيران اشتعال يلتهم",
		"strike":    "غاره غارات قصف ضربه ضربات يقصف تقصف استهدف استهداف استهدفت صاروخي",
		"intercept": "اعتراض يعترض اعترض اعترضت تعترض تصدي تتصدي تصدت يدمر دمر دمرت تدمير اسقاط اسقط اسقطت",
		"arrest":    "اعتقال اعتقل اعتقلت يعتقل تعتقل القبض توقيف احتجاز",
		"resign":    "استقاله استقال استقالت يستقيل تستقيل التخلي يتخلي رحيل يرحل يودع",
		"dismiss":   "اقاله اقال يقيل اعفاء اعفي عزل يعزل",
		"appoint":   "تعيين عين يعين تعين تكليف كلف يكلف تسميه",
		"win":       "فوز فاز يفوز تفوز تغلب يتغلب هزم يهزم تهزم اكتسح يكتسح سحق يسحق تتويج توج يتوج تتوج",
		"draw":      "تعادل يتعادل تعادلا",
		"transfer":  "ضم يضم التعاقد يتعاقد تعاقد انتقال ينتقل صفقه",
		"penalty":   "غرامه يغرم تغريم عقوبه عقوبات معاقبه يعاقب ايقاف",
		"meet":      "يلتقي لقاء يجتمع اجتماع قمه يستقبل استقبل مباحثات محادثات يبحث",
		"tariff":    "رسوم تعريفات جمركيه",
		"quake":     "زلزال هزه زلزالان",
		"storm":     "عاصفه عواصف اعصار امطار فيضانات سيول",
		"protest":   "احتجاجات احتجاج مظاهرات تظاهره متظاهرين احتجاجيه",
		"vote":      "انتخابات تصويت يصوت اقتراع الانتخابيه",
		"withdraw":  "انسحاب ينسحب تنسحب سحب",
	}
	m := map[string]string{}
	for class, words := range classes {
		for _, w := range strings.Fields(words) {
			m[w] = "#" + class
		}
	}
	return m
}()

// actionOf returns the action class of a token, also with a conjunction,
// a preposition or the article before it; "" when none.
func actionOf(t string) string {
	for _, c := range []string{"", "و", "ف"} {
		rest, ok := strings.CutPrefix(t, c)
		if !ok || (c != "" && utf8.RuneCountInString(rest) < 3) {
			continue
		}
		for _, p := range []string{"", "ب", "ل", "ك"} {
			r2, ok := strings.CutPrefix(rest, p)
			if !ok {
				continue
			}
			if a := actionWords[r2]; a != "" {
				return a
			}
			if r3, ok := strings.CutPrefix(r2, "ال"); ok {
				if a := actionWords[r3]; a != "" {
					return a
				}
			}
		}
	}
	return ""
}
