package summary

import (
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/ajel-news/ajel/arabic"
	"github.com/ajel-news/ajel/internal/clean"
	"github.com/ajel-news/ajel/internal/corpus"
)

// The evaluation follows ../shared/data/README.md: ROUGE-N and ROUGE-L F1
// on normalized, unstemmed tokens split on non-word characters.

type eascDoc struct {
	Title      string   `json:"title"`
	Text       string   `json:"text"`
	References []string `json:"references"`
}

type antDoc struct {
	Source   string `json:"source"`
	Title    string `json:"title"`
	Abstract string `json:"abstract"`
	Text     string `json:"text"`
}

// readJSONL decodes up to limit lines (0: all) of a corpus file for which
// keep returns true, skipping the test when the file is absent.
func readJSONL[T any](t testing.TB, name string, limit int, keep func(T) bool) []T {
	t.Helper()
	n := 0
	return corpus.Load(t, name, func(_ int, v T) (bool, bool) {
		if !keep(v) {
			return false, true
		}
		n++
		return true, limit == 0 || n < limit
	})
}

func rougeTokens(s string) []string {
	return strings.FieldsFunc(arabic.Normalize(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_'
	})
}

// leadSplit is the README's sentence definition, used for the baselines.
var leadSplit = regexp.MustCompile(`[.!?؟]\s+|\n`)

func lead(text string, n int) string {
	var out []string
	rest := text
	for len(out) < n && rest != "" {
		loc := leadSplit.FindStringIndex(rest)
		var s string
		if loc == nil {
			s, rest = rest, ""
		} else {
			end := loc[0]
			if rest[loc[0]] != '\n' {
				end++ // keep the terminator
			}
			s, rest = rest[:end], rest[loc[1]:]
		}
		if len(rougeTokens(s)) >= 3 {
			out = append(out, s)
		}
	}
	return strings.Join(out, " ")
}

type rougeScore struct{ r1, r2, rl float64 }

func (a rougeScore) add(b rougeScore) rougeScore {
	return rougeScore{a.r1 + b.r1, a.r2 + b.r2, a.rl + b.rl}
}

func (a rougeScore) scale(k float64) rougeScore {
	return rougeScore{a.r1 * k, a.r2 * k, a.rl * k}
}

func f1(overlap, cand, ref int) float64 {
	if overlap == 0 || cand == 0 || ref == 0 {
		return 0
	}
	p, r := float64(overlap)/float64(cand), float64(overlap)/float64(ref)
	return 2 * p * r / (p + r)
}

func ngrams(toks []string, n int) map[string]int {
	m := map[string]int{}
	for i := 0; i+n <= len(toks); i++ {
		m[strings.Join(toks[i:i+n], " ")]++
	}
	return m
}

func ngramF1(c, r []string, n int) float64 {
	cm, rm := ngrams(c, n), ngrams(r, n)
	overlap, nc, nr := 0, 0, 0
	for g, k := range cm {
		overlap += min(k, rm[g])
		nc += k
	}
	for _, k := range rm {
		nr += k
	}
	return f1(overlap, nc, nr)
}

func lcs(a, b []string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for _, x := range a {
		for j, y := range b {
			if x == y {
				cur[j+1] = prev[j] + 1
			} else {
				cur[j+1] = max(prev[j+1], cur[j])
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func rouge(cand, ref string) rougeScore {
	c, r := rougeTokens(cand), rougeTokens(ref)
	return rougeScore{ngramF1(c, r, 1), ngramF1(c, r, 2), f1(lcs(c, r), len(c), len(r))}
}

// evalEASC averages, over articles, the mean F1 against the 5 references.
func evalEASC(docs []eascDoc, summarize func(d eascDoc) string) rougeScore {
	var total rougeScore
	for _, d := range docs {
		s := summarize(d)
		var per rougeScore
		for _, ref := range d.References {
			per = per.add(rouge(s, ref))
		}
		total = total.add(per.scale(1 / float64(len(d.References))))
	}
	return total.scale(100 / float64(len(docs)))
}

func evalBBC(docs []antDoc, summarize func(d antDoc) string) rougeScore {
	var total rougeScore
	for _, d := range docs {
		total = total.add(rouge(summarize(d), d.Abstract))
	}
	return total.scale(100 / float64(len(docs)))
}

func loadEASC(t testing.TB) []eascDoc {
	return readJSONL(t, "easc/easc.jsonl.gz", 0, func(eascDoc) bool { return true })
}

func loadBBC(t testing.TB) []antDoc {
	return readJSONL(t, "ant/ant-dev.jsonl.gz", 400, func(d antDoc) bool { return d.Source == "BBC" })
}

// TestEvaluateROUGE prints ROUGE F1 (x100) of the summarizer beside the
// lead baselines: EASC at 3 sentences (the title field is only the first
// line of the text, so no headline is passed) and the first 400 BBC
// articles of ANT at 1 sentence against the editor's abstract. It fails
// if the summarizer falls below lead-3 on EASC or lead-1 on BBC.
func TestEvaluateROUGE(t *testing.T) {
	if testing.Short() {
		t.Skip("evaluation skipped in -short mode")
	}
	easc := loadEASC(t)
	bbc := loadBBC(t)
	unlimited := func(n int) Options { return Options{MaxSentences: n, MaxChars: -1} }

	lead3 := evalEASC(easc, func(d eascDoc) string { return lead(d.Text, 3) })
	ours3 := evalEASC(easc, func(d eascDoc) string { return Summarize("", clean.Body(d.Text), unlimited(3)) })
	lead1 := evalBBC(bbc, func(d antDoc) string { return lead(d.Text, 1) })
	ours1 := evalBBC(bbc, func(d antDoc) string { return Summarize(d.Title, clean.Body(d.Text), unlimited(1)) })

	t.Logf("%-34s %6s %6s %6s", "ROUGE F1 x100", "R1", "R2", "RL")
	for _, row := range []struct {
		name string
		s    rougeScore
	}{
		{"EASC lead-3", lead3},
		{"EASC summary, 3 sentences", ours3},
		{"ANT BBC (400) lead-1", lead1},
		{"ANT BBC summary, 1 sentence", ours1},
	} {
		t.Logf("%-34s %6.1f %6.1f %6.1f", row.name, row.s.r1, row.s.r2, row.s.rl)
	}
	if ours3.r1 < lead3.r1 || ours3.r2 < lead3.r2 || ours3.rl < lead3.rl {
		t.Errorf("EASC: summary %.1f/%.1f/%.1f below lead-3 %.1f/%.1f/%.1f", ours3.r1, ours3.r2, ours3.rl, lead3.r1, lead3.r2, lead3.rl)
	}
	if ours1.r1 < lead1.r1-0.05 || ours1.r2 < lead1.r2-0.05 || ours1.rl < lead1.rl-0.05 {
		t.Errorf("BBC: summary %.1f/%.1f/%.1f below lead-1 %.1f/%.1f/%.1f", ours1.r1, ours1.r2, ours1.rl, lead1.r1, lead1.r2, lead1.rl)
	}
}
