package story

// The evaluation on real news (ANT, ../shared/data) runs inside the
// package because the false-merge rate is measured over every pair of
// articles with the detector's own decision, which has no exported form.

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/ajel-news/ajel/arabic"
	"github.com/ajel-news/ajel/internal/corpus"
	"github.com/ajel-news/ajel/news"
)

// loadANT reads every step-th article of the ANT corpus, at most n, or
// skips the test when the corpus is absent.
func loadANT(tb testing.TB, n, step int) []news.Article {
	tb.Helper()
	type rec struct{ ID, Source, URL, Title, Text string }
	var out []news.Article
	corpus.Load(tb, "ant/ant-dev.jsonl.gz", func(i int, r rec) (bool, bool) {
		if i%step == 0 && strings.TrimSpace(r.Text) != "" {
			out = append(out, news.Article{Key: r.ID, Source: r.Source, URL: r.URL, Title: r.Title, Text: r.Text})
		}
		return false, len(out) < n
	})
	return out
}

// variants are the ways an outlet re-publishes an item.
var variants = []struct {
	name string
	make func(a news.Article, rng *rand.Rand, vocab []string) (news.Article, bool)
}{
	{"drop a sentence", func(a news.Article, rng *rand.Rand, _ []string) (news.Article, bool) {
		ss := arabic.Sentences(a.Text)
		if len(ss) < 2 {
			return a, false
		}
		i := rng.IntN(len(ss))
		a.Text = strings.Join(append(ss[:i:i], ss[i+1:]...), " ")
		return a, true
	}},
	{"عاجل: prefix", func(a news.Article, _ *rand.Rand, _ []string) (news.Article, bool) {
		a.Title = "عاجل: " + a.Title
		return a, true
	}},
	{"5% words changed", func(a news.Article, rng *rand.Rand, vocab []string) (news.Article, bool) {
		a.Title = changeWords(a.Title, rng, vocab)
		a.Text = changeWords(a.Text, rng, vocab)
		return a, true
	}},
	{"hamzas stripped", func(a news.Article, _ *rand.Rand, _ []string) (news.Article, bool) {
		r := strings.NewReplacer("أ", "ا", "إ", "ا", "آ", "ا", "ؤ", "و", "ئ", "ي", "ء", "")
		a.Title, a.Text = r.Replace(a.Title), r.Replace(a.Text)
		return a, true
	}},
}

// changeWords replaces 5% of the words of s (at least one) with words
// from vocab.
func changeWords(s string, rng *rand.Rand, vocab []string) string {
	w := strings.Fields(s)
	if len(w) == 0 {
		return s
	}
	k := max(1, len(w)*5/100)
	for range k {
		w[rng.IntN(len(w))] = vocab[rng.IntN(len(vocab))]
	}
	return strings.Join(w, " ")
}

func TestEvalANT(t *testing.T) {
	if testing.Short() {
		t.Skip("evaluation on ANT skipped in -short mode")
	}
	arts := loadANT(t, 2000, 13)
	rng := rand.New(rand.NewPCG(1, 2))
	var vocab []string
	for _, a := range arts[:200] {
		vocab = append(vocab, strings.Fields(a.Text)...)
	}
	now := time.Date(2018, 5, 1, 12, 0, 0, 0, time.UTC)
	d := NewDetector(Options{Now: func() time.Time { return now }})
	for i, a := range arts {
		d.Add(int64(i+1), a)
	}

	total, merged := 0, 0
	for _, v := range variants {
		n, ok := 0, 0
		for i, a := range arts {
			va, made := v.make(a, rng, vocab)
			if !made {
				continue
			}
			va.Source = "other"
			n++
			if id, found := d.Match(va); found && (id == int64(i+1) || sameExact(arts, id, i)) {
				ok++
			}
		}
		t.Logf("merge recall, %-17s %5d/%5d = %.4f", v.name, ok, n, float64(ok)/float64(n))
		total += n
		merged += ok
	}
	recall := float64(merged) / float64(total)
	t.Logf("merge recall, all variants       %5d/%5d = %.4f (goal ≥ 0.97)", merged, total, recall)

	sigs := make([]*signature, len(arts))
	for i, a := range arts {
		sigs[i] = sign(a.Title, a.Text)
	}
	pairs, falseMerges := 0, 0
	var examples []string
	for i := range sigs {
		for j := i + 1; j < len(sigs); j++ {
			pairs++
			if sigs[i].exact == sigs[j].exact {
				continue // the corpus holds a few verbatim copies
			}
			if _, ok := d.score(sigs[i], sigs[j]); ok {
				falseMerges++
				if len(examples) < 5 {
					examples = append(examples, fmt.Sprintf("%q (%s) ~ %q (%s)", arts[i].Title, arts[i].Source, arts[j].Title, arts[j].Source))
				}
			}
		}
	}
	rate := float64(falseMerges) / float64(pairs)
	t.Logf("false merges over pairs of different articles: %d/%d = %.5f%% (goal ≤ 0.1%%)", falseMerges, pairs, 100*rate)
	for _, e := range examples {
		t.Logf("  merged: %s", e)
	}
	if recall < 0.97 {
		t.Errorf("recall %.4f below 0.97", recall)
	}
	if rate > 0.001 {
		t.Errorf("false-merge rate %.5f above 0.001", rate)
	}
}

// sameExact reports whether story id (1-based index into arts) is a
// verbatim copy of arts[i]: the corpus repeats a few items, and merging
// with the copy is right.
func sameExact(arts []news.Article, id int64, i int) bool {
	j := int(id - 1)
	return j >= 0 && j < len(arts) && arts[j].Title == arts[i].Title
}

// BenchmarkMatchAdd measures throughput through Match and Add with a
// day's worth of open stories, on ANT articles.
func BenchmarkMatchAdd(b *testing.B) {
	arts := loadANT(b, 4000, 6)
	now := time.Date(2018, 5, 1, 12, 0, 0, 0, time.UTC)
	d := NewDetector(Options{Now: func() time.Time { return now }})
	for i, a := range arts[:2000] {
		d.Add(int64(i+1), a)
	}
	next := int64(len(arts) + 1)
	i := 0
	for b.Loop() {
		a := arts[2000+i%2000]
		i++
		now = now.Add(10 * time.Second)
		id, ok := d.Match(a)
		if !ok {
			id = next
			next++
		}
		d.Add(id, a)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "articles/s")
}
