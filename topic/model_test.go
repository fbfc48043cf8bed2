package topic_test

import (
	"bytes"
	"compress/gzip"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ajel-news/ajel/internal/corpus"
	"github.com/ajel-news/ajel/topic"
)

// Training fixtures written for these tests.
var trainTexts = map[string][]string{
	"economy": {
		"ارتفعت أسعار النفط في الأسواق العالمية وتراجع الدولار أمام العملات",
		"البنك المركزي يرفع سعر الفائدة لكبح التضخم وتراجع البورصة",
		"نمو الاقتصاد والصادرات وارتفاع أسهم الشركات في البورصة",
		"أسعار النفط تهبط والتضخم يرتفع في الأسواق",
	},
	"sports": {
		"المنتخب يفوز بالمباراة بهدفين ويتأهل إلى نهائي البطولة",
		"اللاعب يسجل هدف الفوز في الدوري والمدرب يشيد بالفريق",
		"الفريق يخسر المباراة أمام منافسه في البطولة والجماهير غاضبة",
		"حارس المرمى يتألق والمنتخب يتأهل في الدوري",
	},
}

func fixtureDocs() []topic.Doc {
	var docs []topic.Doc
	for class, texts := range trainTexts {
		for _, s := range texts {
			docs = append(docs, topic.Doc{Class: class, Terms: topic.Terms(s, "")})
		}
	}
	return docs
}

func TestTrainPredictSaveLoad(t *testing.T) {
	m, err := topic.Train(fixtureDocs(), topic.TrainOptions{MinDocs: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Classes(); !slices.Equal(got, []string{"economy", "sports"}) {
		t.Fatalf("Classes = %q", got)
	}
	probes := map[string]string{
		"تراجع أسعار النفط والدولار":        "economy",
		"المنتخب يتأهل بعد الفوز بالمباراة": "sports",
	}
	var buf bytes.Buffer
	if err := m.Save(&buf); err != nil {
		t.Fatal(err)
	}
	loaded, err := topic.LoadModel(&buf)
	if err != nil {
		t.Fatal(err)
	}
	for text, want := range probes {
		terms := topic.Terms(text, "")
		for name, mm := range map[string]*topic.Model{"trained": m, "loaded": loaded} {
			got, p := mm.Predict(terms)
			if got != want || p <= 0.5 || p > 1 {
				t.Errorf("%s: Predict(%q) = %s %.3f, want %s", name, text, got, p, want)
			}
		}
		p1, p2 := m.Probabilities(terms), loaded.Probabilities(terms)
		for i := range p1 {
			if math.Abs(p1[i]-p2[i]) > 1e-3 {
				t.Errorf("probabilities changed by saving: %v vs %v", p1, p2)
			}
		}
	}
	// Unknown words: the priors.
	if _, p := m.Predict(topic.Terms("كلمات غريبة تماما", "")); p > 0.6 {
		t.Errorf("no evidence, yet p = %.3f", p)
	}
}

func TestTrainNeedsTwoClasses(t *testing.T) {
	if _, err := topic.Train([]topic.Doc{{Class: "economy", Terms: []string{"نفط"}}}, topic.TrainOptions{}); err == nil {
		t.Error("one class: no error")
	}
}

func TestLoadModelErrors(t *testing.T) {
	gz := func(s string) *bytes.Buffer {
		var b bytes.Buffer
		w := gzip.NewWriter(&b)
		w.Write([]byte(s))
		w.Close()
		return &b
	}
	for name, in := range map[string]*bytes.Buffer{
		"not gzip":     bytes.NewBufferString("{}"),
		"bad json":     gz("{"),
		"older format": gz(`{"format":"ajel-topic-nb/2","classes":["a","b"],"prior":[0,0],"temper":1,"terms":[],"loglik":[]}`),
		"wrong format": gz(`{"format":"other","classes":["a","b"],"prior":[0,0],"temper":1,"terms":[],"loglik":[]}`),
		"short prior":  gz(`{"format":"ajel-topic-nb/3","classes":["a","b"],"prior":[0],"temper":1,"terms":[],"loglik":[]}`),
		"short row":    gz(`{"format":"ajel-topic-nb/3","classes":["a","b"],"prior":[0,0],"temper":1,"terms":["x"],"loglik":[[0]]}`),
		"no temper":    gz(`{"format":"ajel-topic-nb/3","classes":["a","b"],"prior":[0,0],"terms":[],"loglik":[]}`),
	} {
		if _, err := topic.LoadModel(in); err == nil || !strings.HasPrefix(err.Error(), "topic: ") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestEmbeddedModel(t *testing.T) {
	m := topic.EmbeddedModel()
	c := topic.Embedded()
	for _, class := range m.Classes() {
		if tp, ok := c.BySlug(class); class != topic.OtherClass && (!ok || tp.Kind != "section") {
			t.Errorf("model class %q is not a section of the embedded catalogue", class)
		}
	}
	if !slices.Contains(m.Classes(), "politics") || !slices.Contains(m.Classes(), topic.OtherClass) {
		t.Errorf("classes %q: politics and news of no section must be learnt", m.Classes())
	}
	if th := m.Thresholds(); th.Top <= 0 || th.Top > 1 || th.Second > th.Top || th.Extra < th.Top {
		t.Errorf("thresholds %+v", th)
	}
	if m.Len() < 1000 {
		t.Errorf("embedded model has only %d terms", m.Len())
	}
}

func TestTerms(t *testing.T) {
	got := topic.Terms("الاقتصاد في 2024", "قال إن الأسواق والبورصة")
	want := []string{"اقتصاد", "^اقتصاد", "اسواق", "بورص"} // a headline's terms count twice
	if !slices.Equal(got, want) {
		t.Errorf("Terms = %q, want %q", got, want)
	}
	long := strings.Repeat("كلمة ", topic.MaxTextRunes) + "نهايه"
	if slices.Contains(topic.Terms("", long), "نهايه") {
		t.Error("Terms read past MaxTextRunes")
	}
}

// TestCrossOutletEvaluation trains on three ANT outlets and tests on the
// fourth, for each rotation, on a third of the corpus to stay fast; the
// full figures come from `go run ./cmd/trainmodel -eval`.
func TestCrossOutletEvaluation(t *testing.T) {
	if testing.Short() {
		t.Skip("evaluation on ANT skipped in -short mode")
	}
	type rec struct{ Source, Category, Title, Text string }
	recs := corpus.Load(t, "ant/ant-dev.jsonl.gz", func(i int, r rec) (bool, bool) {
		return i%3 == 0 && topic.ANTSection(r.Category) != "", true
	})
	docs := make([]topic.Doc, len(recs))
	groups := make([]string, len(recs))
	var wg sync.WaitGroup
	n := runtime.GOMAXPROCS(0)
	for w := range n {
		wg.Go(func() {
			for i := w; i < len(recs); i += n {
				docs[i] = topic.Doc{Class: topic.ANTSection(recs[i].Category), Terms: topic.Terms(recs[i].Title, recs[i].Text)}
				groups[i] = recs[i].Source
			}
		})
	}
	wg.Wait()
	folds, err := topic.CrossValidate(docs, groups, topic.TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	mean := 0.0
	for _, f := range folds {
		t.Logf("\n%s", f)
		mean += f.MacroF1
	}
	mean /= float64(len(folds))
	t.Logf("mean macro-F1 over %d held-out outlets: %.3f", len(folds), mean)
	if len(folds) != 4 || mean < 0.7 {
		t.Errorf("%d folds, mean macro-F1 %.3f: the model no longer carries across outlets", len(folds), mean)
	}
}
