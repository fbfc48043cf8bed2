package demo_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/ajel-news/ajel/internal/cdp"
)

// artifactDir is where tests leave files for people to look at.
func artifactDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("AJEL_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "ajel-artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("artifacts: %v", err)
	}
	return dir
}

// TestChatPageInChromium drives the demo page the way a person would: types
// a command and presses Enter, watches the reply and a push arrive, presses
// an inline button and sees the keyboard change.
func TestChatPageInChromium(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	f := newFixture(t)
	startFakeBot(t, f.tg, 400*time.Millisecond)

	// Launched last so that it closes first: its long poll would otherwise
	// hold up the page server's Close.
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
		if err := b.WaitJS(ctx, cond, 10*time.Second); err != nil {
			html, _ := b.Eval(ctx, `document.getElementById("messages").innerText`)
			t.Fatalf("waiting for %s: %v\npage shows: %s", what, err, html)
		}
	}
	call := func(method string, params any) {
		t.Helper()
		if _, err := b.Call(ctx, method, params); err != nil {
			t.Fatal(err)
		}
	}

	if err := b.Navigate(ctx, f.srv.URL+"/"); err != nil {
		t.Fatal(err)
	}
	wait("the page", `document.documentElement.dir === "rtl" && document.activeElement === document.getElementById("input")`)

	// Type the command and press Enter, as keystrokes.
	call("Input.insertText", map[string]string{"text": "/subscribe سوريا"})
	for _, typ := range []string{"keyDown", "char", "keyUp"} {
		ev := map[string]any{"type": typ, "key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13}
		if typ != "keyUp" {
			ev["text"] = "\r"
		}
		call("Input.dispatchKeyEvent", ev)
	}
	wait("the user's bubble", `[...document.querySelectorAll(".row.out .text")].some(e => e.textContent.includes("/subscribe سوريا"))`)
	wait("the composer to clear", `document.getElementById("input").value === ""`)
	wait("the bot's reply", `[...document.querySelectorAll(".row.in .text")].some(e => e.textContent.includes("تمّ الاشتراك في موضوع «سوريا»"))`)
	wait("the breaking push card", `[...document.querySelectorAll(".bubble.push.breaking .push-head")].some(e => e.textContent === "🔴 أخبار عاجلة · سوريا")`)
	wait("the silent push", `document.querySelector(".bubble.push.news .silent") !== null`)
	wait("the link in the push", `(() => { const a = document.querySelector(".bubble.push a"); return a && a.href === "https://wire.example/news/1" && a.target === "_blank" && a.rel.includes("noopener") })()`)

	// Press "🇱🇧 لبنان" under the reply; the bot ticks it and answers.
	v, err := b.Eval(ctx, `(() => {
		const btn = [...document.querySelectorAll(".kb-btn")].find(b => b.textContent === "🇱🇧 لبنان");
		if (!btn) return false;
		btn.click();
		return true;
	})()`)
	if err != nil || string(v) != "true" {
		t.Fatalf("pressing the button: %s %v", v, err)
	}
	wait("the ticked button", `[...document.querySelectorAll(".kb-btn")].some(b => b.textContent === "✅ 🇱🇧 لبنان")`)
	wait("the bot's answer", `!document.getElementById("toast").hidden && document.getElementById("toast").textContent === "✅ تمّ الاشتراك"`)

	// The page shows each message once, in order, and the transcript agrees.
	raw, err := b.Eval(ctx, `[...document.querySelectorAll(".row")].map(r => r.dataset.from + ":" + r.dataset.id)`)
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	if err := json.Unmarshal(raw, &rows); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, e := range f.page.Entries() {
		want = append(want, e.From+":"+strconv.Itoa(e.ID))
	}
	if len(rows) != len(want) || len(rows) != 4 {
		t.Errorf("page rows %v, transcript %v", rows, want)
	}
	for i := range min(len(rows), len(want)) {
		if rows[i] != want[i] {
			t.Errorf("row %d is %s, transcript has %s", i, rows[i], want[i])
		}
	}

	// Let the entry animations settle before the picture.
	time.Sleep(300 * time.Millisecond)
	png, err := b.Screenshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(artifactDir(t), "demo-page.png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}
