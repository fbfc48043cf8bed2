package analyze_test

import (
	"testing"

	"github.com/ajel-news/ajel/analyze"
)

// A keyword saved with an invisible character inside (a variation
// selector pasted into «مصر», a zero-width joiner) never matched: its key
// is brought to the matching form and its display loses the invisible
// characters. A keyword already in form is left as it was.
func TestKeywordForms(t *testing.T) {
	tests := []struct {
		name, key, display, wantKey, wantDisplay string
	}{
		{"variation selector", "مص\ufe0fر", "مص\ufe0fر", analyze.KeywordKey("مصر"), "مصر"},
		{"zero-width joiner in two words", "قطاع\u200d غزة", " قطاع\u200d  غزة ", analyze.KeywordKey("قطاع غزة"), "قطاع غزة"},
		{"already in form", analyze.KeywordKey("سوريّا"), "سوريّا", analyze.KeywordKey("سوريا"), "سوريّا"},
	}
	for _, tt := range tests {
		key, display := analyze.KeywordForms(tt.key, tt.display)
		if key != tt.wantKey || display != tt.wantDisplay {
			t.Errorf("%s: KeywordForms(%q, %q) = %q, %q; want %q, %q", tt.name, tt.key, tt.display, key, display, tt.wantKey, tt.wantDisplay)
		}
	}
	if k := analyze.KeywordKey("ســوريا"); k != analyze.KeywordKey("سوريا") || k == "" {
		t.Errorf("KeywordKey: a stretched word and the word are two keys: %q", k)
	}
}
