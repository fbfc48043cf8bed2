package analyze_test

import (
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ajel-news/ajel/analyze"
	"github.com/ajel-news/ajel/feed"
	"github.com/ajel-news/ajel/internal/corpus"
)

// junkKinds are what must never reach a push, each found by a pattern of
// its own, independent of the cleaner it judges: platform footers, an
// outlet's cut marks, bylines opening the text, and placeholders of a
// story still being written.
var junkKinds = []struct {
	name string
	re   *regexp.Regexp
}{
	{"footer", regexp.MustCompile(`(?i)appeared first on|first appeared on|ظهرت? (?:ال)?(?:مقالة|مقال|تدوينة|موضوع|خبر) .{1,300} (?:أولاً|أولا|اولا|اولاً) (?:على|في)|continue reading|read more|(?:ا|إ)قرأ (?:المزيد|أيضا|أيضاً|ايضا)|تابع القراءة|أكمل القراءة`)},
	{"cut", regexp.MustCompile(`\[\s*(?:…|\.\.\.|&hellip;|&#8230;)\s*\]`)},
	{"byline", regexp.MustCompile(`^(?:بقلم|(?:ي|ت)كتب)\s*[:：]?\s*\S+(?:\s+\S+){0,3}?\s*[:：\-–—]|^(?i:by)\s+\p{Lu}\p{L}+(?:\s+\p{Lu}\p{L}+){0,3}\s*(?:[-–—|:]|$)`)},
	{"placeholder", regexp.MustCompile(`(?i)(?:ال)?تفاصيل (?:بعد قليل|تباعا|تباعاً|لاحقا|لاحقاً|قريبا|قريباً)|(?:ال)?مزيد (?:قريبا|قريباً|لاحقا|لاحقاً|بعد قليل)|قيد التحديث|(?:details|more|updates) to follow|developing story`)},
}

// TestJunkInRealFeedSummaries runs every item of the real outlets' feeds in
// ../shared/data/realfeeds (not part of the repository) through the path a
// pushed item takes — feed.Parse, then Analyze — and counts the summaries
// that carry junk, by kind (the figures of the README). Summaries that end
// in the middle of a sentence with no mark at all (an outlet that cuts
// silently) are counted too, for information: nothing in the text says
// where the sentence went.
//
//	go test ./analyze -run TestJunkInRealFeedSummaries -v
func TestJunkInRealFeedSummaries(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(corpus.File("realfeeds"), "feeds", "*.xml"))
	if len(files) == 0 {
		t.Skip("no real feeds in ../shared/data/realfeeds (a fresh clone has none)")
	}
	an := newAnalyzer(t)
	seen := map[string]bool{}
	counts := map[string]int{}
	var items, empty, unfinished int
	for _, path := range files {
		res, err := parseFile(path)
		if err != nil {
			t.Fatal(err)
		}
		outlet, _, _ := strings.Cut(filepath.Base(path), "__")
		for _, it := range res.Items {
			id := cmp.Or(it.URL, it.Key)
			if seen[id] {
				continue
			}
			seen[id] = true
			it.Source = outlet
			a, err := an.Analyze(it)
			if err != nil {
				t.Errorf("%s: %q: %v", outlet, it.Title, err)
				continue
			}
			items++
			if a.Summary == "" {
				empty++
				continue
			}
			for _, k := range junkKinds {
				if k.re.MatchString(a.Summary) {
					counts[k.name]++
					t.Logf("%s %s: %s", k.name, outlet, textEnd(a.Summary))
				}
			}
			if !endsAsASentence(a.Summary) {
				unfinished++
			}
		}
	}
	junk := 0
	for _, k := range junkKinds {
		junk += counts[k.name]
	}
	t.Logf("%d items of %d feed versions: junk in %d summaries (footer %d, cut %d, byline %d, placeholder %d); "+
		"%d without a summary; %d end mid-sentence with no mark",
		items, len(files), junk, counts["footer"], counts["cut"], counts["byline"], counts["placeholder"], empty, unfinished)
	if junk > 0 {
		t.Errorf("%d summaries carry junk", junk)
	}
}

// parseFile reads a feed file as the poller reads a feed.
func parseFile(path string) (*feed.Result, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	res, err := feed.Parse(fh, "", 0)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return res, nil
}

// endsAsASentence reports whether a summary ends with a sentence's end (or
// the "…" of a cut made visible), closing quotes and brackets aside.
func endsAsASentence(s string) bool {
	s = strings.TrimRight(s, " \"'”’»)]")
	r, _ := utf8.DecodeLastRuneInString(s)
	return slices.Contains([]rune(".!?؟…"), r)
}

// textEnd is the last 120 bytes of s, at a rune boundary: where junk sits.
func textEnd(s string) string {
	if len(s) <= 120 {
		return s
	}
	i := len(s) - 120
	for !utf8.RuneStart(s[i]) {
		i++
	}
	return "…" + s[i:]
}

// TestLanguageOfRealFeeds judges, with analyze.Screen (what decides
// whether a feed with lang=ar pushes an item), the language of every item
// of the real feeds in ../shared/data: the five outlets of realfeeds
// against their hand labels, and the feed shapes of ../shared/data/feeds
// (Arabic outlets, and one Urdu feed whose items must all be held).
//
//	go test ./analyze -run TestLanguageOfRealFeeds -v
func TestLanguageOfRealFeeds(t *testing.T) {
	labels := filepath.Join(corpus.File("realfeeds"), "labels.tsv")
	data, err := os.ReadFile(labels)
	if err != nil {
		t.Skip("no labels in ../shared/data/realfeeds (a fresh clone has none)")
	}
	lang := map[string]string{} // link → labelled language
	for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		f := strings.Split(line, "\t")
		if i == 0 || len(f) < 8 {
			continue
		}
		lang[f[2]] = f[7]
	}
	files, _ := filepath.Glob(filepath.Join(corpus.File("realfeeds"), "feeds", "*.xml"))
	more, _ := filepath.Glob(filepath.Join(corpus.File("feeds"), "*.xml"))
	seen := map[string]bool{}
	agree, labelled := 0, 0
	for _, path := range append(files, more...) {
		res, err := parseFile(path)
		if err != nil {
			continue // the feed shapes include a fixture with no items
		}
		arabicItems, items := 0, 0
		for _, it := range res.Items {
			if seen[it.URL+it.Key] {
				continue
			}
			seen[it.URL+it.Key] = true
			items++
			isArabic := analyze.Screen(it).Arabic
			if isArabic {
				arabicItems++
			}
			if l, ok := lang[it.URL]; ok {
				labelled++
				if isArabic == (l == "ar") {
					agree++
				} else {
					t.Errorf("%s: %q judged Arabic %v, labelled %s", filepath.Base(path), it.Title, isArabic, l)
				}
			}
		}
		if strings.Contains(path, "urdu") && arabicItems > 0 {
			t.Errorf("%s: %d of %d Urdu items judged Arabic", filepath.Base(path), arabicItems, items)
		}
		if strings.Contains(path, filepath.Join("data", "feeds")) && items > 0 {
			t.Logf("%s: %d of %d items Arabic", filepath.Base(path), arabicItems, items)
		}
	}
	t.Logf("realfeeds: the language of %d of %d labelled items as labelled", agree, labelled)
}
