package analyze_test

import (
	"cmp"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

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
	{"byline", regexp.MustCompile(`^(?:بقلم|(?:ي|ت)?كتب(?:ت)?)\s*[:：]?\s*\S+(?:\s+\S+){0,3}?\s*[:：\-–—]|^(?i:by)\s+\p{Lu}\p{L}+(?:\s+\p{Lu}\p{L}+){0,3}\s*(?:[-–—|:]|$)`)},
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
		fh, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		res, err := feed.Parse(fh, "", 0)
		fh.Close()
		if err != nil {
			t.Fatalf("%s: %v", path, err)
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
