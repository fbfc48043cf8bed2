package demo_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ajel-news/ajel/demo"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/story"
	"github.com/ajel-news/ajel/topic"
)

// The demo's promise, read off the real story detector: of the sample
// news, only the earthquake (a near copy) and the Tartus ship (the second
// outlet in its own words) are told twice; the sailors' union's criticism
// of the same sinking, the next push about Tartus, stays a story of its
// own, and so does everything else. Yesterday's archive is what lets the
// words be weighed: without it the second telling of the ship is a second
// story.
func TestSampleNewsStories(t *testing.T) {
	cat, err := topic.Load("")
	if err != nil {
		t.Fatal(err)
	}
	// assign runs the sample news through a detector as the demo's feeds
	// publish it (the archive over the day before, the rest 3 s apart)
	// and returns, for each article, the index of the first article of
	// its story and the detector's reason.
	assign := func(archive []demo.Article) (first []int, why []string) {
		now := time.Now()
		det := story.NewDetector(story.Options{Places: cat.Places(), Now: func() time.Time { return now }})
		for i, a := range archive {
			pub := now.Add(-20*time.Hour + time.Duration(i)*20*time.Hour/time.Duration(len(archive)))
			det.Add(int64(-1-i), news.Article{Title: a.Title, Text: a.Text, URL: a.Link, Source: a.Outlet, PublishedAt: pub, SeenAt: now})
		}
		for i, a := range demo.Articles() {
			now = now.Add(3 * time.Second)
			art := news.Article{Title: a.Title, Text: a.Text, URL: a.Link, Source: a.Outlet, PublishedAt: now, SeenAt: now}
			dec := det.Decide(art)
			id := dec.StoryID
			switch {
			case id == 0:
				id = int64(i + 1)
				first = append(first, i)
			case id < 0:
				t.Errorf("%q joined yesterday's story %d: %s", a.Title, -id-1, dec.Reason)
				first = append(first, i)
			default:
				first = append(first, int(id-1))
			}
			why = append(why, dec.Reason)
			det.Add(id, art)
		}
		return first, why
	}
	as := demo.Articles()
	index := func(prefix string) int {
		t.Helper()
		for i, a := range as {
			if strings.HasPrefix(a.Title, prefix) {
				return i
			}
		}
		t.Fatalf("no sample article opens with %q", prefix)
		return -1
	}
	quake, quake2 := index("عاجل: زلزال"), index("زلزال بقوة")
	ship, ship2, union := index("غرق سفينة شحن"), index("إنقاذ 12 بحاراً"), index("نقابة البحارة")

	first, why := assign(demo.Archive())
	for i, a := range as {
		want := i
		switch i {
		case quake2:
			want = quake
		case ship2:
			want = ship
		}
		if first[i] != want {
			t.Errorf("%q: story of article %d, want %d (%s)", a.Title, first[i], want, why[i])
		}
	}
	if !strings.HasPrefix(why[ship2], "event ") {
		t.Errorf("the ship's second telling joined, but not by event matching: %s", why[ship2])
	}
	if !strings.Contains(why[union], "a reaction beside what it reacts to") {
		t.Errorf("the union's criticism stays apart, but not as a reaction: %s", why[union])
	}

	first, why = assign(nil)
	if first[ship2] != ship2 || !strings.Contains(why[ship2], "too few recent articles") {
		t.Errorf("without the archive the ship's second telling: story of %d, %s", first[ship2], why[ship2])
	}
}

// Yesterday's news is complete, written for the demo, and enough for
// event matching to weigh words (it needs 30 recent articles).
func TestArchive(t *testing.T) {
	arch := demo.Archive()
	if len(arch) < 30 {
		t.Fatalf("%d archive articles, event matching needs 30 before it weighs words", len(arch))
	}
	links := map[string]bool{}
	for _, a := range append(arch, demo.Articles()...) {
		if a.Title == "" || a.Text == "" || !strings.HasPrefix(a.Link, "https://") || (a.Outlet != "wire" && a.Outlet != "levant") {
			t.Errorf("incomplete sample article %+v", a)
		}
		if links[a.Link] {
			t.Errorf("two sample articles share the link %s", a.Link)
		}
		links[a.Link] = true
	}
}
