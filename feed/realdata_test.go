package feed_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/ajel-news/ajel/feed"
)

// TestRealFeeds parses the feed shapes collected in ../shared/data/feeds
// (not part of the repository): every file must parse, every item must
// have an identity, and Arabic feeds, windows-1256 ones included, must come
// out as Arabic.
func TestRealFeeds(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "data", "feeds")
	files, _ := filepath.Glob(filepath.Join(dir, "*.xml"))
	if len(files) == 0 {
		t.Skip("no real feeds in ../../shared/data/feeds (a fresh clone has none)")
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			fh, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer fh.Close()
			res, err := feed.Parse(fh, "", 0)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if strings.Contains(name, "windows-1256") && res.Charset != "windows-1256" {
				t.Errorf("charset %q", res.Charset)
			}
			if name == "feedparser_x80_windows-1256.atom.xml" {
				if res.Title != "€" {
					t.Errorf("title %q, want €", res.Title)
				}
				return
			}
			if len(res.Items) == 0 {
				t.Fatal("no items")
			}
			keys := map[string]bool{}
			dated := 0
			for _, a := range res.Items {
				if keys[a.Key] {
					t.Errorf("duplicate key %s", a.Key)
				}
				keys[a.Key] = true
				if !utf8.ValidString(a.Title) || !utf8.ValidString(a.Text) || strings.ContainsRune(a.Title+a.Text, utf8.RuneError) {
					t.Errorf("item %q has invalid text", a.Title)
				}
				if !a.PublishedAt.IsZero() {
					dated++
				}
			}
			if dated == 0 {
				t.Error("no item has a date")
			}
			if !strings.Contains(name, "urdu") && arabicShare(res.Items[0].Title+res.Title) < 0.5 {
				t.Errorf("not Arabic: feed %q, first title %q", res.Title, res.Items[0].Title)
			}
			t.Logf("%s: %d items, charset %s, source %q, first %q at %v", name, len(res.Items), res.Charset,
				res.Items[0].Source, res.Items[0].Title, res.Items[0].PublishedAt)
		})
	}
}

func arabicShare(s string) float64 {
	var letters, arabic int
	for _, r := range s {
		if unicode.IsLetter(r) {
			letters++
			if unicode.Is(unicode.Arabic, r) {
				arabic++
			}
		}
	}
	if letters == 0 {
		return 0
	}
	return float64(arabic) / float64(letters)
}

// TestRealFeedsSameInEveryEncoding checks that the windows-1256 copy of a
// feed gives exactly the items of its UTF-8 original.
func TestRealFeedsSameInEveryEncoding(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "data", "feeds")
	parse := func(name string) *feed.Result {
		fh, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Skipf("real feed absent: %v", err)
		}
		defer fh.Close()
		res, err := feed.Parse(fh, "", 0)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return res
	}
	utf := parse("ant_bbc_arabic_rss.xml")
	cp := parse("ant_bbc_arabic_rss_windows-1256.xml")
	if utf.Title != cp.Title || len(utf.Items) != len(cp.Items) {
		t.Fatalf("titles %q / %q, items %d / %d", utf.Title, cp.Title, len(utf.Items), len(cp.Items))
	}
	for i := range utf.Items {
		a, b := utf.Items[i], cp.Items[i]
		if a.Key != b.Key || a.Title != b.Title || a.Text != b.Text || !a.PublishedAt.Equal(b.PublishedAt) {
			t.Errorf("item %d differs:\n%+v\n%+v", i, a, b)
		}
	}
}
