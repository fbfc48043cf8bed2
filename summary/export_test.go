package summary

// For the external tests (fulltext_eval_test.go, which imports packages
// that import this one): the evaluation's ROUGE and lead baseline.

// ROUGE is ROUGE-1, -2 and -L F1 (0..1) of cand against ref.
func ROUGE(cand, ref string) (r1, r2, rl float64) {
	s := rouge(cand, ref)
	return s.r1, s.r2, s.rl
}

// Lead is the first n sentences of text, as the baselines take them.
func Lead(text string, n int) string { return lead(text, n) }
