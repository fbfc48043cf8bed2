package texts

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/language"

	"github.com/ajel-news/ajel/news"
)

// Every language file has every entry of the catalogue; each format takes
// the arguments its fmt tag names (no "%!" when given them), each plain
// text has no verb, and its tables have the keys the reference language
// (Arabic) has.
func TestEveryLanguageIsComplete(t *testing.T) {
	langs := Languages()
	if !slices.Contains(langs, "ar") {
		t.Fatalf("languages %v lack ar", langs)
	}
	ar := Arabic()
	for _, lang := range langs {
		t.Run(lang, func(t *testing.T) {
			c, err := Load(lang)
			if err != nil {
				t.Fatal(err)
			}
			checkFormats(t, c)
			for name, keys := range map[string][2][]string{
				"Commands":      {slices.Sorted(maps.Keys(c.Commands)), slices.Sorted(maps.Keys(ar.Commands))},
				"FullTextModes": {sortedKeys(c.FullTextModes), sortedKeys(ar.FullTextModes)},
				"FeedLanguages": {sortedKeys(c.FeedLanguages), sortedKeys(ar.FeedLanguages)},
				"PollReasons":   {sortedKeys(c.PollReasons), sortedKeys(ar.PollReasons)},
			} {
				if !slices.Equal(keys[0], keys[1]) {
					t.Errorf("%s has %v, want %v", name, keys[0], keys[1])
				}
			}
			for name, h := range c.Commands {
				if h.Desc == "" || strings.ContainsAny(h.Desc+h.Args, "\n") {
					t.Errorf("command %s: %+v: a description is one line", name, h)
				}
			}
		})
	}
	// The reference language says every value of the feed options and
	// every reason /feeds explains.
	for _, m := range []news.FullTextMode{news.FullTextAuto, news.FullTextAlways, news.FullTextNever} {
		if ar.FullTextModes[m] == "" {
			t.Errorf("FullTextModes lacks %q", m)
		}
	}
	for _, l := range []news.FeedLanguage{news.LangArabic, news.LangAny} {
		if ar.FeedLanguages[l] == "" {
			t.Errorf("FeedLanguages lacks %q", l)
		}
	}
	for _, r := range []news.PollReason{news.PollLearning, news.PollRecent, news.PollRhythm, news.PollQuiet,
		news.PollBreaking, news.PollWebSub, news.PollServerFresh} {
		if ar.PollReasons[r] == "" {
			t.Errorf("PollReasons lacks %q", r)
		}
	}
}

func sortedKeys[K ~string, V any](m map[K]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, string(k))
	}
	slices.Sort(ks)
	return ks
}

// verb finds a formatting verb (%% is a literal percent sign).
var verb = regexp.MustCompile(`%[^%]`)

func checkFormats(t *testing.T, c *Catalogue) {
	t.Helper()
	v := reflect.ValueOf(c).Elem()
	for i := range v.NumField() {
		f := v.Type().Field(i)
		if !f.IsExported() || f.Tag.Get("json") == "-" {
			continue
		}
		text, ok := v.Field(i).Interface().(string)
		if !ok {
			continue
		}
		tag, isFormat := f.Tag.Lookup("fmt")
		if !isFormat {
			if verb.MatchString(strings.ReplaceAll(text, "%%", "")) {
				t.Errorf("%s is sent as it is, but has a verb: %q", f.Name, text)
			}
			continue
		}
		var args []any
		for k, kind := range strings.Split(tag, ",") {
			switch kind {
			case "s":
				args = append(args, fmt.Sprintf("<arg%d>", k+1))
			case "d":
				args = append(args, 7+k)
			default:
				t.Fatalf("%s: fmt tag %q: kinds are s and d", f.Name, tag)
			}
		}
		out := fmt.Sprintf(text, args...)
		if strings.Contains(out, "%!") {
			t.Errorf("%s with %d arguments (%s): %q", f.Name, len(args), tag, out)
		}
		for k, a := range args {
			if s, ok := a.(string); ok && !strings.Contains(out, s) {
				t.Errorf("%s does not show its argument %d: %q", f.Name, k+1, out)
			}
		}
	}
}

// Arabic counts with the six CLDR categories, as data: the singular after
// one, the dual after two, the plural for 3–10, the accusative singular
// for 11–99, and the singular after 0 and whole hundreds (100, 101, 102).
func TestArabicCounts(t *testing.T) {
	ar := Arabic()
	for _, tc := range []struct {
		n    int
		want string
	}{
		{0, "0 خبر"}, {1, "خبر واحد"}, {2, "خبران"}, {3, "3 أخبار"}, {10, "10 أخبار"},
		{11, "11 خبرًا"}, {99, "99 خبرًا"}, {100, "100 خبر"}, {101, "101 خبر"}, {102, "102 خبر"},
		{103, "103 أخبار"}, {111, "111 خبرًا"}, {200, "200 خبر"}, {1000, "1000 خبر"},
	} {
		if got := ar.Count(ar.Stories, tc.n); got != tc.want {
			t.Errorf("Count(Stories, %d) = %q, want %q", tc.n, got, tc.want)
		}
	}
	// The verb agrees too: masculine before مصدر, feminine before مصادر.
	if got := ar.Count(ar.OtherSources, 3); got != "وأفادت به 3 مصادر أخرى" {
		t.Errorf("OtherSources(3) = %q", got)
	}
	if got := ar.Count(ar.OtherSources, 12); got != "وأفاد به 12 مصدرًا آخر" {
		t.Errorf("OtherSources(12) = %q", got)
	}
}

// A language that does not use a category falls back to Other, so an
// English file needs only one and other.
func TestPluralFallsBackToOther(t *testing.T) {
	en := &Catalogue{Language: "en"}
	c, err := parse("en", mustJSON(t, en))
	if err == nil {
		t.Fatalf("an empty catalogue was accepted: %+v", c)
	}
	ar := Arabic()
	ar.tag, ar.Language = mustTag(t, "en"), "en"
	p := Plural{One: "one story", Other: "%d stories"}
	for n, want := range map[int]string{0: "0 stories", 1: "one story", 2: "2 stories", 11: "11 stories"} {
		if got := ar.Count(p, n); got != want {
			t.Errorf("en Count(%d) = %q, want %q", n, got, want)
		}
	}
}

// A file that lacks an entry, misspells one, or is not JSON is refused,
// and says which.
func TestBadCatalogueRefused(t *testing.T) {
	good := mustJSON(t, Arabic())
	var m map[string]any
	if err := json.Unmarshal(good, &m); err != nil {
		t.Fatal(err)
	}
	lacking := maps.Clone(m)
	delete(lacking, "Welcome")
	misspelt := maps.Clone(m)
	misspelt["Welcom"] = "x"
	emptyPlural := maps.Clone(m)
	emptyPlural["Stories"] = map[string]string{"one": "x"}
	for name, tc := range map[string]struct {
		data []byte
		want string
	}{
		"lacks an entry":     {mustJSON(t, lacking), "lacks Welcome"},
		"unknown entry":      {mustJSON(t, misspelt), `unknown field "Welcom"`},
		"plural sans other":  {mustJSON(t, emptyPlural), "lacks Stories"},
		"not JSON":           {[]byte("Welcome = 1"), "invalid character"},
		"a bad language tag": {good, "language"},
	} {
		t.Run(name, func(t *testing.T) {
			lang := "fr"
			if name == "a bad language tag" {
				lang = "not a tag!"
			}
			_, err := parse(lang, tc.data)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("parse = %v, want an error saying %q", err, tc.want)
			}
		})
	}
	if _, err := parse("ar", good); err != nil {
		t.Errorf("the good catalogue, written back: %v", err)
	}
	if _, err := Load("zz"); err == nil || !strings.Contains(err.Error(), "bot/texts/zz.json") {
		t.Errorf("Load(zz) = %v, want an error naming the file to add", err)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustTag(t *testing.T, lang string) language.Tag {
	t.Helper()
	tag, err := language.Parse(lang)
	if err != nil {
		t.Fatal(err)
	}
	return tag
}
