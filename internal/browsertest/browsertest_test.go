package browsertest_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ajel-news/ajel/internal/browsertest"
)

// Without a browser, or with one that cannot start, the test skips and
// says why.
func TestStartSkipsWithoutABrowser(t *testing.T) {
	tests := []struct{ name, chromePath, want string }{
		{"not installed", "/nonexistent/chromium-for-ajel", "chromium not installed (CHROME_PATH=/nonexistent/chromium-for-ajel"},
		{"cannot start", "false", "is installed but cannot start here"}, // exits at once
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("CHROME_PATH", tc.chromePath)
			var skipped bool
			var reason string
			t.Run("start", func(t *testing.T) {
				defer func() { skipped = t.Skipped() }()
				browsertest.Start(&recorder{T: t, reason: &reason}, 480, 900, 1)
			})
			if !skipped || !strings.Contains(reason, tc.want) {
				t.Errorf("skipped %v with %q; want a skip saying %q", skipped, reason, tc.want)
			}
		})
	}
}

// recorder keeps the skip message of the test it wraps.
type recorder struct {
	*testing.T
	reason *string
}

func (r *recorder) Skipf(format string, args ...any) {
	*r.reason = fmt.Sprintf(format, args...)
	r.T.Skipf(format, args...)
}

// A page is loaded, read, typed into, clicked and pictured.
func TestPage(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><html dir="rtl"><body><p id="p">عاجل</p>
<input id="in" autofocus><ul id="lines"></ul><button class="b">اشترك</button>
<script>
document.getElementById("in").addEventListener("keydown", e => {
	if (e.key !== "Enter") return;
	const li = document.createElement("li"); li.textContent = e.target.value; e.target.value = "";
	document.getElementById("lines").append(li);
});
document.querySelector(".b").addEventListener("click", e => { e.target.textContent = "✅ اشترك" });
setTimeout(() => { document.body.dataset.ready = "yes" }, 100);
</script></body></html>`)
	}))
	defer srv.Close()
	p := browsertest.Start(t, 480, 900, 1)
	p.Navigate(srv.URL)

	var text string
	p.Eval(`document.getElementById("p").textContent`, &text)
	var obj struct{ A []any }
	p.Eval(`Promise.resolve({A: [1, "x"]})`, &obj)
	if text != "عاجل" || fmt.Sprint(obj.A) != "[1 x]" {
		t.Errorf("Eval gave %q and %+v", text, obj)
	}
	p.Wait("the page to be ready", `document.body.dataset.ready === "yes"`)
	p.Eval(`document.getElementById("in").focus()`, nil)
	p.TypeLine("/subscribe سوريا")
	p.Wait("the typed line", `document.querySelector("#lines li")?.textContent === "/subscribe سوريا"`)
	p.Click(".b", "اشترك")
	p.Wait("the clicked button", `document.querySelector(".b").textContent === "✅ اشترك"`)
	if png := p.Screenshot(); !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("the screenshot is not a PNG: % x", png[:min(8, len(png))])
	}
}
