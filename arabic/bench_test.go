package arabic_test

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/ajel-news/ajel/arabic"
)

// benchArticle is a synthetic 600-word article written for benchmarks.
func benchArticle() string {
	para := "قالت وزارة الخارجية اللبنانية في بيان اليوم إن الحكومة ستعقد اجتماعاً طارئاً لبحث تداعيات الغارات على قطاع غزة وإدلب، " +
		"وأضافت أن الأمم المتحدة دعت إلى وقف فوري لإطلاق النار. وأكد مسؤولون سوريون وعراقيون أن المحادثات مستمرة. "
	words := strings.Fields(para)
	var b strings.Builder
	for n := 0; n < 600; n += len(words) {
		b.WriteString(para)
	}
	return b.String()
}

func BenchmarkNormalize(b *testing.B) {
	s := benchArticle()
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		arabic.Normalize(s)
	}
}

func BenchmarkSentences(b *testing.B) {
	s := benchArticle()
	for b.Loop() {
		arabic.Sentences(s)
	}
}

func BenchmarkIndexMatch(b *testing.B) {
	kws := []string{"سوريا", "لبنان", "قطاع غزة", "الأمم المتحدة", "إدلب", "العراق"}
	for i := len(kws); i < 1000; i++ {
		kws = append(kws, fmt.Sprintf("كلمة%d", i))
	}
	ix := arabic.NewIndex(kws)
	s := benchArticle()
	if got := ix.Match(s); len(got) != 6 {
		b.Fatalf("matched %q", got)
	}
	for b.Loop() {
		ix.Match(s)
	}
}

func BenchmarkNewIndex(b *testing.B) {
	kws := make([]string, 1000)
	for i := range kws {
		kws[i] = fmt.Sprintf("الكلمة%d", i)
	}
	for b.Loop() {
		arabic.NewIndex(kws)
	}
}

// syntheticKeywords returns n distinct made-up Arabic keywords (every tenth
// a two-word phrase) after the real ones.
func syntheticKeywords(n int, real ...string) []string {
	letters := []rune("بتثجحخدذرزسشصضطظعغفقكلمنهوي")
	kws := append([]string(nil), real...)
	for i := 0; len(kws) < n; i++ {
		var w []rune
		for x := i + 28*28*28; x > 0; x /= len(letters) {
			w = append(w, letters[x%len(letters)])
		}
		kw := string(w)
		if i%10 == 0 {
			kw += " " + string(w[len(w)-2:]) + "ان"
		}
		kws = append(kws, kw)
	}
	return kws
}

// BenchmarkIndexMatch1M matches one 600-word article against an index of
// 1,000,000 keyword subscriptions (the goal is under 1 ms an article); it
// also reports the index's size in memory.
//
//	go test -run '^$' -bench IndexMatch1M -benchmem ./arabic
func BenchmarkIndexMatch1M(b *testing.B) {
	kws := syntheticKeywords(1_000_000, "سوريا", "لبنان", "قطاع غزة", "الأمم المتحدة", "إدلب", "العراق")
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	ix := arabic.NewIndex(kws)
	runtime.GC()
	runtime.ReadMemStats(&after)
	if ix.Len() != len(kws) {
		b.Fatalf("index holds %d keywords, want %d", ix.Len(), len(kws))
	}
	s := benchArticle()
	got := ix.Match(s)
	for _, want := range kws[:6] {
		if !slices.Contains(got, want) {
			b.Fatalf("matched %q, without %q", got, want)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		ix.Match(s)
	}
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "index-MiB")
	runtime.KeepAlive(ix)
}
