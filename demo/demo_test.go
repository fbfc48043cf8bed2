package demo_test

import (
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ajel-news/ajel/demo"
	"github.com/mmcdole/gofeed"
)

func TestSampleArticles(t *testing.T) {
	as := demo.Articles()
	if len(as) < 12 {
		t.Fatalf("%d sample articles, the demo promises at least 12", len(as))
	}
	breaking := 0
	for _, a := range as {
		if a.Title == "" || a.Text == "" || !strings.HasPrefix(a.Link, "https://") {
			t.Errorf("incomplete sample article %+v", a)
		}
		if strings.HasPrefix(a.Title, "عاجل") {
			breaking++
		}
	}
	if breaking == 0 {
		t.Error("no sample article is marked عاجل")
	}
}

func TestFeedServerReleasesItems(t *testing.T) {
	fs := demo.NewFeedServer(nil, demo.Articles(), 2)
	defer fs.Close()
	get := func(u string) string {
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	before := get(fs.URLs()[0]) + get(fs.URLs()[1])
	if n := strings.Count(before, "<item>"); n != 2 {
		t.Fatalf("%d items before any release, want 2", n)
	}
	a, ok := fs.Release()
	if !ok {
		t.Fatal("nothing to release")
	}
	after := get(fs.URLs()[0]) + get(fs.URLs()[1])
	if strings.Count(after, "<item>") != 3 || !strings.Contains(after, a.Title) {
		t.Fatalf("released article missing:\n%s", after)
	}
}

// A teaser item carries the first words and a link to its page on the
// feed server; the page has the whole text and the picture, which the
// feed server draws.
func TestFeedServerServesTeaserPagesAndPictures(t *testing.T) {
	as := demo.Articles()
	fs := demo.NewFeedServer(nil, as, len(as))
	defer fs.Close()
	get := func(u string) (string, string, int) {
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b), resp.Header.Get("Content-Type"), resp.StatusCode
	}
	wire, _, _ := get(fs.URLs()[0])
	teasers := 0
	for _, a := range as {
		if !a.Teaser {
			continue
		}
		teasers++
		if strings.Contains(wire, a.Text) {
			t.Errorf("the teaser item %q carries its whole text", a.Title)
		}
	}
	if teasers < 2 {
		t.Fatalf("%d teaser items in the sample, want at least 2", teasers)
	}
	base := strings.TrimSuffix(fs.URLs()[0], "/wire.xml")
	page, ct, code := get(base + "/articles/9.html")
	if code != 200 || !strings.HasPrefix(ct, "text/html") || !strings.Contains(page, "النبك") ||
		!strings.Contains(page, `property="og:image" content="`+base+`/pictures/road.png"`) {
		t.Errorf("page 9: %d %s\n%s", code, ct, page)
	}
	if _, _, code := get(base + "/articles/1.html"); code != 404 {
		t.Errorf("a page for an item that is not a teaser: %d", code)
	}
	if !strings.Contains(wire, `<enclosure url="`+base+`/pictures/aid.png" type="image/png"`) {
		t.Errorf("the aid item's picture is not its enclosure:\n%s", wire)
	}
	for _, name := range []string{"road", "mosque", "aid"} {
		body, ct, code := get(base + "/pictures/" + name + ".png")
		if code != 200 || ct != "image/png" || !strings.HasPrefix(body, "\x89PNG") {
			t.Errorf("picture %s: %d %s", name, code, ct)
		}
	}
	if _, _, code := get(base + "/pictures/nope.png"); code != 404 {
		t.Errorf("an unknown picture: %d", code)
	}
}

// Yesterday's archive is in the feeds from the start, dated over the day
// before the demo, so Ajel's first poll records it without pushing it.
func TestFeedServerListsTheArchive(t *testing.T) {
	arch, as := demo.Archive(), demo.Articles()
	fs := demo.NewFeedServer(arch, as, 2)
	defer fs.Close()
	if n := fs.Remaining(); n != len(as)-2 {
		t.Fatalf("%d articles to release, want %d: the archive is not released", n, len(as)-2)
	}
	var items []*gofeed.Item
	for _, u := range fs.URLs() {
		f, err := gofeed.NewParser().ParseURL(u)
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, f.Items...)
	}
	if len(items) != len(arch)+2 {
		t.Fatalf("%d items in the feeds, want the archive's %d and 2", len(items), len(arch))
	}
	now := time.Now()
	for _, it := range items {
		archived := slices.ContainsFunc(arch, func(a demo.Article) bool { return a.Title == it.Title })
		age := now.Sub(*it.PublishedParsed)
		if archived && (age < 30*time.Minute || age > 24*time.Hour) || !archived && age > 10*time.Minute {
			t.Errorf("%q (archive: %v) published %s ago", it.Title, archived, age.Round(time.Minute))
		}
	}
}
