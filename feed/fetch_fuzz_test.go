package feed_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/ajel-news/ajel/feed"
	"github.com/ajel-news/ajel/news"
)

// FuzzFetch runs arbitrary answers through the whole fetch path a poll
// takes: HTTP status, Content-Type and its charset, gzip, ETag, then
// parsing and item identity. Fetch must never panic, must return a result
// or an error of a known kind, and every item must carry the feed's id, an
// identity and valid UTF-8.
func FuzzFetch(f *testing.F) {
	f.Add([]byte(rssCDATA), "application/rss+xml", 200, false, `"v1"`)
	f.Add([]byte(atomFeed), "", 200, true, "")
	f.Add([]byte(jsonFeed), "application/feed+json", 200, false, "")
	f.Add([]byte(encode1256(f, rss1256(""))), "text/xml; charset=windows-1256", 200, true, "W/\"x\"")
	f.Add([]byte(rssCDATA), "text/xml; charset=bogus-9", 200, false, "")
	f.Add([]byte(""), "", 304, false, `"v1"`)
	f.Add([]byte("<h1>down</h1>"), "text/html", 503, false, "")
	f.Add([]byte("\x1f\x8b\x08\x00garbage"), "application/rss+xml", 200, false, "")
	f.Add([]byte(rssCDATA), "application/rss+xml", 301, false, "")
	var mu sync.Mutex
	var answer struct {
		body        []byte
		contentType string
		status      int
		gzip        bool
		etag        string
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		a := answer
		mu.Unlock()
		if a.contentType != "" {
			w.Header().Set("Content-Type", a.contentType)
		}
		if a.etag != "" {
			w.Header().Set("ETag", a.etag)
		}
		body := a.body
		if a.gzip {
			var b bytes.Buffer
			zw := gzip.NewWriter(&b)
			zw.Write(body)
			zw.Close()
			body = b.Bytes()
			w.Header().Set("Content-Encoding", "gzip")
		}
		if a.status >= 300 && a.status < 400 && a.status != 304 {
			w.Header().Set("Location", "/final")
			if r.URL.Path == "/final" {
				a.status = 200
			}
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(a.status)
		w.Write(body)
	}))
	f.Cleanup(srv.Close)
	fetcher := feed.NewFetcher(feed.Options{AllowPrivate: true, MaxBodyBytes: 1 << 20})
	known := []error{feed.ErrEmptyBody, feed.ErrNotAFeed, feed.ErrMalformed, feed.ErrTooLarge, feed.ErrHTTPStatus,
		feed.ErrTooManyRedirects, feed.ErrBadURL, feed.ErrTimeout}
	f.Fuzz(func(t *testing.T, body []byte, contentType string, status int, gz bool, etag string) {
		if status < 200 || status > 599 || status == 204 && len(body) > 0 {
			status = 200
		}
		if status >= 100 && status < 200 {
			status = 200
		}
		if !validHeader(contentType) || !validHeader(etag) {
			return // no server can send it
		}
		mu.Lock()
		answer.body, answer.contentType, answer.status, answer.gzip, answer.etag = body, contentType, status, gz, etag
		mu.Unlock()
		res, err := fetcher.Fetch(t.Context(), news.Feed{ID: 7, URL: srv.URL + "/feed", ETag: `"v1"`})
		if err != nil {
			if res != nil {
				t.Fatal("a result and an error")
			}
			for _, k := range known {
				if errors.Is(err, k) {
					return
				}
			}
			t.Fatalf("error of no known kind: %v", err)
		}
		if res.NotModified && len(res.Items) > 0 {
			t.Fatal("304 with items")
		}
		if !utf8.ValidString(res.Title) {
			t.Errorf("invalid UTF-8 title %q", res.Title)
		}
		keys := map[string]bool{}
		for _, a := range res.Items {
			if a.FeedID != 7 {
				t.Errorf("item without its feed id: %d", a.FeedID)
			}
			if a.Key == "" || keys[a.Key] {
				t.Errorf("missing or repeated key %q", a.Key)
			}
			keys[a.Key] = true
			if !utf8.ValidString(a.Title) || !utf8.ValidString(a.Text) || !utf8.ValidString(a.Source) {
				t.Errorf("invalid UTF-8 in item %q", a.Title)
			}
		}
	})
}

// validHeader reports whether a server could send s as a header value.
func validHeader(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}
