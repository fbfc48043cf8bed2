package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ajel-news/ajel/config"
	"github.com/ajel-news/ajel/internal/cdp"
)

// TestDemoPageInChromium drives the real `ajel demo` page in headless
// Chromium as a newcomer would: types a command, sees the reply and pushes
// arrive, presses a topic button. The screenshot is a test artifact
// ($AJEL_ARTIFACTS, else the temp dir); AJEL_UPDATE_SCREENSHOT=1 also
// refreshes docs/demo-page.png for the README.
func TestDemoPageInChromium(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	out := &syncBuffer{}
	c := cli{stdin: strings.NewReader(""), stdout: out, stderr: out,
		loadConfig: envConfig(map[string]string{config.EnvHTTPAddr: "127.0.0.1:0"})}
	demoCtx, stopDemo := context.WithCancel(ctx)
	done := make(chan int, 1)
	go func() { done <- c.run(demoCtx, []string{"demo", "--every", "700ms"}) }()
	t.Cleanup(func() {
		stopDemo()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			t.Error("demo did not stop")
		}
	})
	addr := regexp.MustCompile(`Chat page: (http://127\.0\.0\.1:\d+/)`)
	var pageURL string
	for deadline := time.Now().Add(20 * time.Second); pageURL == ""; time.Sleep(50 * time.Millisecond) {
		if m := addr.FindStringSubmatch(out.String()); m != nil {
			pageURL = m[1]
		} else if time.Now().After(deadline) {
			t.Fatalf("the demo never printed its page address:\n%s", out.String())
		}
	}

	b, err := cdp.Launch(ctx, cdp.Options{Width: 480, Height: 900, Scale: 2})
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
	wait := func(what, cond string) {
		t.Helper()
		if err := b.WaitJS(ctx, cond, 25*time.Second); err != nil {
			shown, _ := b.Eval(ctx, `document.getElementById("messages").innerText`)
			t.Fatalf("waiting for %s: %v\npage shows: %s", what, err, shown)
		}
	}
	if err := b.Navigate(ctx, pageURL); err != nil {
		t.Fatal(err)
	}
	wait("the page", `document.documentElement.dir === "rtl" && document.getElementById("input") !== null`)
	wait("the demo reader's subscriptions", `[...document.querySelectorAll(".row.in .text")].some(e => e.textContent.includes("«إدلب»"))`)

	// Type the command and press Enter, as keystrokes.
	if _, err := b.Eval(ctx, `document.getElementById("input").focus()`); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Call(ctx, "Input.insertText", map[string]string{"text": "/subscribe لبنان"}); err != nil {
		t.Fatal(err)
	}
	for _, typ := range []string{"keyDown", "char", "keyUp"} {
		ev := map[string]any{"type": typ, "key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13}
		if typ != "keyUp" {
			ev["text"] = "\r"
		}
		if _, err := b.Call(ctx, "Input.dispatchKeyEvent", ev); err != nil {
			t.Fatal(err)
		}
	}
	wait("the reply", `[...document.querySelectorAll(".row.in .text")].some(e => e.textContent.includes("«لبنان»"))`)
	wait("a breaking push", `[...document.querySelectorAll(".bubble.push .push-head")].some(e => e.textContent.includes("🔴 أخبار عاجلة · سوريا"))`)
	// A teaser's push shows the story's picture above its text, loaded
	// from the demo's own server, as Telegram shows a large link preview.
	wait("a push with its picture", `[...document.querySelectorAll(".bubble.push")].some(b =>
		b.firstElementChild && b.firstElementChild.matches("img.preview") &&
		b.firstElementChild.complete && b.firstElementChild.naturalWidth === 640)`)
	wait("the Lebanon push", `[...document.querySelectorAll(".bubble.push .push-head")].some(e => e.textContent.includes("أخبار عاجلة · لبنان"))`)

	v, err := b.Eval(ctx, `(() => {
		const btn = [...document.querySelectorAll(".kb-btn")].find(b => b.textContent === "🇪🇬 مصر");
		if (!btn) return false;
		btn.click();
		return true;
	})()`)
	if err != nil || string(v) != "true" {
		t.Fatalf("pressing مصر: %s %v", v, err)
	}
	wait("the ticked button", `[...document.querySelectorAll(".kb-btn")].some(b => b.textContent === "✅ 🇪🇬 مصر")`)

	time.Sleep(400 * time.Millisecond) // let the entry animations settle
	png, err := b.Screenshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	dir := os.Getenv("AJEL_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "ajel-artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "ajel-demo-page.png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
	if os.Getenv("AJEL_UPDATE_SCREENSHOT") == "1" {
		if err := os.WriteFile(filepath.Join("docs", "demo-page.png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
