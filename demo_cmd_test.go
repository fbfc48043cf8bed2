package main

import (
	"context"
	"net"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ajel-news/ajel/config"
	"github.com/ajel-news/ajel/demo"
)

func envConfig(env map[string]string) func() (config.Config, error) {
	return func() (config.Config, error) {
		return config.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	}
}

// The README's first command: pushes must appear in the terminal quickly,
// with no token and no network.
func TestDemoShowsPushes(t *testing.T) {
	// The highway story's feed item is a teaser of 15 words; its push is
	// summarized from the article page the demo serves (النبك is in the
	// page's third paragraph only) and carries the page's picture.
	// Once the news is out, the reader compares the earthquake's two
	// tellings and shares a story through inline mode.
	text := runDemo(t, "127.0.0.1:0", "300ms", "pushes, a push from a teaser's page, the comparison and the inline share", func(out string) bool {
		return strings.Count(out, "أخبار عاجلة ·") >= 2 && strings.Contains(out, "النبك") && strings.Contains(out, "(via @bot)")
	})
	for _, want := range []string{"/subscribe سوريا", "🔴 أخبار عاجلة · سوريا", "Chat page: http://127.0.0.1:",
		"/pictures/road.png\n  📰 أخبار عاجلة · سوريا\n  افتتاح طريق سريع",
		"🧭 كيف نقلتها المصادر · مصدران", "1. وكالة الخبر · الآن · الرابط", "2. الشام اليوم · ",
		"@ajel_demo_bot زلزال", "• زلزال بقوة"} {
		if !strings.Contains(text, want) {
			t.Errorf("demo output lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "افتتاح معرض دمشق الدولي للكتاب") && strings.Contains(text, "📰 أخبار عاجلة · سوريا\n  افتتاح معرض") {
		t.Error("an item present before the first poll was pushed")
	}
}

func TestDemoReportsBusyAddress(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	addr := ln.Addr().String()
	out := &syncBuffer{}
	c := cli{stdin: strings.NewReader(""), stdout: out, stderr: out,
		loadConfig: envConfig(map[string]string{config.EnvHTTPAddr: addr})}
	if code := c.run(t.Context(), []string{"demo", "--duration", "5s"}); code == 0 {
		t.Fatal("demo started on a busy address")
	}
	if !strings.Contains(out.String(), addr) || !strings.Contains(out.String(), "already in use") {
		t.Errorf("error does not name the busy address:\n%s", out.String())
	}
}

// The demo's flagship: the Tartus sinking, told by the second outlet in
// its own words (another verb, the ship's name spelt جولدن for غولدن,
// other details), reaches the reader as one push that is edited to name
// the other outlet, with the reason printed; the sailors' union's
// criticism of the same sinking is a push of its own, and yesterday's
// archive, which gives event matching its word weights, is never pushed.
func TestDemoJoinsATellingInOtherWords(t *testing.T) {
	const (
		ship       = "غرق سفينة شحن قبالة ساحل طرطوس وإنقاذ 12 بحاراً"
		paraphrase = "إنقاذ 12 بحاراً من سفينة قمح انقلبت في عاصفة قرب طرطوس"
		union      = "نقابة البحارة تنتقد السماح بإبحار السفن المتهالكة بعد حادثة طرطوس"
	)
	// The two tellings are on two feeds, each polled every second: at
	// this pace either may come first, and the other joins its push.
	tellings := map[string]string{ship: "وكالة الخبر", paraphrase: "الشام اليوم"}
	other := map[string]string{ship: paraphrase, paraphrase: ship}
	// joined returns the telling that was pushed once the push names
	// the other telling's outlet.
	joined := func(cards []demoCard) string {
		for _, c := range cards {
			if h := c.headline(); tellings[h] != "" && strings.Contains(c.text, "مصادر أخرى: "+tellings[other[h]]) {
				return h
			}
		}
		return ""
	}
	text := runDemo(t, "", "200ms", "all the news out, the ship's push naming the second outlet, a push for the union", func(out string) bool {
		cards := demoCards(out)
		return strings.Contains(out, "نُشرت كل الأخبار التجريبية") && joined(cards) != "" &&
			slices.ContainsFunc(cards, func(c demoCard) bool { return c.headline() == union })
	})
	cards := demoCards(text)
	count := map[string]int{} // new pushes by headline
	for _, c := range cards {
		if !c.edit {
			count[c.headline()]++
		}
	}
	first := joined(cards)
	second := other[first]
	if count[first] != 1 || count[second] != 0 || count[union] != 1 {
		t.Errorf("pushes: %d of the sinking as first told, %d as told again, %d of the union's criticism; want 1, 0, 1:\n%s",
			count[first], count[second], count[union], text)
	}
	for _, c := range cards {
		if c.headline() == second || c.headline() == union && c.edit {
			t.Errorf("the second telling has a push of its own, or the union's push was edited:\n%s", c.text)
		}
	}
	// The reason is printed: event matching, with the words both share.
	why := regexp.MustCompile(`🔗 «` + second + `» \(` + tellings[second] + `\).*\n\s+لماذا \(story_note\): joined story \d+: event \d\.\d\d: .*shared «[^»]*طرطوس`)
	if !why.MatchString(text) {
		t.Errorf("no line saying why the second telling joined:\n%s", text)
	}
	if strings.Contains(text, "🔗 «"+union) {
		t.Errorf("the union's criticism joined the sinking:\n%s", text)
	}
	for _, a := range demo.Archive() {
		if count[a.Title] > 0 {
			t.Errorf("yesterday's %q was pushed", a.Title)
		}
	}
}

// runDemo runs `ajel demo --every every` with HTTP_ADDR httpAddr until
// its output satisfies done (what says what that is; the test fails after
// 30 s without it), stops it as Ctrl-C does, and returns all it printed.
func runDemo(t *testing.T, httpAddr, every, what string, done func(string) bool) string {
	t.Helper()
	out := &syncBuffer{}
	c := cli{stdin: strings.NewReader(""), stdout: out, stderr: out,
		loadConfig: envConfig(map[string]string{config.EnvHTTPAddr: httpAddr})}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	exited := make(chan int, 1)
	go func() { exited <- c.run(ctx, []string{"demo", "--duration", "40s", "--every", every}) }()
	for deadline := time.Now().Add(30 * time.Second); !done(out.String()); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("not within 30s: %s:\n%s", what, out.String())
		}
	}
	cancel()
	select {
	case code := <-exited:
		if code != 0 {
			t.Errorf("demo exited %d:\n%s", code, out.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("demo did not stop on cancel")
	}
	return out.String()
}

// demoCard is a push (or an edit of one) as the demo prints it.
type demoCard struct {
	edit bool
	text string
}

// headline is a push's second line (after «أخبار عاجلة · topic»), without
// the isolates the bot puts around numbers.
func (c demoCard) headline() string {
	lines := strings.Split(c.text, "\n")
	for i, l := range lines {
		if strings.Contains(l, "أخبار عاجلة ·") && i+1 < len(lines) {
			return strings.TrimSpace(strings.NewReplacer("\u2068", "", "\u2069", "").Replace(lines[i+1]))
		}
	}
	return ""
}

// demoCards returns the pushes and edits the demo printed, in order: each
// is framed by two bars, the first after its mark.
func demoCards(out string) []demoCard {
	bar := strings.Repeat("━", 40)
	var cards []demoCard
	var cur *demoCard
	var body []string
	for l := range strings.Lines(out) {
		l = strings.TrimRight(l, "\n")
		switch {
		case cur == nil && strings.HasSuffix(l, bar) && l != bar:
			cur, body = &demoCard{edit: strings.Contains(l, "(edited)")}, nil
		case cur != nil && l == bar:
			cur.text = strings.Join(body, "\n")
			cards = append(cards, *cur)
			cur = nil
		case cur != nil:
			body = append(body, l)
		}
	}
	return cards
}
