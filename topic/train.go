package topic

import (
	"fmt"
	"slices"
	"strings"
)

// ANTSection maps a section label of the ANT corpus (the data the
// embedded model is trained on) to the catalogue's section slug, or ""
// for a label the model does not learn. ANT's two news desks,
// internationalNews and middleEast, become one class, politics: they
// differ by place, which the place topics already cover, and the outlets
// file the same kind of story under either.
func ANTSection(label string) string {
	switch label {
	case "culture":
		return "culture"
	case "economy":
		return "economy"
	case "sport":
		return "sports"
	case "technology":
		return "technology"
	case "internationalNews", "middleEast":
		return "politics"
	}
	return ""
}

// Fold is the result of one rotation of a cross-group evaluation: a model
// trained on every group but Held and tested on Held.
type Fold struct {
	Held string
	// Classes are the classes of the confusion matrix: every class of the
	// model, sorted.
	Classes []string
	// Confusion[i][j] counts test documents of class i predicted as j.
	Confusion [][]int
	// F1 per class (index as Classes); classes absent from the held-out
	// group's documents are NaN-free zeros and left out of MacroF1.
	F1 []float64
	// MacroF1 is the mean F1 over the classes present in the held-out
	// group (a class the group never files cannot be judged there).
	MacroF1  float64
	Accuracy float64
	Tested   int
}

// CrossValidate trains one model per group on the documents of the other
// groups and tests it on that group (groups[i] is docs[i]'s group): for
// ANT, leave-one-outlet-out, since outlets file stories differently and a
// random split would flatter the model.
func CrossValidate(docs []Doc, groups []string, opt TrainOptions) ([]Fold, error) {
	if len(docs) != len(groups) {
		return nil, fmt.Errorf("topic: %d documents but %d groups", len(docs), len(groups))
	}
	names := slices.Clone(groups)
	slices.Sort(names)
	names = slices.Compact(names)
	var folds []Fold
	for _, held := range names {
		var train, test []Doc
		for i, d := range docs {
			if groups[i] == held {
				test = append(test, d)
			} else {
				train = append(train, d)
			}
		}
		m, err := Train(train, opt)
		if err != nil {
			return nil, fmt.Errorf("topic: fold %s: %w", held, err)
		}
		folds = append(folds, evaluate(m, held, test))
	}
	return folds, nil
}

func evaluate(m *Model, held string, test []Doc) Fold {
	k := len(m.classes)
	idx := make(map[string]int, k)
	for i, c := range m.classes {
		idx[c] = i
	}
	f := Fold{Held: held, Classes: m.Classes(), Confusion: make([][]int, k), F1: make([]float64, k)}
	for i := range f.Confusion {
		f.Confusion[i] = make([]int, k)
	}
	correct := 0
	for _, d := range test {
		gold, ok := idx[d.Class]
		if !ok {
			continue // a class no training group has cannot be predicted
		}
		pred, _ := m.Predict(d.Terms)
		p := idx[pred]
		f.Confusion[gold][p]++
		f.Tested++
		if p == gold {
			correct++
		}
	}
	present := 0
	for c := range k {
		tp, goldN, predN := f.Confusion[c][c], 0, 0
		for j := range k {
			goldN += f.Confusion[c][j]
			predN += f.Confusion[j][c]
		}
		if goldN == 0 {
			continue
		}
		present++
		if tp > 0 {
			prec, rec := float64(tp)/float64(predN), float64(tp)/float64(goldN)
			f.F1[c] = 2 * prec * rec / (prec + rec)
		}
		f.MacroF1 += f.F1[c]
	}
	if present > 0 {
		f.MacroF1 /= float64(present)
	}
	if f.Tested > 0 {
		f.Accuracy = float64(correct) / float64(f.Tested)
	}
	return f
}

// String renders the fold as a small report: figures and the confusion
// matrix (rows are the gold class, columns the prediction).
func (f Fold) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "held out %s: %d articles, macro-F1 %.3f, accuracy %.3f\n", f.Held, f.Tested, f.MacroF1, f.Accuracy)
	fmt.Fprintf(&b, "  %-12s", "gold\\pred")
	for _, c := range f.Classes {
		fmt.Fprintf(&b, " %10s", c)
	}
	fmt.Fprintf(&b, " %7s\n", "F1")
	for i, c := range f.Classes {
		n := 0
		for _, v := range f.Confusion[i] {
			n += v
		}
		if n == 0 {
			continue
		}
		fmt.Fprintf(&b, "  %-12s", c)
		for _, v := range f.Confusion[i] {
			fmt.Fprintf(&b, " %10d", v)
		}
		fmt.Fprintf(&b, " %7.3f\n", f.F1[i])
	}
	return b.String()
}
