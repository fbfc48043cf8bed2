package topic

import (
	"slices"
	"strings"
	"testing"

	"github.com/ajel-news/ajel/arabic"
)

// TestModelTermsIsWhatTheClassifierReads: training (ModelTerms, which cuts
// the text before reading it) and classification (the whole text read
// once, the model's part taken) give the model the same terms, wherever
// the cut falls: between sentences, inside one, inside a word.
func TestModelTermsIsWhatTheClassifierReads(t *testing.T) {
	cl := NewClassifier(Embedded(), nil)
	sentence := "ارتفعت أسعار النفط في الأسواق العالمية وتراجعت الصادرات بعد قرار البنك المركزي في بيروت. "
	for _, n := range []int{0, 1, 5, 18, 19, 20, 40} {
		for _, tail := range []string{"", "وقال الوزير", "وقال الوزير إن المستشفيات"} {
			text := strings.Repeat(sentence, n) + tail
			title := "تراجع أسعار النفط والمنتخب يفوز"
			want := cl.ModelTerms(title, text)
			got, _ := cl.modelTerms(cl.read(Item{Title: title, Text: arabic.Analyze(text)}))
			if !slices.Equal(got, want) {
				t.Errorf("%d sentences and %q: the classifier reads\n%q\nbut training read\n%q", n, tail, got, want)
			}
		}
	}
}
