package arabic_test

import (
	"fmt"
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
