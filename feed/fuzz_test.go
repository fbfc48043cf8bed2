package feed_test

import (
	"bytes"
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/ajel-news/ajel/feed"
)

// FuzzParse feeds arbitrary bytes and content types to Parse: it must
// never panic, must return either a result or an error, and what it
// returns must be valid UTF-8 with an identity for every item.
func FuzzParse(f *testing.F) {
	f.Add([]byte(rssCDATA), "application/rss+xml")
	f.Add([]byte(atomFeed), "")
	f.Add([]byte(jsonFeed), "application/feed+json")
	f.Add([]byte(encode1256(f, rss1256(` encoding="windows-1256"`))), "")
	f.Add([]byte(encode1256(f, rss1256(""))), "text/xml; charset=windows-1256")
	f.Add([]byte("<!doctype html><html></html>"), "text/html")
	f.Add([]byte(`<rss><channel><item><title>&#0;&#xD800;</title></item>`), "")
	f.Add([]byte("\xFF\xFE<\x00r\x00s\x00s\x00>\x00"), "")
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1","items":[{"id":1}]}`), "application/json; charset=utf-16")
	f.Fuzz(func(t *testing.T, data []byte, contentType string) {
		res, err := feed.Parse(bytes.NewReader(data), contentType, 1<<20)
		if err != nil {
			if res != nil {
				t.Fatal("result and error")
			}
			for _, kind := range []error{feed.ErrEmptyBody, feed.ErrNotAFeed, feed.ErrMalformed, feed.ErrTooLarge} {
				if errors.Is(err, kind) {
					return
				}
			}
			t.Fatalf("error matches no sentinel: %v", err)
		}
		if !utf8.ValidString(res.Title) {
			t.Errorf("invalid UTF-8 title %q", res.Title)
		}
		keys := map[string]bool{}
		for _, a := range res.Items {
			if a.Key == "" || len(a.Key) > 100 || keys[a.Key] {
				t.Errorf("bad or repeated key %q", a.Key)
			}
			keys[a.Key] = true
			if a.Title == "" && a.Text == "" {
				t.Error("item with neither title nor text")
			}
			if !utf8.ValidString(a.Title) || !utf8.ValidString(a.Text) {
				t.Errorf("invalid UTF-8 in %q", a.Title)
			}
		}
	})
}
