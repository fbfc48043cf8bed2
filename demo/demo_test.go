package demo_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/ajel-news/ajel/demo"
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
	fs := demo.NewFeedServer(demo.Articles(), 2)
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
