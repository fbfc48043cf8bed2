package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/ajel-news/ajel/analyze"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/topic"
)

// evalANT trains without one ANT outlet and tests on it, for each, and
// prints each held-out outlet's macro-F1 over ANT's own sections (its two
// news desks one class), read on whole articles and on headline and
// teaser. The model's classes are more than ANT's: each stands for the ANT
// section most of its training articles came from (politics and other for
// the news desks…), and an article is filed under the section whose
// classes are most probable together. Health and science come from both
// the technology desk and the news desks: for an article of either, they
// count as its own desk.
func evalANT(ctx context.Context, w io.Writer, ant *antDocs, o options) error {
	fmt.Fprintln(w, "ANT, one outlet held out: macro-F1 of culture/economy/news/sports/technology (news = both news desks)")
	var meanWhole, meanShort float64
	n := float64(len(ant.outletNames()))
	err := ant.heldOut(ctx, o, func(held string, m *topic.Model) {
		section := ant.sectionOfClass(held)
		predict := func(terms []string, gold string) string {
			p := m.Probabilities(terms)
			sum := map[string]float64{}
			for i, c := range m.Classes() {
				s := section[c]
				if (c == "health" || c == "science") && (gold == "technology" || gold == "news") {
					s = gold // both desks file these: either is right
				}
				sum[s] += p[i]
			}
			best := ""
			for s, v := range sum {
				if best == "" || v > sum[best] || v == sum[best] && s < best {
					best = s
				}
			}
			return best
		}
		whole, short := tally{}, tally{}
		for i, a := range ant.articles {
			if ant.outlets[i] != held {
				continue
			}
			gold := newsDesk(topic.ANTSection(a.Category))
			whole.add([]string{gold}, []string{predict(ant.longTerms[i], gold)})
			short.add([]string{gold}, []string{predict(ant.shortTerms[i], gold)})
		}
		fmt.Fprintf(w, "  held out %-9s whole articles %.3f   headline+teaser %.3f\n", held, whole.macroF1(), short.macroF1())
		meanWhole += whole.macroF1() / n
		meanShort += short.macroF1() / n
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "  mean               whole articles %.3f   headline+teaser %.3f\n\n", meanWhole, meanShort)
	return nil
}

// outletNames lists the corpus's outlets, sorted.
func (d *antDocs) outletNames() []string {
	outlets := slices.Clone(d.outlets)
	slices.Sort(outlets)
	return slices.Compact(outlets)
}

// heldOut trains, for each outlet of the corpus in turn, a model on the
// others and calls fn with it.
func (d *antDocs) heldOut(ctx context.Context, o options, fn func(held string, m *topic.Model)) error {
	for _, held := range d.outletNames() {
		if err := ctx.Err(); err != nil {
			return err
		}
		m, err := topic.Train(d.docs(held, o.whole), o.train)
		if err != nil {
			return fmt.Errorf("trainmodel: ANT without %s: %w", held, err)
		}
		fn(held, m)
	}
	return nil
}

// outletsOf lists the outlets of items, sorted.
func outletsOf(items []labelled) []string {
	var outlets []string
	for _, it := range items {
		if !slices.Contains(outlets, it.Outlet) {
			outlets = append(outlets, it.Outlet)
		}
	}
	slices.Sort(outlets)
	return outlets
}

// newsDesk names ANT's two news desks as one section.
func newsDesk(section string) string {
	if section == "politics" {
		return "news"
	}
	return section
}

// sectionOfClass maps each model class to the ANT section (news desks as
// one) most of its training articles, held out left out, were filed under.
func (d *antDocs) sectionOfClass(held string) map[string]string {
	count := map[string]map[string]int{}
	for i, a := range d.articles {
		if d.outlets[i] == held {
			continue
		}
		for _, c := range d.classes[i] {
			if count[c] == nil {
				count[c] = map[string]int{}
			}
			count[c][newsDesk(topic.ANTSection(a.Category))]++
		}
	}
	out := map[string]string{}
	for c, by := range count {
		best := ""
		for s, n := range by {
			if best == "" || n > by[best] || n == by[best] && s < best {
				best = s
			}
		}
		out[c] = best
	}
	return out
}

// evalRealFeeds trains a model on ANT and four outlets' labelled items,
// tests the fifth through the analyzer, for each outlet, and prints the
// figures per outlet, their mean, and every section's over all five.
func evalRealFeeds(w io.Writer, cat *topic.Catalogue, ant *antDocs, items []labelled, clean []news.Article, rf [][]topic.Doc, o options) error {
	outlets := outletsOf(items)
	fmt.Fprintf(w, "realfeeds, leave one outlet out (%d items; country=: %v)\n", len(items), o.countries)
	fmt.Fprintf(w, "  %-16s %5s  %6s %6s %6s   %8s %8s\n", "held out", "items", "placeP", "placeR", "placeF", "sectMiF", "sectMaF")
	allPlaces, allSections := tally{}, tally{}
	features := topic.NewClassifier(cat, nil)
	var mean [5]float64
	for _, held := range outlets {
		docs := ant.docs("", o.whole)
		for i, it := range items {
			if it.Outlet != held {
				docs = append(docs, rf[i]...)
			}
		}
		m, err := topic.Train(docs, o.train)
		if err != nil {
			return fmt.Errorf("trainmodel: realfeeds without %s: %w", held, err)
		}
		if o.calibrate {
			// The thresholds are chosen on the other outlets alone, each
			// judged by a model that did not train on it either.
			js, err := crossEvidence(cat, ant, items, clean, rf, outlets, held, o)
			if err != nil {
				return err
			}
			th, f := chooseThresholds(js)
			m = m.WithThresholds(th)
			fmt.Fprintf(w, "  %-16s thresholds top %.2f second %.2f extra %.2f (micro-F1 %.3f on the other outlets)\n", held, th.Top, th.Second, th.Extra, f)
		}
		an := analyze.New(cat, analyze.Options{Model: m})
		places, sections := tally{}, tally{}
		n := 0
		for i, it := range items {
			if it.Outlet != held {
				continue
			}
			n++
			a := it.Article
			a.FeedCountry = o.countries[held]
			out, err := analyzed(an, a, i)
			if err != nil {
				return err
			}
			p, s := split(cat, out.Topics)
			places.add(it.Places, p)
			sections.add(it.Sections, s)
			allPlaces.add(it.Places, p)
			allSections.add(it.Sections, s)
			if o.verbose && (!slices.Equal(p, it.Places) || !slices.Equal(s, it.Sections)) {
				fmt.Fprintf(w, "\n    %s | %s\n      %.250s\n", held, out.Title, out.Text)
				if !slices.Equal(p, it.Places) {
					fmt.Fprintf(w, "      places %v → %v\n", it.Places, p)
				}
				if !slices.Equal(s, it.Sections) {
					fmt.Fprintf(w, "      sections %v → %v   model %s\n", it.Sections, s, topProbs(m, features, out.Title, out.Text))
				}
			}
		}
		pm, sm := places.micro(), sections.micro()
		fmt.Fprintf(w, "  %-16s %5d  %6.3f %6.3f %6.3f   %8.3f %8.3f\n", held, n, pm.precision(), pm.recall(), pm.f1(), sm.f1(), sections.macroF1())
		for i, v := range []float64{pm.precision(), pm.recall(), pm.f1(), sm.f1(), sections.macroF1()} {
			mean[i] += v / float64(len(outlets))
		}
	}
	fmt.Fprintf(w, "  %-16s %5s  %6.3f %6.3f %6.3f   %8.3f %8.3f\n", "mean of outlets", "", mean[0], mean[1], mean[2], mean[3], mean[4])
	if o.verbose {
		js, err := crossEvidence(cat, ant, items, clean, rf, outlets, "", o)
		if err != nil {
			return err
		}
		fmt.Fprintln(w)
		sourcePrecision(w, js, o.train.Thresholds)
	}
	fmt.Fprintln(w, "\n  places, all items:")
	allPlaces.print(w, "    ")
	fmt.Fprintln(w, "\n  sections, all items:")
	allSections.print(w, "    ")
	return nil
}

// topProbs is the model's three most probable classes for a text, for -v.
func topProbs(m *topic.Model, features *topic.Classifier, title, text string) string {
	p := m.Probabilities(features.ModelTerms(title, text))
	classes := m.Classes()
	idx := make([]int, len(p))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return cmp.Compare(p[b], p[a]) })
	var out []string
	for _, i := range idx[:min(3, len(idx))] {
		out = append(out, fmt.Sprintf("%s %.2f", classes[i], p[i]))
	}
	return strings.Join(out, ", ")
}

// calibrate prints how often the model's top class is its training class
// (topic.ANTClass), for each band of its probability, on ANT headlines and
// teasers of an outlet held out (each outlet in turn): what the temper and
// the thresholds are set by.
func calibrate(ctx context.Context, w io.Writer, ant *antDocs, o options) error {
	var right, all [10]int
	err := ant.heldOut(ctx, o, func(held string, m *topic.Model) {
		for i := range ant.articles {
			if ant.outlets[i] != held {
				continue
			}
			c, p := m.Predict(ant.shortTerms[i])
			b := min(int(p*10), 9)
			all[b]++
			if slices.Contains(ant.classes[i], c) {
				right[b]++
			}
		}
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "ANT headline+teaser, outlet held out: top-class probability → share right")
	for b := range all {
		if all[b] > 0 {
			fmt.Fprintf(w, "  %.1f–%.1f  %6d articles  %.3f right\n", float64(b)/10, float64(b+1)/10, all[b], ratio(right[b], all[b]))
		}
	}
	return nil
}
