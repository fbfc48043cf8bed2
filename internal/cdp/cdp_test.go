package cdp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ajel-news/ajel/internal/cdp"
)

// launch starts a browser or skips the test when there is none.
func launch(t *testing.T) *cdp.Browser {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	b, err := cdp.Launch(ctx, cdp.Options{})
	if errors.Is(err, cdp.ErrNoBrowser) {
		t.Skip("chromium not installed: apt-get install chromium (the CI script does this)")
	}
	if errors.Is(err, cdp.ErrBrowserStart) {
		t.Skipf("chromium is installed but cannot start here: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	return b
}

func TestFindBrowserHonoursChromePath(t *testing.T) {
	t.Setenv("CHROME_PATH", "/nonexistent/chrome-for-ajel")
	_, err := cdp.FindBrowser("")
	if !errors.Is(err, cdp.ErrNoBrowser) {
		t.Fatalf("FindBrowser with a missing CHROME_PATH: %v, want ErrNoBrowser", err)
	}
	_, err = cdp.Launch(t.Context(), cdp.Options{})
	if !errors.Is(err, cdp.ErrNoBrowser) {
		t.Fatalf("Launch with a missing CHROME_PATH: %v, want ErrNoBrowser", err)
	}
}

func TestBrowser(t *testing.T) {
	b := launch(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><html dir="rtl"><body><p id="p">عاجل</p>
<script>setTimeout(() => { document.body.dataset.ready = "yes" }, 100)</script></body></html>`)
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()

	if err := b.Navigate(ctx, srv.URL); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		js, want string
	}{
		{`document.getElementById("p").textContent`, `"عاجل"`},
		{`1 + 2`, `3`},
		{`Promise.resolve({a: [1, "x"]})`, `{"a":[1,"x"]}`},
		{`undefined`, `null`},
	}
	for _, tc := range tests {
		got, err := b.Eval(ctx, tc.js)
		if err != nil {
			t.Errorf("Eval(%s): %v", tc.js, err)
			continue
		}
		var g, w any
		_ = json.Unmarshal(got, &g)
		_ = json.Unmarshal([]byte(tc.want), &w)
		if fmt.Sprint(g) != fmt.Sprint(w) {
			t.Errorf("Eval(%s) = %s, want %s", tc.js, got, tc.want)
		}
	}
	if _, err := b.Eval(ctx, `throw new Error("boom")`); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("Eval of a throw: %v, want an error saying boom", err)
	}
	if err := b.WaitJS(ctx, `document.body.dataset.ready === "yes"`, 5*time.Second); err != nil {
		t.Error(err)
	}
	if err := b.WaitJS(ctx, `false`, 200*time.Millisecond); err == nil {
		t.Error("WaitJS(false) returned nil")
	}
	png, err := b.Screenshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("screenshot is not a PNG: % x", png[:min(8, len(png))])
	}
}

func TestCloseRemovesProfile(t *testing.T) {
	before, _ := os.ReadDir(os.TempDir())
	b := launch(t)
	b.Close()
	b.Close() // twice is fine
	after, _ := os.ReadDir(os.TempDir())
	count := func(es []os.DirEntry) (n int) {
		for _, e := range es {
			if strings.HasPrefix(e.Name(), "ajel-cdp-") {
				n++
			}
		}
		return n
	}
	if count(after) > count(before) {
		t.Errorf("profile directories: %d before, %d after Close", count(before), count(after))
	}
}
