package textcut_test

import (
	"strings"
	"testing"

	"github.com/ajel-news/ajel/internal/textcut"
)

func TestLen16(t *testing.T) {
	for s, want := range map[string]int{"": 0, "abc": 3, "عاجل": 4, "🔴 عاجل": 7, "é": 1} {
		if got := textcut.Len16(s); got != want {
			t.Errorf("Len16(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestWords(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"قصير", 10, "قصير"},
		{"كلمة كلمة كلمة كلمة", 12, "كلمة كلمة…"},
		{strings.Repeat("ب", 20), 6, "ببببب…"},
		{"🔴🔴🔴🔴", 5, "🔴🔴…"}, // emoji are two units each
		{"جملة أولى. جملة ثانية", 12, "جملة أولى…"},
		{"x", 0, "…"},
	}
	for _, tc := range tests {
		got := textcut.Words(tc.in, tc.n)
		if got != tc.want || textcut.Len16(got) > max(tc.n, 1) {
			t.Errorf("Words(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}

func TestLine(t *testing.T) {
	if got := textcut.Line("telegram:  500\nInternal\tServer Error", 100); got != "telegram: 500 Internal Server Error" {
		t.Errorf("Line = %q", got)
	}
	if got := textcut.Line(strings.Repeat("خطأ ", 200), 50); textcut.Len16(got) > 50 || !strings.HasSuffix(got, "…") {
		t.Errorf("long line %q", got)
	}
}
