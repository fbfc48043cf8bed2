package main

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/ajel-news/ajel/config"
)

func envConfig(env map[string]string) func() (config.Config, error) {
	return func() (config.Config, error) {
		return config.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	}
}

// The README's first command: pushes must appear in the terminal quickly,
// with no token and no network.
func TestDemoShowsPushes(t *testing.T) {
	out := &syncBuffer{}
	c := cli{stdin: strings.NewReader(""), stdout: out, stderr: out,
		loadConfig: envConfig(map[string]string{config.EnvHTTPAddr: "127.0.0.1:0"})}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan int, 1)
	go func() { done <- c.run(ctx, []string{"demo", "--duration", "40s", "--every", "300ms"}) }()

	deadline := time.Now().Add(30 * time.Second)
	// The highway story's feed item is a teaser of 15 words; its push is
	// summarized from the article page the demo serves (النبك is in the
	// page's third paragraph only) and carries the page's picture.
	// Once the news is out, the reader compares the earthquake's two
	// tellings and shares a story through inline mode.
	for strings.Count(out.String(), "أخبار عاجلة ·") < 2 || !strings.Contains(out.String(), "النبك") ||
		!strings.Contains(out.String(), "(via @bot)") {
		if time.Now().After(deadline) {
			t.Fatalf("no pushes, no push from a teaser's page, or no comparison and inline share, within 30s:\n%s", out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("demo exited %d:\n%s", code, out.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("demo did not stop on cancel")
	}
	text := out.String()
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
