package feed_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ajel-news/ajel/feed"
	"github.com/ajel-news/ajel/news"
)

// fetcher allows loopback so tests can reach httptest servers.
func fetcher(opt feed.Options) *feed.Fetcher {
	opt.AllowPrivate = true
	return feed.NewFetcher(opt)
}

func TestFetchConditionalGET(t *testing.T) {
	const etag, lastMod = `"v1"`, "Mon, 02 Jan 2023 15:04:05 GMT"
	var gotUA string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotUA = r.UserAgent()
		if r.Header.Get("If-None-Match") == etag || r.Header.Get("If-Modified-Since") == lastMod {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", lastMod)
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		fmt.Fprint(w, rssCDATA)
	}))
	defer srv.Close()
	f := fetcher(feed.Options{UserAgent: feed.UserAgent("1.2.3")})

	fd := news.Feed{ID: 7, URL: srv.URL + "/rss", Breaking: true}
	res, err := f.Fetch(t.Context(), fd)
	if err != nil {
		t.Fatal(err)
	}
	if gotUA != "Ajel/1.2.3 (+https://github.com/ajel-news/ajel)" {
		t.Errorf("User-Agent = %q", gotUA)
	}
	if res.NotModified || res.ETag != etag || res.LastModified != lastMod || len(res.Items) != 3 {
		t.Fatalf("first fetch: %+v", res)
	}
	for _, a := range res.Items {
		if a.FeedID != 7 || !a.Breaking {
			t.Errorf("item %q: FeedID %d Breaking %v (the feed is a breaking feed)", a.Title, a.FeedID, a.Breaking)
		}
	}

	for _, cond := range []news.Feed{{ETag: etag}, {LastModified: lastMod}} {
		cond.ID, cond.URL = 7, fd.URL
		res, err = f.Fetch(t.Context(), cond)
		if err != nil {
			t.Fatal(err)
		}
		if !res.NotModified || len(res.Items) != 0 || res.ETag != cond.ETag || res.LastModified != cond.LastModified {
			t.Errorf("conditional fetch with %+v: %+v", cond, res)
		}
	}
}

func TestFetchSourceFallsBackToHost(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<rss version="2.0"><channel><item><title>بلا اسم مصدر</title></item></channel></rss>`)
	}))
	defer srv.Close()
	res, err := fetcher(feed.Options{}).Fetch(t.Context(), news.Feed{URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) != 1 || res.Items[0].Source != "127.0.0.1" {
		t.Errorf("items %+v", res.Items)
	}
}

func TestFetchCharsetFromContentType(t *testing.T) {
	body := encode1256(t, rss1256(""))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml; charset=windows-1256")
		fmt.Fprint(w, body)
	}))
	defer srv.Close()
	res, err := fetcher(feed.Options{}).Fetch(t.Context(), news.Feed{URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if res.Title != arabicTitle {
		t.Errorf("title %q", res.Title)
	}
}

func TestFetchRetryAfter(t *testing.T) {
	now := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		status     int
		retryAfter string
		want       time.Duration
		wantMsg    string
	}{
		{429, "120", 2 * time.Minute, "feed: server answered 429 Too Many Requests (retry after 2m0s)"},
		{503, now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, "feed: server answered 503 Service Unavailable (retry after 1m30s)"},
		{503, "", 0, "feed: server answered 503 Service Unavailable"},
		{429, "soon", 0, "feed: server answered 429 Too Many Requests"},
		{404, "", 0, "feed: server answered 404 Not Found"},
		{500, "", 0, "feed: server answered 500 Internal Server Error"},
	}
	for _, tt := range tests {
		t.Run(tt.wantMsg, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.retryAfter != "" {
					w.Header().Set("Retry-After", tt.retryAfter)
				}
				w.WriteHeader(tt.status)
			}))
			defer srv.Close()
			_, err := fetcher(feed.Options{Now: func() time.Time { return now }}).Fetch(t.Context(), news.Feed{URL: srv.URL})
			var fe *feed.FetchError
			if !errors.As(err, &fe) || !errors.Is(err, feed.ErrHTTPStatus) {
				t.Fatalf("err = %v, want a *FetchError", err)
			}
			if fe.StatusCode != tt.status || fe.RetryAfter != tt.want || feed.RetryAfter(err) != tt.want {
				t.Errorf("got %+v, want status %d retry after %v", fe, tt.status, tt.want)
			}
			if err.Error() != tt.wantMsg {
				t.Errorf("message %q, want %q", err.Error(), tt.wantMsg)
			}
		})
	}
}

func TestFetchGzipBomb(t *testing.T) {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write([]byte(`<rss version="2.0"><channel><title>`))
	zeros := make([]byte, 1<<20)
	for range 11 {
		zw.Write(zeros)
	}
	zw.Close()
	if buf.Len() > 100<<10 {
		t.Fatalf("bomb is %d bytes compressed", buf.Len())
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(buf.Bytes())
	}))
	defer srv.Close()
	_, err := fetcher(feed.Options{}).Fetch(t.Context(), news.Feed{URL: srv.URL})
	if !errors.Is(err, feed.ErrTooLarge) || err.Error() != "feed: body larger than 10 MiB" {
		t.Fatalf("err = %v, want feed: body larger than 10 MiB", err)
	}
}

func TestFetchEndlessBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<rss version="2.0"><channel><title>`)
		chunk := bytes.Repeat([]byte("لا نهاية "), 1024)
		for r.Context().Err() == nil {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	_, err := fetcher(feed.Options{MaxBodyBytes: 256 << 10}).Fetch(t.Context(), news.Feed{URL: srv.URL})
	if !errors.Is(err, feed.ErrTooLarge) || err.Error() != "feed: body larger than 256 KiB" {
		t.Fatalf("err = %v", err)
	}
}

func TestFetchDeclaredTooLarge(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "5000")
		w.Write(bytes.Repeat([]byte(" "), 5000))
	}))
	defer srv.Close()
	_, err := fetcher(feed.Options{MaxBodyBytes: 4096}).Fetch(t.Context(), news.Feed{URL: srv.URL})
	if !errors.Is(err, feed.ErrTooLarge) {
		t.Fatalf("err = %v", err)
	}
}

func TestFetchTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	_, err := fetcher(feed.Options{Timeout: 200 * time.Millisecond}).Fetch(t.Context(), news.Feed{URL: srv.URL})
	if !errors.Is(err, feed.ErrTimeout) || err.Error() != "feed: no complete answer within 200ms" {
		t.Fatalf("err = %v", err)
	}
}

func TestFetchSlowBodyTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<rss version="2.0"><channel>`)
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	_, err := fetcher(feed.Options{Timeout: 200 * time.Millisecond}).Fetch(t.Context(), news.Feed{URL: srv.URL})
	if !errors.Is(err, feed.ErrTimeout) {
		t.Fatalf("err = %v", err)
	}
}

func TestFetchRedirects(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/loop/a", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop/b", http.StatusFound) })
	mux.HandleFunc("/loop/b", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop/a", http.StatusFound) })
	mux.HandleFunc("/chain/{n}", func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscan(r.PathValue("n"), &n)
		if n == 0 {
			fmt.Fprint(w, `<rss version="2.0"><channel><title>وصلنا</title></channel></rss>`)
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/chain/%d", n-1), http.StatusMovedPermanently)
	})
	mux.HandleFunc("/ftp", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "ftp://example.org/", http.StatusFound)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	f := fetcher(feed.Options{})

	if res, err := f.Fetch(t.Context(), news.Feed{URL: srv.URL + "/chain/5"}); err != nil || res.Title != "وصلنا" {
		t.Errorf("5 redirects: %v %+v", err, res)
	}
	_, err := f.Fetch(t.Context(), news.Feed{URL: srv.URL + "/chain/6"})
	if !errors.Is(err, feed.ErrTooManyRedirects) || err.Error() != "feed: more than 5 redirects" {
		t.Errorf("6 redirects: %v", err)
	}
	_, err = f.Fetch(t.Context(), news.Feed{URL: srv.URL + "/loop/a"})
	if !errors.Is(err, feed.ErrTooManyRedirects) || !strings.HasPrefix(err.Error(), "feed: redirect loop at ") {
		t.Errorf("loop: %v", err)
	}
	_, err = f.Fetch(t.Context(), news.Feed{URL: srv.URL + "/ftp"})
	if !errors.Is(err, feed.ErrBadURL) {
		t.Errorf("redirect to ftp: %v", err)
	}
}

func TestFetchBadInput(t *testing.T) {
	bodies := map[string]string{
		"/html":      "<!doctype html><html><body><h1>مرحبا</h1></body></html>",
		"/empty":     "",
		"/malformed": `<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><title>`,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, bodies[r.URL.Path])
	}))
	defer srv.Close()
	f := fetcher(feed.Options{})
	tests := []struct {
		path string
		want error
		msg  string
	}{
		{"/html", feed.ErrNotAFeed, "feed: not a feed: the server sent an HTML page"},
		{"/empty", feed.ErrEmptyBody, "feed: empty body"},
		{"/malformed", feed.ErrMalformed, "feed: malformed feed: "},
	}
	for _, tt := range tests {
		_, err := f.Fetch(t.Context(), news.Feed{URL: srv.URL + tt.path})
		if !errors.Is(err, tt.want) || !strings.HasPrefix(err.Error(), tt.msg) {
			t.Errorf("%s: err = %v, want %q", tt.path, err, tt.msg)
		}
	}
	for _, raw := range []string{"", "ftp://example.org/feed", "not a url", "http://"} {
		if _, err := f.Fetch(t.Context(), news.Feed{URL: raw}); !errors.Is(err, feed.ErrBadURL) {
			t.Errorf("Fetch(%q): %v, want ErrBadURL", raw, err)
		}
	}
}

func TestFetchConnectionRefused(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	_, err := fetcher(feed.Options{}).Fetch(t.Context(), news.Feed{URL: url})
	if err == nil || !strings.HasPrefix(err.Error(), "feed: request failed: ") {
		t.Fatalf("err = %v", err)
	}
}
