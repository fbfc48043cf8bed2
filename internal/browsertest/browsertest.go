// Package browsertest drives a page in headless Chromium through chromedp,
// for tests that use a page as a person would: type, press Enter, tap a
// button, look. A test skips, saying why, when no Chromium is installed or
// it cannot start here.
package browsertest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// candidates are the browsers looked for on PATH, in order, when
// CHROME_PATH is unset.
var candidates = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// startBound is how long Chromium may take to start before the test skips:
// a broken install can hang instead of exiting.
const startBound = time.Minute

// Page is one tab of a headless Chromium that lives as long as the test.
type Page struct {
	t   testing.TB
	ctx context.Context
	// Bound is how long Wait waits for a condition (default 30s: far
	// longer than a healthy page takes on a loaded machine).
	Bound time.Duration
}

// FindBrowser returns the Chromium binary Start would run: $CHROME_PATH,
// else the first of chromium, chromium-browser, google-chrome on PATH.
func FindBrowser() (string, error) {
	if p := os.Getenv("CHROME_PATH"); p != "" {
		path, err := exec.LookPath(p)
		if err != nil {
			return "", fmt.Errorf("CHROME_PATH=%s: %w", p, err)
		}
		return path, nil
	}
	for _, name := range candidates {
		if path, err := exec.LookPath(name); err == nil {
			return path, nil
		}
	}
	return "", errors.New("no chromium, chromium-browser or google-chrome on PATH")
}

// Start runs headless Chromium with an empty throwaway profile (chromedp
// makes one and removes it) and a width×height viewport at scale (2 for
// sharp screenshots), and returns its page. Without a browser, or with one
// that cannot start here, it skips the test saying so. The browser ends
// with the test.
func Start(t testing.TB, width, height int, scale float64) *Page {
	t.Helper()
	path, err := FindBrowser()
	if err != nil {
		t.Skipf("chromium not installed (%v): apt-get install chromium (the CI script does this)", err)
	}
	out := &tail{max: 4096}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		// --no-sandbox: CI and containers run as root, where the sandbox
		// refuses to start; the rest keeps a closed network quiet.
		chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.WindowSize(width, height),
		chromedp.CombinedOutput(out),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(t.Context(), opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancelTab(); cancelAlloc() })

	// The first action starts the browser; its context, not a timeout,
	// bounds the browser's life, so the start is bounded here.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err = <-started:
	case <-time.After(startBound):
		cancelTab()
		err = fmt.Errorf("no answer within %s", startBound)
	}
	if err != nil {
		t.Skipf("chromium (%s) is installed but cannot start here: %v\n%s", path, err, out)
	}
	// The window size includes the browser's frame in some versions: set
	// the viewport itself so pages and screenshots are exactly w×h.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), int64(height), chromedp.EmulateScale(scale))); err != nil {
		t.Fatalf("browsertest: viewport: %v", err)
	}
	return &Page{t: t, ctx: ctx, Bound: 30 * time.Second}
}

// Navigate loads url and waits for its load event.
func (p *Page) Navigate(url string) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, chromedp.Navigate(url)); err != nil {
		p.t.Fatalf("browsertest: navigate to %s: %v", url, err)
	}
}

// Wait waits until the JavaScript expression cond is truthy, for at most
// Bound; then it fails the test naming what it waited for and showing the
// page's text.
func (p *Page) Wait(what, cond string) {
	p.t.Helper()
	_, err := chromedp.Run(p.ctx, chromedp.Poll[chromedp.Void](cond,
		chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(p.Bound)))
	if err != nil {
		var shown string
		p.Eval(`document.body ? document.body.innerText : ""`, &shown)
		p.t.Fatalf("waiting for %s (%s): %v\npage shows: %s", what, cond, err, shown)
	}
}

// Eval evaluates the JavaScript expression js, awaiting a promise, and
// decodes its value into out (nil: ignored). A thrown exception fails the
// test.
func (p *Page) Eval(js string, out any) {
	p.t.Helper()
	raw, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]byte](js, chromedp.EvalAwaitPromise))
	if err != nil {
		p.t.Fatalf("browsertest: evaluate %s: %v", js, err)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			p.t.Fatalf("browsertest: evaluate %s: %s: %v", js, raw, err)
		}
	}
}

// TypeLine types text into the focused element as a person would (one
// insertion, as an input method does) and presses Enter.
func (p *Page) TypeLine(text string) {
	p.t.Helper()
	if _, err := chromedp.Call(p.ctx, input.InsertText, input.InsertTextParams{Text: text}); err != nil {
		p.t.Fatalf("browsertest: type %q: %v", text, err)
	}
	if err := chromedp.Do(p.ctx, chromedp.KeyEvent("\r")); err != nil {
		p.t.Fatalf("browsertest: press Enter: %v", err)
	}
}

// Click clicks the first element matching the CSS selector whose text is
// exactly text, and fails the test when there is none.
func (p *Page) Click(selector, text string) {
	p.t.Helper()
	sel, _ := json.Marshal(selector)
	label, _ := json.Marshal(text)
	var clicked bool
	p.Eval(fmt.Sprintf(`(() => {
		const el = [...document.querySelectorAll(%s)].find(e => e.textContent === %s);
		if (!el) return false;
		el.click();
		return true;
	})()`, sel, label), &clicked)
	if !clicked {
		p.t.Fatalf("browsertest: no %s reading %q to click", selector, text)
	}
}

// Screenshot captures the visible page as PNG, with the page's motion
// turned off (prefers-reduced-motion) so every element is at rest.
func (p *Page) Screenshot() []byte {
	p.t.Helper()
	reduce := emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}}}
	if _, err := chromedp.Call(p.ctx, emulation.SetEmulatedMedia, reduce); err != nil {
		p.t.Fatalf("browsertest: reduce motion: %v", err)
	}
	png, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		p.t.Fatalf("browsertest: screenshot: %v", err)
	}
	return png
}

// SaveArtifact writes data as the file name in $AJEL_ARTIFACTS (else
// ajel-artifacts in the temp directory), where tests leave files for
// people to look at, and logs and returns its path.
func SaveArtifact(t testing.TB, name string, data []byte) string {
	t.Helper()
	dir := os.Getenv("AJEL_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "ajel-artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("browsertest: artifacts: %v", err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatalf("browsertest: artifacts: %v", err)
	}
	t.Logf("%s: %s", name, path)
	return path
}

// tail keeps the last max bytes the browser printed, for the skip message.
type tail struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tail) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, b...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(b), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(bytes.TrimSpace(t.buf))
}
