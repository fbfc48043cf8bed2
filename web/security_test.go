package web_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ajel-news/ajel/faults"
	"github.com/ajel-news/ajel/web"
)

// Every wrong token is refused the same way, whatever its length or how
// close it is to the right one; the comparison itself is constant-time
// (both sides hashed, then subtle.ConstantTimeCompare: see authorized).
func TestIngestTokensOfAnyLengthRefused(t *testing.T) {
	ing := &fakeIngester{}
	ts, _ := newServer(t, ing, &fakeHealth{})
	for _, auth := range []string{
		"", "Bearer", "Bearer ", "Bearer s", "Bearer " + token[:len(token)-1], "Bearer " + token + "x",
		"Bearer " + strings.ToUpper(token), "Bearer x" + token, "Basic " + token, token,
		"Bearer " + strings.Repeat("a", 6000), "Bearer " + token + "\tx", "Token " + token,
	} {
		code, body, hdr := do(t, "POST", ts.URL+"/api/v1/articles", auth, `{"title":"عاجل"}`)
		if code != http.StatusUnauthorized || body["error"] != "unauthorized" || hdr.Get("WWW-Authenticate") == "" {
			t.Errorf("Authorization %.40q: %d %v, want 401 unauthorized", auth, code, body)
		}
	}
	if len(ing.got) != 0 {
		t.Fatalf("a refused request reached the pipeline: %+v", ing.got)
	}
	if code, _, _ := do(t, "POST", ts.URL+"/api/v1/articles", "bearer  "+token+" ", `{"title":"عاجل"}`); code != http.StatusCreated {
		t.Errorf("the right token (scheme in any case, spaces around): %d, want 201", code)
	}
}

// The body limit holds for a body that never ends, not only for one that
// declares its length.
func TestIngestEndlessBody(t *testing.T) {
	ing := &fakeIngester{}
	ts, _ := newServer(t, ing, &fakeHealth{})
	pr := &endless{head: `{"title":"`, fill: "ع", done: make(chan struct{})}
	defer pr.Close()
	req, _ := http.NewRequestWithContext(t.Context(), "POST", ts.URL+"/api/v1/articles", pr)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("endless body: %d, want 413", resp.StatusCode)
	}
}

// endless is a reader that yields head, then fill forever.
type endless struct {
	head string
	fill string
	sent int
	done chan struct{}
}

func (e *endless) Read(p []byte) (int, error) {
	select {
	case <-e.done:
		return 0, http.ErrBodyReadAfterClose
	default:
	}
	n := 0
	if e.sent == 0 {
		n = copy(p, e.head)
	}
	for n+len(e.fill) <= len(p) {
		n += copy(p[n:], e.fill)
	}
	e.sent += n
	return n, nil
}

func (e *endless) Close() error {
	select {
	case <-e.done:
	default:
		close(e.done)
	}
	return nil
}

// /healthz lists open faults and says "degraded" (still 200) while one is
// open; a fault cleared, or not seen for faults.Memory, is gone.
func TestHealthzFaults(t *testing.T) {
	clock := now
	tracker := faults.NewTracker(func() time.Time { return clock })
	s := web.New(web.Options{Health: &fakeHealth{}, Faults: tracker, Now: func() time.Time { return clock }})
	get := func() (int, map[string]any) {
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
		var body map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatal(err)
		}
		return rec.Code, body
	}
	if code, body := get(); code != 200 || body["status"] != "ok" || body["faults"] != nil {
		t.Fatalf("no faults: %d %v", code, body)
	}
	tracker.Report("telegram", "sending failed, will retry: telegram: 500 Internal Server Error")
	tracker.Report("database", "database or disk is full")
	tracker.Report("database", "database or disk is full")
	code, body := get()
	list, _ := body["faults"].([]any)
	if code != 200 || body["status"] != "degraded" || len(list) != 2 {
		t.Fatalf("two faults: %d %v", code, body)
	}
	if db := list[0].(map[string]any); db["component"] != "database" || db["count"] != 2.0 {
		t.Errorf("database fault: %v", db)
	}
	tracker.Clear("telegram")
	clock = clock.Add(faults.Memory / 2)
	if _, body := get(); len(body["faults"].([]any)) != 1 {
		t.Errorf("after clearing telegram: %v", body)
	}
	clock = clock.Add(faults.Memory)
	if code, body := get(); code != 200 || body["status"] != "ok" {
		t.Errorf("a fault not seen for faults.Memory is forgotten: %d %v", code, body)
	}
	// An event dealt with that an operator should still hear of stays
	// listed as long as it was reported for.
	tracker.ReportFor("clock", "the clock went back", time.Hour)
	clock = clock.Add(50 * time.Minute)
	if _, body := get(); body["status"] != "degraded" || len(body["faults"].([]any)) != 1 {
		t.Errorf("50 minutes after a fault reported for an hour: %v", body)
	}
	clock = clock.Add(11 * time.Minute)
	if _, body := get(); body["status"] != "ok" {
		t.Errorf("61 minutes after a fault reported for an hour: %v", body)
	}
}

// FuzzIngest posts any body to the ingest API: it never fails with a 500,
// always answers JSON, and what reaches the pipeline is a valid article.
func FuzzIngest(f *testing.F) {
	for _, s := range []string{
		`{"title":"عاجل: زلزال","text":"نص","url":"https://x.example/a","source":"وكالة","published":"2024-05-01T12:00:00Z","breaking":true}`,
		`{"title":""}`, `{"titel":"x"}`, `{"title":1}`, `{"title":"x"} {"title":"y"}`, `[]`, `null`, ``,
		`{"title":"x","url":"javascript:alert(1)"}`, `{"title":"x","url":"//host/path"}`,
		`{"title":"x","published":"yesterday"}`, `{"title":"\ud800"}`, "{\"title\":\"\xff\"}",
		`{"title":"x","breaking":"yes"}`, `{"title":"` + strings.Repeat("ع", 1001) + `"}`,
		`{"title":"x","source":"` + strings.Repeat("s", 101) + `"}`, `{"title":"x","text":null}`,
	} {
		f.Add(s, "application/json")
	}
	f.Add(`{"title":"x"}`, "text/plain")
	f.Add(`{"title":"x"}`, "application/vnd.ajel+json; charset=utf-8")
	ing := &fakeIngester{}
	s := web.New(web.Options{IngestToken: token, Ingester: ing, MaxBodyBytes: 4 << 10})
	f.Fuzz(func(t *testing.T, body, contentType string) {
		req := httptest.NewRequest("POST", "/api/v1/articles", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", contentType)
		rec := httptest.NewRecorder()
		ing.mu.Lock()
		before := len(ing.got)
		ing.mu.Unlock()
		s.Handler().ServeHTTP(rec, req)
		switch rec.Code {
		case 200, 201, 400, 413, 415:
		default:
			t.Fatalf("status %d for %q: %s", rec.Code, body, rec.Body)
		}
		var answer map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &answer); err != nil {
			t.Fatalf("answer %q is not a JSON object: %v", rec.Body, err)
		}
		ing.mu.Lock()
		got := ing.got[before:]
		ing.mu.Unlock()
		if (rec.Code == 201) != (len(got) == 1) {
			t.Fatalf("status %d but %d articles reached the pipeline", rec.Code, len(got))
		}
		for _, a := range got {
			switch {
			case strings.TrimSpace(a.Title) == "" || utf8.RuneCountInString(a.Title) > web.MaxTitleChars:
				t.Errorf("title %q passed", a.Title)
			case !utf8.ValidString(a.Title) || !utf8.ValidString(a.Text) || !utf8.ValidString(a.Source):
				t.Errorf("invalid UTF-8 passed: %+v", a)
			case a.Source == "" || utf8.RuneCountInString(a.Source) > web.MaxSourceChars:
				t.Errorf("source %q passed", a.Source)
			case len(a.Text) > web.MaxTextBytes:
				t.Errorf("text of %d bytes passed", len(a.Text))
			case a.Key == "":
				t.Error("an article without a key")
			}
			if a.URL != "" {
				u, err := url.Parse(a.URL)
				if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
					t.Errorf("url %q passed", a.URL)
				}
			}
		}
	})
}
