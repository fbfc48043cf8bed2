package web_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ajel-news/ajel/feed"
	"github.com/ajel-news/ajel/metrics"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/web"
	"github.com/prometheus/client_golang/prometheus"
)

const token = "s3cret-token"

// fakeIngester remembers what it was given and answers like the pipeline.
type fakeIngester struct {
	mu    sync.Mutex
	got   []news.Article
	seen  map[string]bool
	err   error
	delay time.Duration
}

func (f *fakeIngester) Process(ctx context.Context, a news.Article, push bool) (news.Article, int, error) {
	if f.delay > 0 {
		select {
		case <-time.After(f.delay):
		case <-ctx.Done():
			return news.Article{}, 0, fmt.Errorf("pipeline: %w", ctx.Err())
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return news.Article{}, 0, f.err
	}
	if !push {
		return news.Article{}, 0, errors.New("ingest must push")
	}
	if f.seen == nil {
		f.seen = map[string]bool{}
	}
	if f.seen[a.Key] {
		return news.Article{}, 0, fmt.Errorf("pipeline: storage: article %s: %w", a.Key, news.ErrAlreadyExists)
	}
	f.seen[a.Key] = true
	f.got = append(f.got, a)
	a.ID, a.StoryID = int64(len(f.got)), 40+int64(len(f.got))
	return a, 3, nil
}

type fakeHealth struct {
	pingErr error
	feeds   []news.Feed
	pending int
	oldest  time.Time
}

func (h *fakeHealth) Ping(context.Context) error                 { return h.pingErr }
func (h *fakeHealth) Feeds(context.Context) ([]news.Feed, error) { return h.feeds, nil }
func (h *fakeHealth) OutboxDepth(context.Context) (int, time.Time, error) {
	return h.pending, h.oldest, nil
}

var now = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

func newServer(t *testing.T, ing *fakeIngester, h web.Health) (*httptest.Server, *prometheus.Registry) {
	t.Helper()
	reg := prometheus.NewRegistry()
	s := web.New(web.Options{
		IngestToken:  token,
		Ingester:     ing,
		Health:       h,
		Registry:     reg,
		Metrics:      metrics.NewMetrics(reg),
		Now:          func() time.Time { return now },
		MaxBodyBytes: 4 << 10,
	})
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return ts, reg
}

func do(t *testing.T, method, url, auth, body string) (int, map[string]any, http.Header) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if len(raw) > 0 && strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("%s %s: body %q is not JSON: %v", method, url, raw, err)
		}
	}
	return resp.StatusCode, m, resp.Header
}

func TestIngest(t *testing.T) {
	ing := &fakeIngester{}
	ts, _ := newServer(t, ing, &fakeHealth{})
	url := ts.URL + "/api/v1/articles"
	bearer := "Bearer " + token
	big := `{"title":"t","text":"` + strings.Repeat("x", 5000) + `"}`
	tests := []struct {
		name, method, auth, body string
		code                     int
		wantErr, field           string
	}{
		{"no token", "POST", "", `{"title":"t"}`, 401, "unauthorized", ""},
		{"wrong token", "POST", "Bearer nope", `{"title":"t"}`, 401, "unauthorized", ""},
		{"token prefix", "POST", "Bearer " + token[:5], `{"title":"t"}`, 401, "unauthorized", ""},
		{"token longer", "POST", bearer + "x", `{"title":"t"}`, 401, "unauthorized", ""},
		{"wrong scheme", "POST", "Basic " + token, `{"title":"t"}`, 401, "unauthorized", ""},
		{"bad JSON", "POST", bearer, `{"title":`, 400, "invalid JSON", ""},
		{"empty body", "POST", bearer, ``, 400, "invalid JSON", ""},
		{"trailing data", "POST", bearer, `{"title":"t"} {}`, 400, "invalid JSON", ""},
		{"wrong type", "POST", bearer, `{"title":5}`, 400, "title must be a string", "title"},
		{"unknown field", "POST", bearer, `{"titel":"t"}`, 400, `unknown field "titel"`, "titel"},
		{"missing title", "POST", bearer, `{"text":"نص"}`, 400, "title is required", "title"},
		{"blank title", "POST", bearer, `{"title":"   "}`, 400, "title is required", "title"},
		{"long title", "POST", bearer, `{"title":"` + strings.Repeat("ع", 1001) + `"}`, 400, "title is longer", "title"},
		{"bad url scheme", "POST", bearer, `{"title":"t","url":"javascript:alert(1)"}`, 400, "url must be", "url"},
		{"relative url", "POST", bearer, `{"title":"t","url":"/news/1"}`, 400, "url must be", "url"},
		{"bad published", "POST", bearer, `{"title":"t","published":"yesterday"}`, 400, "RFC 3339", "published"},
		{"invalid UTF-8 in title", "POST", bearer, "{\"title\":\"\xd8\xb9\xd8\xa7\xff\xfe\"}", 400, "title is not valid UTF-8", "title"},
		{"windows-1256 text", "POST", bearer, "{\"title\":\"t\",\"text\":\"\xe3\xd1\xcd\xc8\xc7\"}", 400, "text is not valid UTF-8", "text"},
		{"lone surrogate in source", "POST", bearer, `{"title":"t","source":"\ud800x"}`, 400, "source is not valid UTF-8", "source"},
		// encoding/json matches names without regard to case: "Title"
		// would be read as the title, past the check of "title"'s bytes.
		{"invalid UTF-8 under another spelling", "POST", bearer, "{\"title\":\"t\",\"Title\":\"\xff\"}", 400, `unknown field "Title": field names are lower-case, write "title"`, "Title"},
		{"another spelling alone", "POST", bearer, `{"TEXT":"نص","title":"t"}`, 400, `write "text"`, "TEXT"},
		{"a field twice", "POST", bearer, "{\"title\":\"t\",\"title\":\"\xff\"}", 400, "title is given twice", "title"},
		{"not an object", "POST", bearer, `["title"]`, 400, "invalid JSON", ""},
		{"oversized body", "POST", bearer, big, 413, "larger than", ""},
		{"GET", "GET", bearer, ``, 405, "method not allowed", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, body, hdr := do(t, tc.method, url, tc.auth, tc.body)
			if code != tc.code {
				t.Fatalf("status %d, want %d (%v)", code, tc.code, body)
			}
			if msg, _ := body["error"].(string); !strings.Contains(msg, tc.wantErr) {
				t.Errorf("error %q, want it to contain %q", msg, tc.wantErr)
			}
			if tc.code == 400 && body["field"] != tc.field {
				t.Errorf("field %v, want %q", body["field"], tc.field)
			}
			if tc.code == 401 && hdr.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
		})
	}
	if len(ing.got) != 0 {
		t.Fatalf("rejected requests reached the pipeline: %+v", ing.got)
	}

	// A good request reaches the pipeline with push and a stable key.
	good := `{"title":" عاجل: انفجار في المرفأ ","text":"نص الخبر","url":"https://example.com/a?x=1","source":"وكالة","published":"2024-05-01T10:00:00+03:00","breaking":true}`
	code, body, _ := do(t, "POST", url, bearer, good)
	if code != 201 || body["id"] != 1.0 || body["story_id"] != 41.0 || body["queued"] != 3.0 {
		t.Fatalf("good request: %d %v", code, body)
	}
	a := ing.got[0]
	if a.Title != "عاجل: انفجار في المرفأ" || a.Text != "نص الخبر" || a.Source != "وكالة" || !a.Breaking || a.FeedID != 0 ||
		a.URL != "https://example.com/a?x=1" || !a.PublishedAt.Equal(time.Date(2024, 5, 1, 7, 0, 0, 0, time.UTC)) {
		t.Errorf("article %+v", a)
	}
	if a.Key != news.ItemKey("", "https://example.com/a?x=1", "", "") || a.LinkKey != news.LinkKey("https://example.com/a?x=1") {
		t.Errorf("key %q, link key %q: want the identity of its link", a.Key, a.LinkKey)
	}
	// The same URL again is a duplicate, whatever the title says now.
	code, body, _ = do(t, "POST", url, "bearer "+token, `{"title":"تصحيح","url":"https://example.com/a?x=1"}`)
	if code != 200 || body["duplicate"] != true {
		t.Fatalf("duplicate: %d %v", code, body)
	}
	// A U+FFFD the sender means, as the character or escaped, is text.
	if code, body, _ := do(t, "POST", url, bearer, `{"title":"رمز � غريب \uFFFD","text":"\ud83d\ude00"}`); code != 201 {
		t.Fatalf("a real U+FFFD and an escaped pair: %d %v", code, body)
	}
	// Without a URL the title and text are the identity; source defaults.
	if code, _, _ := do(t, "POST", url, bearer, `{"title":"خبر بلا رابط"}`); code != 201 {
		t.Fatalf("no url: %d", code)
	}
	if ing.got[2].Source != web.DefaultSource || ing.got[2].Key == a.Key {
		t.Errorf("third article %+v", ing.got[2])
	}
	if code, _, _ := do(t, "POST", url, bearer, `{"title":"خبر بلا رابط"}`); code != 200 {
		t.Fatalf("same title and text again: %d", code)
	}
}

// An article pushed to the ingest API gets the identity a feed's item
// with the same link gets: the link folded the same way (tracking
// parameters and fragment gone, scheme and host lower-cased; for LinkKey
// also www., http and a trailing slash), so one page is one item whichever
// way it came.
func TestIngestFoldsALinkAsAFeedDoes(t *testing.T) {
	const link = "HTTPS://www.Example.com:443/news/1/?id=7&utm_source=telegram&fbclid=x#top"
	ing := &fakeIngester{}
	ts, _ := newServer(t, ing, nil)
	body := fmt.Sprintf(`{"title":"خبر","text":"نص الخبر","url":%q}`, link)
	if code, got, _ := do(t, "POST", ts.URL+"/api/v1/articles", "Bearer "+token, body); code != 201 {
		t.Fatalf("ingest: %d %v", code, got)
	}
	rss := fmt.Sprintf(`<rss version="2.0"><channel><title>t</title><item><title>خبر</title><link>%s</link><description>نص الخبر</description></item></channel></rss>`,
		strings.ReplaceAll(link, "&", "&amp;"))
	res, err := feed.Parse(strings.NewReader(rss), "", 0)
	if err != nil || len(res.Items) != 1 {
		t.Fatalf("feed: %v %+v", err, res)
	}
	a, f := ing.got[0], res.Items[0]
	if a.URL != "https://www.example.com/news/1/?id=7" || a.URL != f.URL {
		t.Errorf("URL: ingest %q, feed %q, want both https://www.example.com/news/1/?id=7", a.URL, f.URL)
	}
	if a.Key == "" || a.Key != f.Key {
		t.Errorf("Key: ingest %q, feed %q", a.Key, f.Key)
	}
	if a.LinkKey == "" || a.LinkKey != f.LinkKey || a.LinkKey != news.LinkKey("http://example.com/news/1?id=7") {
		t.Errorf("LinkKey: ingest %q, feed %q, want both that of http://example.com/news/1?id=7", a.LinkKey, f.LinkKey)
	}
	// The same page again through the API, spelled without the tracking,
	// is the same article.
	if code, got, _ := do(t, "POST", ts.URL+"/api/v1/articles", "Bearer "+token,
		`{"title":"تصحيح","url":"https://www.example.com/news/1/?id=7"}`); code != 200 || got["duplicate"] != true {
		t.Errorf("the same page without tracking: %d %v, want 200 duplicate", code, got)
	}
}

func TestIngestFailures(t *testing.T) {
	tests := []struct {
		name string
		ing  *fakeIngester
		code int
	}{
		{"store failure", &fakeIngester{err: errors.New("storage: disk I/O error")}, 500},
		{"invalid after cleaning", &fakeIngester{err: fmt.Errorf("pipeline: article has no title: %w", news.ErrInvalid)}, 400},
		{"timeout", &fakeIngester{delay: time.Minute}, 503},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := web.New(web.Options{IngestToken: token, Ingester: tc.ing, RequestTimeout: 50 * time.Millisecond})
			ts := httptest.NewServer(s.Handler())
			defer ts.Close()
			code, body, _ := do(t, "POST", ts.URL+"/api/v1/articles", "Bearer "+token, `{"title":"t"}`)
			if code != tc.code {
				t.Fatalf("status %d, want %d (%v)", code, tc.code, body)
			}
			if msg, _ := body["error"].(string); strings.Contains(msg, "disk") {
				t.Errorf("internal detail leaked: %q", msg)
			}
		})
	}
}

func TestIngestDisabledWithoutToken(t *testing.T) {
	s := web.New(web.Options{Ingester: &fakeIngester{}})
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	if code, _, _ := do(t, "POST", ts.URL+"/api/v1/articles", "Bearer ", `{"title":"t"}`); code != 404 {
		t.Fatalf("status %d, want 404", code)
	}
}

func TestHealthz(t *testing.T) {
	ok := time.Date(2024, 5, 1, 11, 59, 0, 0, time.UTC)
	feeds := []news.Feed{
		{ID: 1, URL: "https://a.example/rss", LastSuccessAt: ok, Interval: 15 * time.Minute, PollReason: news.PollQuiet},
		{ID: 2, URL: "https://b.example/rss", LastError: "HTTP 500", Failures: 4},
	}
	tests := []struct {
		name   string
		health *fakeHealth
		code   int
		status string
	}{
		{"ok", &fakeHealth{feeds: feeds, pending: 2, oldest: now.Add(-30 * time.Second)}, 200, "ok"},
		{"failing feed is still ok", &fakeHealth{feeds: feeds}, 200, "ok"},
		{"database down", &fakeHealth{pingErr: errors.New("storage: ping: database is locked")}, 503, "unhealthy"},
		{"outbox stuck", &fakeHealth{pending: 9, oldest: now.Add(-11 * time.Minute)}, 503, "unhealthy"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ts, _ := newServer(t, &fakeIngester{}, tc.health)
			code, body, _ := do(t, "GET", ts.URL+"/healthz", "", "")
			if code != tc.code || body["status"] != tc.status {
				t.Fatalf("%d %v", code, body)
			}
			switch tc.name {
			case "ok":
				fs := body["feeds"].([]any)
				f0, f1 := fs[0].(map[string]any), fs[1].(map[string]any)
				if len(fs) != 2 || f0["last_success"] != "2024-05-01T11:59:00Z" || f1["last_success"] != nil ||
					f1["last_error"] != "HTTP 500" || f1["failures"] != 4.0 || f0["id"] != 1.0 || f0["url"] != "https://a.example/rss" {
					t.Errorf("feeds %v", fs)
				}
				if f0["poll_interval_seconds"] != 900.0 || f0["poll_reason"] != "quiet" {
					t.Errorf("feed 1's interval and why: %v, %v", f0["poll_interval_seconds"], f0["poll_reason"])
				}
				ob := body["outbox"].(map[string]any)
				if ob["pending"] != 2.0 || ob["oldest_pending_age_seconds"] != 30.0 || body["database"] != "ok" {
					t.Errorf("outbox %v database %v", ob, body["database"])
				}
			case "database down":
				if !strings.Contains(body["database"].(string), "locked") {
					t.Errorf("database %v", body["database"])
				}
			case "outbox stuck":
				if !strings.Contains(body["reason"].(string), "11m0s") {
					t.Errorf("reason %v", body["reason"])
				}
			}
		})
	}
	ts, _ := newServer(t, &fakeIngester{}, &fakeHealth{})
	if code, _, _ := do(t, "POST", ts.URL+"/healthz", "", ""); code != 405 {
		t.Errorf("POST /healthz: %d", code)
	}
}

// /metrics serves the registry with the outbox gauges read from Health
// just before (the counters themselves are metrics.TestMetrics').
func TestMetrics(t *testing.T) {
	h := &fakeHealth{pending: 5, oldest: now.Add(-90 * time.Second)}
	reg := prometheus.NewRegistry()
	m := metrics.NewMetrics(reg)
	s := web.New(web.Options{Registry: reg, Metrics: m, Health: h, Now: func() time.Time { return now }})
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()

	resp, err := http.Get(ts.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	text := string(raw)
	for _, want := range []string{
		`ajel_ingest_requests_total{result="created"} 0`,
		"ajel_outbox_pending 5",
		"ajel_outbox_oldest_pending_age_seconds 90",
	} {
		if !strings.Contains(text, want+"\n") {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

func TestListenAddressInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	addr := ln.Addr().String()
	s := web.New(web.Options{Addr: addr})
	err = s.ListenAndServe(t.Context())
	want := "web: cannot listen on " + addr + ": address already in use (set HTTP_ADDR to another address, or empty to disable)"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v\nwant %s", err, want)
	}
}

func TestServeShutsDownOnCancel(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := web.New(web.Options{})
	s.Handle("/hello", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "مرحبا") }))
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	resp, err := http.Get("http://" + ln.Addr().String() + "/hello")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "مرحبا" {
		t.Fatalf("mounted handler said %q", body)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Serve after cancel: %v", err)
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/hello"); err == nil {
		t.Fatal("still serving after shutdown")
	}
}
