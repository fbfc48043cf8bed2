package main

import (
	"fmt"
	"io"
	"slices"
)

// counts are one label's true positives, false positives and false
// negatives over a set of items.
type counts struct{ tp, fp, fn int }

func (c counts) precision() float64 { return ratio(c.tp, c.tp+c.fp) }
func (c counts) recall() float64    { return ratio(c.tp, c.tp+c.fn) }
func (c counts) f1() float64        { return ratio(2*c.tp, 2*c.tp+c.fp+c.fn) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// tally scores multi-label predictions label by label.
type tally map[string]*counts

// add scores one item: the labels predicted against the gold ones.
func (t tally) add(gold, pred []string) {
	get := func(l string) *counts {
		if t[l] == nil {
			t[l] = &counts{}
		}
		return t[l]
	}
	for _, p := range pred {
		if slices.Contains(gold, p) {
			get(p).tp++
		} else {
			get(p).fp++
		}
	}
	for _, g := range gold {
		if !slices.Contains(pred, g) {
			get(g).fn++
		}
	}
}

// micro sums every label's counts.
func (t tally) micro() counts {
	var s counts
	for _, c := range t {
		s.tp, s.fp, s.fn = s.tp+c.tp, s.fp+c.fp, s.fn+c.fn
	}
	return s
}

// macroF1 is the mean F1 of the labels the gold side has (a label never
// in the gold cannot be judged).
func (t tally) macroF1() float64 {
	sum, n := 0.0, 0
	for _, c := range t {
		if c.tp+c.fn == 0 {
			continue
		}
		sum += c.f1()
		n++
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

func (t tally) labels() []string {
	var ls []string
	for l := range t {
		ls = append(ls, l)
	}
	slices.Sort(ls)
	return ls
}

// print writes each label's figures, then the micro and macro ones.
func (t tally) print(w io.Writer, indent string) {
	fmt.Fprintf(w, "%s%-14s %5s %5s %5s %6s %6s %6s\n", indent, "label", "tp", "fp", "fn", "P", "R", "F1")
	for _, l := range t.labels() {
		c := t[l]
		fmt.Fprintf(w, "%s%-14s %5d %5d %5d %6.3f %6.3f %6.3f\n", indent, l, c.tp, c.fp, c.fn, c.precision(), c.recall(), c.f1())
	}
	m := t.micro()
	fmt.Fprintf(w, "%s%-14s %5d %5d %5d %6.3f %6.3f %6.3f   macro-F1 %.3f\n", indent, "micro", m.tp, m.fp, m.fn, m.precision(), m.recall(), m.f1(), t.macroF1())
}
