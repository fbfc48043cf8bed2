package analyze

import (
	"strings"

	"github.com/ajel-news/ajel/arabic"
)

// KeywordKey is a keyword subscription's key: the keyword in the matching
// form Analyze looks for (arabic.KeywordForm), so "سوريا", "سوريّا" and
// "ســوريا" are one subscription; "" when it has no word.
func KeywordKey(keyword string) string { return arabic.KeywordForm(keyword) }

// KeywordForms is a keyword subscription's key and display as /subscribe
// and /mute write them now: the key in matching form, the display without
// the invisible characters the matching form drops (arabic.IsInvisible).
// It brings up to date those saved before the matching form dropped every
// invisible character (a variation selector inside «مصر» never matched);
// a key with none is given back as it was.
func KeywordForms(key, display string) (string, string) {
	visible := func(s string) string {
		return strings.Map(func(r rune) rune {
			if arabic.IsInvisible(r) {
				return -1
			}
			return r
		}, s)
	}
	if k := visible(key); k != key { // only what the change concerns is written again
		key = arabic.KeywordForm(k)
	}
	return key, strings.Join(strings.Fields(visible(display)), " ")
}
