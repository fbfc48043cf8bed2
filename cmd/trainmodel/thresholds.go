package main

import (
	"fmt"
	"io"
	"slices"

	"github.com/ajel-news/ajel/arabic"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/topic"
)

// judged is a labelled item's section evidence, from a model that did not
// train on its outlet, and its gold sections.
type judged struct {
	ev   topic.SectionEvidence
	gold []string
}

// itemOf is what the classifier reads of an analysed article.
func itemOf(a news.Article) topic.Item {
	return topic.Item{Title: a.Title, Text: arabic.Analyze(a.Text), URL: a.URL, Categories: a.Categories, Country: a.FeedCountry}
}

// crossEvidence gives the section evidence of the items of outlets, each
// from a model trained on ANT and the labelled items of every outlet but
// its own and those in skip.
func crossEvidence(cat *topic.Catalogue, ant *antDocs, items []labelled, clean []news.Article, rf [][]topic.Doc,
	outlets []string, skip string, o options) ([]judged, error) {
	var out []judged
	for _, held := range outlets {
		if held == skip {
			continue
		}
		docs := ant.docs("", o.whole)
		for i, it := range items {
			if it.Outlet != held && it.Outlet != skip {
				docs = append(docs, rf[i]...)
			}
		}
		m, err := topic.Train(docs, o.train)
		if err != nil {
			return nil, fmt.Errorf("trainmodel: without %s and %s: %w", held, skip, err)
		}
		cl := topic.NewClassifier(cat, m)
		for i, it := range items {
			if it.Outlet == held {
				a := clean[i]
				a.FeedCountry = o.countries[held]
				out = append(out, judged{ev: cl.SectionEvidence(itemOf(a)), gold: it.Sections})
			}
		}
	}
	return out, nil
}

// chooseThresholds returns the thresholds that give the best micro-F1 of
// sections over js (ties: the higher thresholds, fewer wrong sections).
func chooseThresholds(js []judged) (topic.Thresholds, float64) {
	var best topic.Thresholds
	bestF := -1.0
	// Whole hundredths, 0.05 apart: top 0.20–0.70, second 0.10–top,
	// extra 0.50–0.95.
	for top := 70; top >= 20; top -= 5 {
		for second := top; second >= 10; second -= 5 {
			for extra := 95; extra >= 50; extra -= 5 {
				th := topic.Thresholds{Top: float64(top) / 100, Second: float64(second) / 100, Extra: float64(extra) / 100}
				t := tally{}
				for _, j := range js {
					got := j.ev.Sections(th)
					slices.Sort(got)
					t.add(j.gold, got)
				}
				if f := t.micro().f1(); f > bestF+1e-9 {
					best, bestF = th, f
				}
			}
		}
	}
	return best, bestF
}

// sourcePrecision prints, for each source of section evidence alone (the
// outlet's labels, the headline's words, the model's top section when it
// reaches th.Top), how often what it says is right.
func sourcePrecision(w io.Writer, js []judged, th topic.Thresholds) {
	said, right := map[string]int{}, map[string]int{}
	for _, j := range js {
		var model []string
		if len(j.ev.Model) > 0 && j.ev.Model[0].Prob >= th.Top {
			model = []string{j.ev.Model[0].Slug}
		}
		for name, pred := range map[string][]string{"outlet": j.ev.Outlet, "headline": j.ev.Headline, "model": model} {
			for _, p := range pred {
				said[name]++
				if slices.Contains(j.gold, p) {
					right[name]++
				}
			}
		}
	}
	for _, name := range []string{"outlet", "headline", "model"} {
		fmt.Fprintf(w, "  sections from the %-8s %4d said, %4d right (%.3f)\n", name, said[name], right[name], ratio(right[name], said[name]))
	}
}
