package topic_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/topic"
)

// arabLeague is every member state: slug and the name a reader types.
var arabLeague = map[string]string{
	"syria": "سوريا", "lebanon": "لبنان", "iraq": "العراق", "jordan": "الأردن",
	"palestine": "فلسطين", "egypt": "مصر", "saudi-arabia": "السعودية", "uae": "الإمارات",
	"qatar": "قطر", "kuwait": "الكويت", "bahrain": "البحرين", "oman": "عمان",
	"yemen": "اليمن", "libya": "ليبيا", "tunisia": "تونس", "algeria": "الجزائر",
	"morocco": "المغرب", "sudan": "السودان", "mauritania": "موريتانيا", "somalia": "الصومال",
	"djibouti": "جيبوتي", "comoros": "جزر القمر",
}

func TestEmbeddedCatalogue(t *testing.T) {
	c := topic.Embedded()
	all := c.All()
	if len(all) < 30 || c.Len() != len(all) {
		t.Fatalf("embedded catalogue has %d topics (Len %d), want at least 30", len(all), c.Len())
	}
	seen := map[string]bool{}
	sawSection := false
	for i, tp := range all {
		if seen[tp.Slug] {
			t.Errorf("duplicate slug %q", tp.Slug)
		}
		seen[tp.Slug] = true
		if !topic.ValidSlug(tp.Slug) || len("unsub:"+tp.Slug) > 64 {
			t.Errorf("topic %d: bad slug %q", i, tp.Slug)
		}
		if tp.Name == "" || tp.Emoji == "" {
			t.Errorf("%s: name %q emoji %q", tp.Slug, tp.Name, tp.Emoji)
		}
		if n := len(tp.Words); n < 10 || n > 40 {
			t.Errorf("%s has %d words, want 10 to 40", tp.Slug, n)
		}
		words := map[string]bool{}
		for _, w := range tp.Words {
			if strings.TrimSpace(w) == "" || w != strings.TrimSpace(w) {
				t.Errorf("%s: word %q is empty or padded", tp.Slug, w)
			}
			if words[w] {
				t.Errorf("%s: word %q twice", tp.Slug, w)
			}
			words[w] = true
		}
		switch tp.Kind {
		case news.TopicPlace:
			if sawSection {
				t.Errorf("place %s listed after a section", tp.Slug)
			}
		case news.TopicSection:
			sawSection = true
		default:
			t.Errorf("%s: kind %q", tp.Slug, tp.Kind)
		}
		if got, ok := c.Lookup(tp.Name); !ok || got.Slug != tp.Slug {
			t.Errorf("Lookup(own name %q) = %q, %v", tp.Name, got.Slug, ok)
		}
		if got, ok := c.BySlug(tp.Slug); !ok || got.Name != tp.Name {
			t.Errorf("BySlug(%q) = %v, %v", tp.Slug, got, ok)
		}
	}
	for slug, name := range arabLeague {
		tp, ok := c.BySlug(slug)
		if !ok || tp.Kind != news.TopicPlace {
			t.Errorf("Arab League member %s (%s) missing", slug, name)
			continue
		}
		if got, ok := c.Lookup(name); !ok || got.Slug != slug {
			t.Errorf("Lookup(%q) = %q, %v, want %s", name, got.Slug, ok, slug)
		}
	}
	if p, s := len(c.Places()), len(c.Sections()); p+s != len(all) || s < 6 || p < len(arabLeague) {
		t.Errorf("%d places + %d sections, %d topics", p, s, len(all))
	}
}

// TestEmbeddedAvoidsAmbiguousWords guards against words known to cause
// false positives (see the notes in catalogue.json).
func TestEmbeddedAvoidsAmbiguousWords(t *testing.T) {
	bad := map[string]string{
		"عمان": "also Amman", "القمر": "the moon", "هدف": "aim, target", "صحة": "truth of a report",
		"الطائف": "matches الطائفية", "حماس": "enthusiasm", "الأقصى": "maximum (الحد الأقصى)",
		"فتح": "opened", "تطبيق": "applying", "عالم": "world", "شعر": "hair, felt",
		"المنتخب": "elected", "تدمر": "destroys", "العين": "the eye", "كيف": "how",
		"بورصة": "a stock exchange, not Bursa",
	}
	for _, tp := range topic.Embedded().All() {
		for _, w := range tp.Words {
			if why, ok := bad[w]; ok {
				t.Errorf("%s lists %q alone, which is ambiguous (%s)", tp.Slug, w, why)
			}
		}
	}
}

func TestLookup(t *testing.T) {
	c := topic.Embedded()
	tests := []struct {
		text string
		want string // "" = not found
	}{
		{"syria", "syria"},
		{"  SYRIA ", "syria"},
		{"Saudi-Arabia", "saudi-arabia"},
		{"saudi arabia", "saudi-arabia"},
		{"saudi_arabia", "saudi-arabia"},
		{"سوريا", "syria"},
		{"سورية", "syria"},
		{"سوريّا", "syria"},
		{"ســوريـا", "syria"},
		{"🇸🇾 سوريا", "syria"},
		{"سوريا.", "syria"},
		{"\u200fسوريا\u200f", "syria"},
		{"اقتصاد", "economy"},
		{"الاقتصاد", "economy"},
		{"الإقتصاد", "economy"},
		{"السياسة", "politics"},
		{"سياسه", "politics"},
		{"الرياضة", "sports"},
		{"رياضه", "sports"},
		{"صحة", "health"},
		{"الصحه", "health"},
		{"تقنية", "technology"},
		{"فن", "culture"},
		{"المناخ", "environment"},
		{"الاردن", "jordan"},
		{"أردن", "jordan"},
		{"الإمارات", "uae"},
		{"الامارات", "uae"},
		{"آمريكا", "usa"},
		{"أميركا", "usa"},
		{"الولايات المتحدة", "usa"},
		{"ايران", "iran"},
		{"إسرائيل", "israel"},
		{"اسرائيل", "israel"},
		{"عُمان", "oman"},
		{"سلطنة عمان", "oman"},
		{"جزر القمر", "comoros"},
		{"موريتانيا", "mauritania"},
		{"ليبيا", "libya"},
		{"روسيا", "russia"},
		{"الصين", "china"},
		{"صين", "china"},
		{"الکويت", "kuwait"}, // Persian kaf
		{"موريتانياً", "mauritania"},
		{"", ""},
		{"   ", ""},
		{"🇸🇾", ""},
		{"إدلب", ""},  // a word of syria, not a name: a keyword subscription
		{"دمشق", ""},  // likewise
		{"القمر", ""}, // the moon is not the Comoros
		{"ال", ""},
		{"mars", ""},
		{"syria-", "syria"},
	}
	for _, tc := range tests {
		got, ok := c.Lookup(tc.text)
		if ok != (tc.want != "") || got.Slug != tc.want {
			t.Errorf("Lookup(%q) = %q, %v; want %q", tc.text, got.Slug, ok, tc.want)
		}
	}
}

func TestReturnedTopicsAreCopies(t *testing.T) {
	c := topic.Embedded()
	tp, _ := c.BySlug("syria")
	want := tp.Words[0]
	tp.Words[0] = "changed"
	c.All()[0].Words[0] = "changed"
	c.Places()[0].Words[0] = "changed"
	if got, _ := c.BySlug("syria"); got.Words[0] != want {
		t.Errorf("catalogue changed through a returned topic: %q", got.Words[0])
	}
}

func TestLoad(t *testing.T) {
	c, err := topic.Load("")
	if err != nil || c.Len() != topic.Embedded().Len() {
		t.Fatalf("Load(\"\") = %v, %v; want the embedded catalogue", c, err)
	}
	path := writeFile(t, `[{"slug":"x","name":"اكس","kind":"section","words":["اكس"]}]`)
	c, err = topic.Load(path)
	if err != nil || c.Len() != 1 {
		t.Fatalf("Load(file) = %v, %v", c, err)
	}
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "topics.json")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadFileGood(t *testing.T) {
	path := writeFile(t, `[
  {"slug": "idlib", "name": "إدلب", "kind": "place", "emoji": "📍", "aliases": ["ادلب"], "note": "a city", "words": [" إدلب ", "سراقب"]},
  {"slug": "oil", "name": "النفط", "kind": "section", "words": ["النفط", "أوبك"]},
  {"slug": "gaza", "name": "غزة", "kind": "place", "words": ["غزة"]}
]`)
	c, err := topic.LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var slugs []string
	for _, tp := range c.All() {
		slugs = append(slugs, tp.Slug)
	}
	if strings.Join(slugs, ",") != "idlib,oil,gaza" {
		t.Errorf("All() order = %v, want the file's", slugs)
	}
	if len(c.Places()) != 2 || len(c.Sections()) != 1 {
		t.Errorf("places %d sections %d", len(c.Places()), len(c.Sections()))
	}
	tp, ok := c.Lookup("نفط")
	if !ok || tp.Slug != "oil" {
		t.Errorf("Lookup(نفط) = %v, %v", tp, ok)
	}
	tp, ok = c.BySlug("idlib")
	if !ok || tp.Words[0] != "إدلب" || tp.Emoji != "📍" {
		t.Errorf("BySlug(idlib) = %+v (words are trimmed)", tp)
	}
	if _, ok := c.Lookup("سوريا"); ok {
		t.Error("a file replaces the embedded catalogue, but سوريا was found")
	}
}

func TestLoadFileBad(t *testing.T) {
	topicJSON := func(slug, name, kind, words string) string {
		return `{"slug":"` + slug + `","name":"` + name + `","kind":"` + kind + `","words":` + words + `}`
	}
	ok := topicJSON("syria", "سوريا", "place", `["سوريا"]`)
	tests := []struct {
		name    string
		content string
		want    []string // substrings of the error, after the file name
	}{
		{"not JSON", "syria: سوريا\n", []string{"not valid catalogue JSON at line 1, column 1", "expected an array"}},
		{"broken JSON", "[\n" + ok + ",\n{\"slug\": }]", []string{"not valid catalogue JSON at line 3"}},
		{"object not array", `{"slug":"syria"}`, []string{"not valid catalogue JSON", "expected an array"}},
		{"empty file", "  \n", []string{"the file is empty"}},
		{"empty array", "[]", []string{"no topics"}},
		{"trailing data", "[" + ok + "] []", []string{"unexpected data after the array"}},
		{"unknown field", `[{"slug":"syria","name":"سوريا","kind":"place","word":["سوريا"]}]`, []string{`unknown field "word"`}},
		{"words not a list", "[\n" + topicJSON("syria", "سوريا", "place", `"سوريا"`) + "]", []string{"line 2", `"words" must be a list of strings, not a JSON string`}},
		{"duplicate slug", "[" + ok + "," + topicJSON("syria", "سورية", "place", `["دمشق"]`) + "]", []string{`topic #2 ("syria"): duplicate slug, already used by topic #1`}},
		{"bad slug upper", "[" + topicJSON("Syria", "سوريا", "place", `["سوريا"]`) + "]", []string{`topic #1 ("Syria"): bad slug "Syria"`}},
		{"bad slug arabic", "[" + topicJSON("سوريا", "سوريا", "place", `["سوريا"]`) + "]", []string{`bad slug "سوريا"`}},
		{"bad slug long", "[" + topicJSON(strings.Repeat("a", 33), "سوريا", "place", `["سوريا"]`) + "]", []string{"bad slug", "1 to 32 characters"}},
		{"empty slug", "[" + topicJSON("", "سوريا", "place", `["سوريا"]`) + "]", []string{`topic #1: bad slug ""`}},
		{"empty name", "[" + ok + "," + topicJSON("lebanon", " ", "place", `["لبنان"]`) + "]", []string{`topic #2 ("lebanon"): empty name`}},
		{"unknown kind", "[" + topicJSON("syria", "سوريا", "country", `["سوريا"]`) + "]", []string{`topic #1 ("syria"): unknown kind "country": use "place" or "section"`}},
		{"no words", "[" + topicJSON("syria", "سوريا", "place", `[]`) + "]", []string{`topic #1 ("syria"): no words`}},
		{"missing words", `[{"slug":"syria","name":"سوريا","kind":"place"}]`, []string{`topic #1 ("syria"): no words`}},
		{"empty word", "[" + topicJSON("syria", "سوريا", "place", `["سوريا"," "]`) + "]", []string{`topic #1 ("syria"): word #2 is empty`}},
		{"name collision", "[" + ok + "," + topicJSON("syria2", "السوريا", "place", `["دمشق"]`) + "]", []string{`topic #2 ("syria2"): name or alias "السوريا" is already a name of topic #1 ("syria")`}},
		{"several problems", "[" + topicJSON("Bad", "", "x", `[]`) + "]", []string{"bad slug", "empty name", "unknown kind", "no words", "; "}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, tc.content)
			c, err := topic.LoadFile(path)
			if err == nil {
				t.Fatalf("LoadFile accepted it: %d topics", c.Len())
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "topic: "+path+": ") {
				t.Errorf("error %q does not start with the file name", msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q\nshould contain %q", msg, w)
				}
			}
			if strings.Contains(msg, "\n") {
				t.Errorf("error has several lines: %q", msg)
			}
		})
	}
}

func TestLoadFileMissing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope.json")
	_, err := topic.LoadFile(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), path) {
		t.Errorf("LoadFile(missing) = %v, want a not-exist error naming the file", err)
	}
}

func TestNew(t *testing.T) {
	c, err := topic.New([]news.Topic{{Slug: "gaza", Name: "غزة", Kind: news.TopicPlace, Words: []string{"غزة"}}})
	if err != nil {
		t.Fatal(err)
	}
	if tp, ok := c.Lookup("غزه"); !ok || tp.Slug != "gaza" {
		t.Errorf("Lookup(غزه) = %v, %v", tp, ok)
	}
	if _, err := topic.New(nil); err == nil {
		t.Error("New(nil) accepted an empty catalogue")
	}
	if _, err := topic.New([]news.Topic{{Slug: "x", Name: "x", Kind: "place"}}); err == nil || !strings.Contains(err.Error(), "no words") {
		t.Errorf("New without words: %v", err)
	}
}

func TestValidSlug(t *testing.T) {
	tests := map[string]bool{
		"syria": true, "saudi-arabia": true, "g7": true, strings.Repeat("a", 32): true,
		"": false, "Syria": false, "-syria": false, "syria-": false, "a--b": false,
		"a_b": false, "a b": false, "سوريا": false, strings.Repeat("a", 33): false,
	}
	for s, want := range tests {
		if got := topic.ValidSlug(s); got != want {
			t.Errorf("ValidSlug(%q) = %v, want %v", s, got, want)
		}
	}
}

// The object form carries sources, actors, labels and marks; the list of
// topics alone still loads, with the embedded sources and actors.
func TestLoadFileObjectForm(t *testing.T) {
	path := writeFile(t, `{"sources": ["نشرة"], "actors": ["المجلس"], "topics": [
  {"slug": "home", "name": "بلدنا", "kind": "place", "words": ["بلدنا", "النهر"],
   "marks": {"النهر": {"with": ["@home", "الجسر"], "not_in": ["النهر الكبير"], "article": "required"}}},
  {"slug": "games", "name": "ألعاب", "kind": "section", "labels": ["Games", "الألعاب"], "words": ["لعبة"]}
]}`)
	c, err := topic.LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.Sources(), []string{"نشرة"}) || !slices.Equal(c.Actors(), []string{"المجلس"}) {
		t.Errorf("sources %q actors %q", c.Sources(), c.Actors())
	}
	for _, label := range []string{"games", "GAMES", "ألعاب", "الألعاب", "العاب"} {
		if got := c.SectionsLabelled(label); !slices.Equal(got, []string{"games"}) {
			t.Errorf("SectionsLabelled(%q) = %q", label, got)
		}
	}
	if got := c.SectionsLabelled("home"); got != nil {
		t.Errorf("a place's slug is no section label: %q", got)
	}
	if p, ok := c.Place("Home"); !ok || p.Slug != "home" {
		t.Errorf("Place(Home) = %v, %v", p, ok)
	}
	if _, ok := c.Place("games"); ok {
		t.Error("a section is a country")
	}
	// A list alone takes the embedded sources and actors.
	old, err := topic.LoadFile(writeFile(t, `[{"slug":"x","name":"اكس","kind":"place","words":["اكس"]}]`))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(old.Sources(), topic.Embedded().Sources()) || len(old.Actors()) == 0 {
		t.Errorf("a list of topics has sources %q actors %q", old.Sources(), old.Actors())
	}
}

// A section's hints are its own when the file gives them, none when it
// gives an empty list, and else the embedded section's of the same slug,
// which the embedded model learnt.
func TestHints(t *testing.T) {
	embedded := topic.Embedded()
	for _, s := range embedded.Sections() {
		if len(embedded.Hints(s.Slug)) < 20 {
			t.Errorf("embedded section %s has %d hints", s.Slug, len(embedded.Hints(s.Slug)))
		}
	}
	if h := embedded.Hints("syria"); h != nil {
		t.Errorf("a place has hints %q", h)
	}
	c, err := topic.LoadFile(writeFile(t, `[
  {"slug": "economy", "name": "اقتصاد", "kind": "section", "words": ["البورصة"]},
  {"slug": "sports", "name": "رياضة", "kind": "section", "words": ["مباراة"], "hints": [" الملعب ", "الجمهور"]},
  {"slug": "culture", "name": "ثقافة", "kind": "section", "words": ["مسرح"], "hints": []},
  {"slug": "games", "name": "ألعاب", "kind": "section", "words": ["لعبة"]}]`))
	if err != nil {
		t.Fatal(err)
	}
	for slug, want := range map[string][]string{
		"economy": embedded.Hints("economy"), "sports": {"الملعب", "الجمهور"}, "culture": {}, "games": nil,
	} {
		if got := c.Hints(slug); !slices.Equal(got, want) {
			t.Errorf("Hints(%s) = %q, want %q", slug, got, want)
		}
	}
}

func TestLoadFileBadMarks(t *testing.T) {
	topicWith := func(extra string) string {
		return `{"topics": [{"slug":"syria","name":"سوريا","kind":"place","words":["سوريا","القنيطرة"]` + extra + `},
			{"slug":"sports","name":"رياضة","kind":"section","words":["مباراة"]}]}`
	}
	tests := []struct {
		name, content string
		want          []string
	}{
		{"a mark for a word it lacks", topicWith(`,"marks":{"حمص":{"article":"required"}}`), []string{`topic #1 ("syria"): mark for "حمص", which is not one of its words`}},
		{"a bad article", topicWith(`,"marks":{"القنيطرة":{"article":"sometimes"}}`), []string{`article "sometimes": use "required" or "never"`}},
		{"bad endings", topicWith(`,"marks":{"القنيطرة":{"endings":"few"}}`), []string{`endings "few": use "none" or "adjective"`}},
		{"an unknown topic", topicWith(`,"marks":{"القنيطرة":{"with":["@narnia"]}}`), []string{`"@narnia" names no topic of the catalogue`}},
		{"an empty condition", topicWith(`,"marks":{"القنيطرة":{"without":["!!"]}}`), []string{`condition "!!" has no word`}},
		{"not_in no longer than the word", topicWith(`,"marks":{"القنيطرة":{"not_in":["القنيطرة"]}}`), []string{`not_in "القنيطرة" must be longer than the word`}},
		{"labels on a place", topicWith(`,"labels":["syria"]`), []string{`labels are for sections`}},
		{"hints on a place", topicWith(`,"hints":["الحكومة"]`), []string{`topic #1 ("syria"): hints are for sections`}},
		{"a hint with no word", `{"topics": [{"slug":"sports","name":"رياضة","kind":"section","words":["مباراة"],"hints":["الملعب","؟!"]}]}`,
			[]string{`topic #1 ("sports"): hint #2 "؟!" has no word`}},
		{"a misspelt mark field", topicWith(`,"marks":{"القنيطرة":{"whith":["@syria"]}}`), []string{`unknown field "whith"`}},
		{"an empty source", `{"sources": ["  "], "topics": [{"slug":"x","name":"اكس","kind":"place","words":["اكس"]}]}`, []string{`source #1 "" has no word`}},
		{"an unknown top-level field", `{"source": [], "topics": []}`, []string{`unknown field "source"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, tc.content)
			_, err := topic.LoadFile(path)
			if err == nil {
				t.Fatal("LoadFile accepted it")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\nshould contain %q", err, w)
				}
			}
		})
	}
}

// TestEmbeddedMarksTheAmbiguousWords guards the marks found with
// `go run ./cmd/trainmodel -ambiguous 5`: a word that ANT shows to be also
// a common word, a name or a place elsewhere must keep its mark.
func TestEmbeddedMarksTheAmbiguousWords(t *testing.T) {
	c := topic.Embedded()
	cl := topic.NewClassifier(c, nil)
	// Each sentence uses the word in its other sense and names nothing
	// else: no place may be found.
	for word, other := range map[string]string{
		"الأحمدي":  "التقى الوزير بالسفير أحمدي في مكتبه",
		"زوارة":    "استقبل المعرض زواره من كل مكان",
		"جبلة":     "صعد الفريق إلى الموقع الجبلي الوعر",
		"وجدة":     "قدم الممثل وجدي دورا جديدا",
		"الوكرة":   "فاز الفريق بكأس كرة القدم وكرة السلة",
		"صحار":     "قطعت القافلة الصحاري الواسعة",
		"بربرة":    "وصف الكاتب ما جرى بأنه عمل بربري",
		"سرت":      "كسرت العاصفة أغصان الأشجار",
		"سبها":     "يسهل كسبها في الأسواق",
		"الريان":   "فاز المتسابق ريان بالجائزة الأولى",
		"الجيزة":   "قدم المحاضر كلمة وجيزة",
		"الرقة":    "عزفت فرقة الموسيقى لحنا جديدا",
		"أريحا":    "تحدث الضيف بأريحية عن تجربته",
		"الإيغور":  "انضم المدافع ايغور إلى الفريق",
		"الكنيست":  "زار السياح كنيستها القديمة",
		"عدن":      "استقبل المدرب عدنان لاعبيه",
		"الحديدة":  "تطورت السكك الحديدية في القارة",
		"المنصورة": "تحدث الكاتب المنصوري عن روايته",
		"مأرب":     "لكل منهم مآرب أخرى",
		"البرهان":  "قدم الباحث البرهان على صحة فكرته",
		"القدس":    "تحدث الخطيب عن حديث قدسي",
		"اليوان":   "أقيم الحفل في ويوان الحديقة",
	} {
		if got := cl.Places(other, ""); len(got) != 0 {
			t.Errorf("%q (%s): places %q; its mark no longer holds", other, word, got)
		}
	}
}
