package summary

import (
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/ajel-news/ajel/arabic"
	"github.com/ajel-news/ajel/news"
)

// Comparer finds the facts that differ between the tellings of one story
// by several outlets — the numbers (a toll, an amount, a magnitude) and
// the places — the way NewFacts finds what a telling adds for followers:
// by numbers and the stems of the words next to them, not by phrasing. A
// Comparer is safe for concurrent use.
type Comparer struct {
	places *arabic.Index
	// countries are the place words that name a whole country: a telling
	// that names the country beside a town says nothing other.
	countries map[string]bool
}

// NewComparer returns a comparer that knows the places of the topic
// catalogue (its place topics' names and words); without places only
// numbers are compared.
func NewComparer(places []news.Topic) *Comparer {
	c := &Comparer{countries: map[string]bool{}}
	var words []string
	for _, t := range places {
		if t.Kind != "" && t.Kind != news.TopicPlace {
			continue
		}
		c.countries[arabic.KeywordForm(t.Name)] = true
		words = append(words, t.Name)
		words = append(words, t.Words...)
	}
	if len(words) > 0 {
		c.places = arabic.NewIndex(words)
	}
	return c
}

// maxMarks bounds the facts marked in one telling.
const maxMarks = 4

// Differences returns, for each telling (its title and text), the facts
// it gives that another telling gives otherwise, as written, at most
// maxMarks each:
//
//   - a number whose kind another telling also gives with another value
//     ("9 قتلى" where another says "4 قتلى"; the people killed and the
//     injured are each one kind however they are worded), and
//   - the places (towns) named in its headline and first sentence when
//     another telling names places there too, none of them these.
//
// A telling that does not mention a kind of number or any place has no
// other version of it: nothing is marked for that alone.
func (c *Comparer) Differences(tellings []string) [][]string {
	facts := make([][]numberFact, len(tellings))
	towns := make([][]string, len(tellings))
	for i, t := range tellings {
		facts[i] = numberFacts(t)
		towns[i] = c.townsOf(t)
	}
	out := make([][]string, len(tellings))
	for i := range tellings {
		var marks []string
		for _, f := range facts[i] {
			if numberDiffers(f, i, facts) && !slices.Contains(marks, f.text) {
				marks = append(marks, f.text)
			}
		}
		if placesDiffer(i, towns) {
			for _, w := range towns[i] {
				if !slices.Contains(marks, w) {
					marks = append(marks, w)
				}
			}
		}
		if len(marks) > maxMarks {
			marks = marks[:maxMarks]
		}
		out[i] = marks
	}
	return out
}

// numberFact is a number and the kind of thing it counts.
type numberFact struct {
	kind  string // the unit's stem, or a class such as "#killed"
	value string // the number, canonical
	text  string // the number and its unit as written
}

// numberDiffers reports whether another telling gives f's kind of number
// without f's value.
func numberDiffers(f numberFact, i int, facts [][]numberFact) bool {
	for j, other := range facts {
		if j == i {
			continue
		}
		saysKind, saysValue := false, false
		for _, g := range other {
			if g.kind == f.kind {
				saysKind = true
				saysValue = saysValue || g.value == f.value
			}
		}
		if saysKind && !saysValue {
			return true
		}
	}
	return false
}

// placesDiffer reports whether another telling names towns, none of those
// telling i names (which names some).
func placesDiffer(i int, towns [][]string) bool {
	if len(towns[i]) == 0 {
		return false
	}
	for j, other := range towns {
		if j == i || len(other) == 0 {
			continue
		}
		shared := false
		for _, w := range other {
			if slices.Contains(towns[i], w) {
				shared = true
				break
			}
		}
		if !shared {
			return true
		}
	}
	return false
}

// townsOf are the place words, other than whole countries, of a telling's
// first two sentences (its headline and its lead), as the catalogue spells
// them.
func (c *Comparer) townsOf(telling string) []string {
	if c.places == nil {
		return nil
	}
	var toks []string
	for i, s := range arabic.Analyze(telling).Sentences {
		if i == 2 {
			break
		}
		toks = append(toks, s.Tokens...)
	}
	var out []string
	for _, w := range c.places.MatchTokens(toks) {
		if !c.countries[arabic.KeywordForm(w)] && !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

// unitClasses put the words that count the same thing in one kind, so
// that "9 قتلى" and "4 قتلاء" are one toll (matching form).
var unitClasses = func() map[string]string {
	m := map[string]string{}
	for class, words := range map[string]string{
		"#killed":  "قتل مقتل وقتل ومقتل قتيل قتيلا قتلي قتلاء قتلوا شهيد شهيدا شهداء ضحيه ضحايا وفيات",
		"#injured": "جرح جريح جريحا جرحي مصاب مصابا مصابين اصيب اصيبوا اصابه اصابات واصيب واصابه",
		"#people":  "شخص شخصا اشخاص مدني مدنيا مدنيين مواطن مواطنا مواطنين",
		"#missing": "مفقود مفقودا مفقودين",
		"#held":    "معتقل معتقلا معتقلين اسير اسيرا اسري",
	} {
		for _, w := range strings.Fields(words) {
			m[w] = class
		}
	}
	return m
}()

// numberFacts are the numbers of a text with the kind of thing each
// counts: the first word after it that is not a function word, its class
// or its stem. People counted ("4 أشخاص") take the class of the word that
// says what befell them ("قتلوا", "أصيبوا") when it follows. Years are
// left out: a date is not a figure outlets dispute.
func numberFacts(text string) []numberFact {
	var out []numberFact
	for _, s := range arabic.Analyze(text).Sentences {
		words := strings.Fields(s.Text)
		for i, w := range words {
			num := strings.TrimFunc(w, func(r rune) bool { return !unicode.IsDigit(r) })
			value, ok := canonicalNumber(num)
			bare := strings.TrimFunc(w, isEdgePunct)
			share := bare == num+"%" || bare == "%"+num || bare == num+"٪" || bare == "٪"+num
			if !ok || (bare != num && !share) {
				continue
			}
			kind, unit := unitAfter(words[i+1:])
			if kind == "#people" && i > 0 {
				// "قتل 4 أشخاص": the word before says what befell them.
				if c := unitClasses[lastToken(words[i-1])]; c != "" && c != "#people" {
					kind = c
				}
			}
			if bare != num {
				// A share: of what, when the next word says it.
				kind, unit, num = "%"+kind, "", bare
			}
			if kind == "" {
				continue
			}
			out = append(out, numberFact{kind: kind, value: value, text: strings.TrimSpace(num + " " + unit)})
		}
	}
	return out
}

// isEdgePunct is what may stand around a number in running text.
func isEdgePunct(r rune) bool {
	return r != '%' && r != '٪' && (unicode.IsPunct(r) || unicode.IsSymbol(r))
}

// lastToken is the last word of w in matching form ("" when none).
func lastToken(w string) string {
	toks := arabic.Tokens(w)
	if len(toks) == 0 {
		return ""
	}
	return toks[len(toks)-1]
}

// canonicalNumber reads a number as written (ASCII or Arabic-Indic
// digits, "." "," or "٫" inside) as a canonical value; ok is false for
// what is not one, and for years.
func canonicalNumber(s string) (string, bool) {
	if s == "" || !isNumber(s) { // what NewFacts counts as a number
		return "", false
	}
	n := arabic.Normalize(s) // Arabic-Indic digits → ASCII
	n = strings.NewReplacer("٫", ".", ",", "").Replace(n)
	f, err := strconv.ParseFloat(n, 64)
	if err != nil {
		return "", false
	}
	if f == float64(int(f)) && f >= 1900 && f <= 2100 && !strings.Contains(n, ".") {
		return "", false // a year
	}
	return strconv.FormatFloat(f, 'f', -1, 64), true
}

// unitAfter is the kind of thing the words after a number count, and the
// word as written; "" when no word says it.
func unitAfter(words []string) (kind, written string) {
	for i, w := range words {
		if i == 3 {
			break
		}
		w = strings.TrimFunc(w, isEdgePunct)
		toks := arabic.Tokens(w)
		if len(toks) != 1 {
			return "", ""
		}
		tok := toks[0]
		if arabic.IsStopToken(tok) {
			continue
		}
		class, ok := unitClasses[tok]
		if !ok {
			return arabic.Stem(tok), w
		}
		if class == "#people" {
			// "4 أشخاص قتلوا": what befell them says what is counted.
			if len(words) > i+1 {
				next := arabic.Tokens(strings.TrimFunc(words[i+1], isEdgePunct))
				if len(next) == 1 {
					if c, ok := unitClasses[next[0]]; ok && c != "#people" {
						class = c
					}
				}
			}
		}
		return class, w
	}
	return "", ""
}
