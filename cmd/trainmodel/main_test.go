package main

import (
	"bytes"
	"io"
	"log/slog"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ajel-news/ajel/topic"
)

// Without ../shared/data the command says so and succeeds: a fresh clone
// has none.
func TestRunSkipsWithoutData(t *testing.T) {
	var out bytes.Buffer
	missing := filepath.Join(t.TempDir(), "ant.jsonl.gz")
	err := run(t.Context(), []string{"-eval", "-data", missing}, &out, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil || !strings.HasPrefix(out.String(), "skipped: the ANT corpus is not here") {
		t.Errorf("err %v, output %q", err, out.String())
	}
	if err := run(t.Context(), nil, &out, slog.New(slog.NewTextHandler(io.Discard, nil))); err == nil {
		t.Error("no flag: no error")
	}
}

func TestTally(t *testing.T) {
	tl := tally{}
	tl.add([]string{"politics"}, []string{"politics"})
	tl.add([]string{"politics", "economy"}, []string{"politics"})
	tl.add(nil, []string{"sports"})
	tl.add([]string{"culture"}, nil)
	m := tl.micro()
	if m.tp != 2 || m.fp != 1 || m.fn != 2 {
		t.Fatalf("micro %+v", m)
	}
	if got := m.f1(); math.Abs(got-4.0/7) > 1e-9 {
		t.Errorf("micro-F1 %.3f", got)
	}
	// Sections present in the gold: politics 1, economy 0, culture 0;
	// sports was never in the gold and is not judged.
	if got := tl.macroF1(); math.Abs(got-1.0/3) > 1e-9 {
		t.Errorf("macro-F1 %.3f", got)
	}
}

func TestChooseThresholds(t *testing.T) {
	// The model is right at 0.4 and over, wrong below: the best top
	// threshold lies between.
	var js []judged
	for _, p := range []float64{0.45, 0.5, 0.6, 0.8} {
		js = append(js, judged{ev: topic.SectionEvidence{Model: []topic.ClassProb{{Slug: "politics", Prob: p}}}, gold: []string{"politics"}})
	}
	for _, p := range []float64{0.25, 0.3, 0.35} {
		js = append(js, judged{ev: topic.SectionEvidence{Model: []topic.ClassProb{{Slug: "economy", Prob: p}}}, gold: []string{"politics"}})
	}
	th, f := chooseThresholds(js)
	if th.Top <= 0.35 || th.Top > 0.45 || f < 0.7 {
		t.Errorf("thresholds %+v, micro-F1 %.3f", th, f)
	}
}
