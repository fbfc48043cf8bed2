package demo_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/ajel-news/ajel/internal/browsertest"
)

// TestChatPageInChromium drives the demo page the way a person would: types
// a command and presses Enter, watches the reply and a push arrive, presses
// an inline button and sees the keyboard change.
func TestChatPageInChromium(t *testing.T) {
	f := newFixture(t)
	startFakeBot(t, f.tg, 400*time.Millisecond)
	// Started last so that it closes first: its long poll would otherwise
	// hold up the page server's Close.
	b := browsertest.Start(t, 480, 900, 2)

	b.Navigate(f.srv.URL + "/")
	b.Wait("the page", `document.documentElement.dir === "rtl" && document.activeElement === document.getElementById("input")`)

	// Type the command and press Enter, as keystrokes.
	b.TypeLine("/subscribe سوريا")
	b.Wait("the user's bubble", `[...document.querySelectorAll(".row.out .text")].some(e => e.textContent.includes("/subscribe سوريا"))`)
	b.Wait("the composer to clear", `document.getElementById("input").value === ""`)
	b.Wait("the bot's reply", `[...document.querySelectorAll(".row.in .text")].some(e => e.textContent.includes("تمّ الاشتراك في موضوع «سوريا»"))`)
	b.Wait("the breaking push card", `[...document.querySelectorAll(".bubble.push.breaking .push-head")].some(e => e.textContent === "🔴 أخبار عاجلة · سوريا")`)
	b.Wait("the silent push", `document.querySelector(".bubble.push.news .silent") !== null`)
	b.Wait("the link in the push", `(() => { const a = document.querySelector(".bubble.push a"); return a && a.href === "https://wire.example/news/1" && a.target === "_blank" && a.rel.includes("noopener") })()`)

	// Press "🇱🇧 لبنان" under the reply; the bot ticks it and answers.
	b.Click(".kb-btn", "🇱🇧 لبنان")
	b.Wait("the ticked button", `[...document.querySelectorAll(".kb-btn")].some(b => b.textContent === "✅ 🇱🇧 لبنان")`)
	b.Wait("the bot's answer", `!document.getElementById("toast").hidden && document.getElementById("toast").textContent === "✅ تمّ الاشتراك"`)

	// The page shows each message once, in order, and the transcript agrees.
	var rows []string
	b.Eval(`[...document.querySelectorAll(".row")].map(r => r.dataset.from + ":" + r.dataset.id)`, &rows)
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

	browsertest.SaveArtifact(t, "demo-page.png", b.Screenshot())
}
