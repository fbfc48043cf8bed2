package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ajel-news/ajel/config"
	"github.com/ajel-news/ajel/internal/browsertest"
)

// TestDemoPageInChromium drives the real `ajel demo` page in headless
// Chromium as a newcomer would: types a command, sees the reply and pushes
// arrive, presses a topic button. The screenshot is a test artifact
// ($AJEL_ARTIFACTS, else the temp dir); AJEL_UPDATE_SCREENSHOT=1 also
// refreshes docs/demo-page.png for the README.
func TestDemoPageInChromium(t *testing.T) {
	out := &syncBuffer{}
	c := cli{stdin: strings.NewReader(""), stdout: out, stderr: out,
		loadConfig: envConfig(map[string]string{config.EnvHTTPAddr: "127.0.0.1:0"})}
	demoCtx, stopDemo := context.WithCancel(t.Context())
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

	b := browsertest.Start(t, 480, 900, 2)
	b.Navigate(pageURL)
	b.Wait("the page", `document.documentElement.dir === "rtl" && document.getElementById("input") !== null`)
	b.Wait("the demo reader's subscriptions", `[...document.querySelectorAll(".row.in .text")].some(e => e.textContent.includes("«إدلب»"))`)

	// Type the command and press Enter, as keystrokes.
	b.Eval(`document.getElementById("input").focus()`, nil)
	b.TypeLine("/subscribe لبنان")
	b.Wait("the reply", `[...document.querySelectorAll(".row.in .text")].some(e => e.textContent.includes("«لبنان»"))`)
	b.Wait("a breaking push", `[...document.querySelectorAll(".bubble.push .push-head")].some(e => e.textContent.includes("🔴 أخبار عاجلة · سوريا"))`)
	// A teaser's push shows the story's picture above its text, loaded
	// from the demo's own server, as Telegram shows a large link preview.
	b.Wait("a push with its picture", `[...document.querySelectorAll(".bubble.push")].some(b =>
		b.firstElementChild && b.firstElementChild.matches("img.preview") &&
		b.firstElementChild.complete && b.firstElementChild.naturalWidth === 640)`)
	b.Wait("the Lebanon push", `[...document.querySelectorAll(".bubble.push .push-head")].some(e => e.textContent.includes("أخبار عاجلة · لبنان"))`)

	b.Click(".kb-btn", "🇪🇬 مصر")
	b.Wait("the ticked button", `[...document.querySelectorAll(".kb-btn")].some(b => b.textContent === "✅ 🇪🇬 مصر")`)

	png := b.Screenshot()
	browsertest.SaveArtifact(t, "ajel-demo-page.png", png)
	if os.Getenv("AJEL_UPDATE_SCREENSHOT") == "1" {
		if err := os.WriteFile(filepath.Join("docs", "demo-page.png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
