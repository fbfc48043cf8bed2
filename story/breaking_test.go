package story_test

import (
	"testing"

	"github.com/ajel-news/ajel/story"
)

func TestSplitMarker(t *testing.T) {
	tests := []struct {
		in, want string
		breaking bool
	}{
		{"عاجل: انفجار في بيروت", "انفجار في بيروت", true},
		{"عاجل | انفجار في بيروت", "انفجار في بيروت", true},
		{"[عاجل] انفجار في بيروت", "انفجار في بيروت", true},
		{"عاجل - انفجار في بيروت", "انفجار في بيروت", true},
		{"🔴 عاجل: انفجار", "انفجار", true},
		{"#عاجل انفجار", "انفجار", true},
		{"BREAKING: Blast in Beirut", "Blast in Beirut", true},
		{"Breaking News - Blast", "Blast", true},
		{"breaking: blast", "blast", true},
		{"عاجل", "", true},
		{"  عاجل:  ", "", true},
		{"عاجلة هي الأخبار", "عاجلة هي الأخبار", false},
		{"Breakingviews: a column", "Breakingviews: a column", false},
		{"انفجار في بيروت عاجل", "انفجار في بيروت عاجل", false},
		{"  خبر عادي ", "خبر عادي", false},
		{"", "", false},
	}
	for _, tc := range tests {
		got, brk := story.SplitMarker(tc.in)
		if got != tc.want || brk != tc.breaking {
			t.Errorf("SplitMarker(%q) = %q, %v; want %q, %v", tc.in, got, brk, tc.want, tc.breaking)
		}
	}
}
