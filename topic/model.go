package topic

import (
	"bytes"
	"cmp"
	"compress/gzip"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ajel-news/ajel/arabic"
)

//go:embed model.json.gz
var embeddedModel []byte

// MaxTextRunes is how much of an article's text the model reads: the
// first paragraphs say what a story is about, and a bound keeps
// classification cheap on long articles.
const MaxTextRunes = 1500

// Terms returns the words the model reads of an article: the light stems
// of the headline's and the first MaxTextRunes of the text's words,
// without stop words, one-letter words or numbers, and each headline stem
// again marked "^" (a headline says what a story is about: its words weigh
// more, most of all when a feed carries one sentence besides).
// Classifier.ModelTerms adds the sections' vocabulary to them: training
// and prediction use those.
func Terms(title, text string) []string {
	out := appendTerms(nil, arabic.Tokens(title), nil)
	out = titleTerms(out)
	return appendTerms(out, arabic.Tokens(text[:modelCut(text)]), nil)
}

// titleTerms appends each term of out again, marked as a headline's.
func titleTerms(out []string) []string {
	n := len(out)
	for _, t := range out[:n] {
		out = append(out, "^"+t)
	}
	return out
}

// modelCut is the byte length of the first MaxTextRunes runes of text.
func modelCut(text string) int {
	n := 0
	for i := range text {
		if n == MaxTextRunes {
			return i
		}
		n++
	}
	return len(text)
}

// appendTerms appends the stems of the tokens that are terms: not stop
// words, one-letter words or numbers. stems, when not nil, holds each
// token's stem already.
func appendTerms(out, toks, stems []string) []string {
	for i, t := range toks {
		if arabic.IsStopToken(t) || utf8.RuneCountInString(t) < 2 || numeric(t) {
			continue
		}
		if stems != nil {
			out = append(out, stems[i])
		} else {
			out = append(out, arabic.Stem(t))
		}
	}
	return out
}

func numeric(s string) bool {
	for _, r := range s {
		if !unicode.IsDigit(r) && r != '.' && r != ',' && r != '٫' {
			return false
		}
	}
	return true
}

// Doc is one training example: an article's Terms and its class.
type Doc struct {
	Class string
	Terms []string
	// Weight is how many documents it counts for (0 is 1): examples of
	// the text the model will read (feed items) may count more than the
	// many of a corpus.
	Weight float64
}

func (d Doc) weight() float64 {
	if d.Weight <= 0 {
		return 1
	}
	return d.Weight
}

// TrainOptions tune Train; zero fields take the defaults.
type TrainOptions struct {
	// MaxFeatures keeps the terms that tell classes apart best (by χ²),
	// which keeps the model small (default 12000).
	MaxFeatures int
	// MinDocs drops terms seen in fewer training documents (default 3).
	MinDocs int
	// Alpha is the additive smoothing of term probabilities (default 0.5).
	Alpha float64
	// Temper divides the log-joint scores before the softmax so that
	// probabilities are usable against a threshold (default 16).
	Temper float64
	// Thresholds are the probabilities a class needs to be reported,
	// saved with the model (zero fields: DefaultThresholds').
	Thresholds Thresholds
}

// Thresholds are the probabilities the model's classes need to become an
// article's sections. They belong to a model: its temper and its training
// texts set what its probabilities mean.
type Thresholds struct {
	// Top is what the most probable class needs.
	Top float64 `json:"top"`
	// Second lets a second class count too, when the top one counts (an
	// article on a club's finances is economy and sports).
	Second float64 `json:"second"`
	// Extra is what a class needs to be added to the sections the outlet
	// gave (its category, its link's path): the outlet's filing first.
	Extra float64 `json:"extra"`
}

// DefaultThresholds are the thresholds of a model saved without any, and
// of a classifier with no model.
var DefaultThresholds = Thresholds{Top: 0.6, Second: 0.3, Extra: 0.9}

// orDefault fills the zero fields from DefaultThresholds.
func (t Thresholds) orDefault() Thresholds {
	return Thresholds{Top: cmp.Or(t.Top, DefaultThresholds.Top), Second: cmp.Or(t.Second, DefaultThresholds.Second),
		Extra: cmp.Or(t.Extra, DefaultThresholds.Extra)}
}

// Model is a multinomial naive Bayes classifier over binary term
// features (each distinct term of a document counts once, which is more
// robust than counts for news whose wording repeats a name many times).
// It is immutable once built and safe for concurrent use.
type Model struct {
	classes []string
	prior   []float64 // log P(class)
	index   map[string]int
	// loglik[f*len(classes)+c] is log P(term f | class c).
	loglik []float64
	terms  []string
	// temper divides the log-joint scores before the softmax: naive Bayes
	// counts correlated words as independent evidence and is otherwise
	// nearly always "certain". It changes probabilities, not the ranking.
	temper     float64
	thresholds Thresholds
}

// Train builds a model from labelled documents.
func Train(docs []Doc, opt TrainOptions) (*Model, error) {
	if opt.MaxFeatures <= 0 {
		opt.MaxFeatures = 12000
	}
	if opt.MinDocs <= 0 {
		opt.MinDocs = 3
	}
	if opt.Alpha <= 0 {
		opt.Alpha = 0.5
	}
	if opt.Temper <= 0 {
		opt.Temper = defaultTemper
	}
	classIdx := map[string]int{}
	var classes []string
	for _, d := range docs {
		if _, ok := classIdx[d.Class]; !ok && d.Class != "" {
			classIdx[d.Class] = len(classes)
			classes = append(classes, d.Class)
		}
	}
	if len(classes) < 2 {
		return nil, fmt.Errorf("topic: training needs at least two classes, got %d", len(classes))
	}
	slices.Sort(classes)
	for i, c := range classes {
		classIdx[c] = i
	}
	k := len(classes)
	// df[term][class] = documents of class containing term (weighted).
	df := map[string][]float64{}
	nDocs := make([]float64, k)
	seenIn := map[string]int{} // documents containing term, unweighted
	for _, d := range docs {
		c, ok := classIdx[d.Class]
		if !ok {
			continue
		}
		w := d.weight()
		nDocs[c] += w
		for _, t := range distinct(d.Terms) {
			row := df[t]
			if row == nil {
				row = make([]float64, k)
				df[t] = row
			}
			row[c] += w
			seenIn[t]++
		}
	}
	total := 0.0
	for _, n := range nDocs {
		total += n
	}
	// Feature selection: the largest χ² of term presence against any
	// one class.
	type scored struct {
		term string
		chi  float64
	}
	var cand []scored
	for t, row := range df {
		if seenIn[t] < opt.MinDocs {
			continue
		}
		n := 0.0
		for _, v := range row {
			n += v
		}
		best := 0.0
		for c := range k {
			a := row[c]             // term, class
			b := n - row[c]         // term, other classes
			cc := nDocs[c] - row[c] // no term, class
			dd := total - nDocs[c] - b
			num := a*dd - b*cc
			den := (a + b) * (cc + dd) * (a + cc) * (b + dd)
			if den > 0 {
				best = max(best, total*num*num/den)
			}
		}
		cand = append(cand, scored{t, best})
	}
	slices.SortFunc(cand, func(x, y scored) int {
		if c := cmp.Compare(y.chi, x.chi); c != 0 {
			return c
		}
		return strings.Compare(x.term, y.term)
	})
	if len(cand) > opt.MaxFeatures {
		cand = cand[:opt.MaxFeatures]
	}
	slices.SortFunc(cand, func(x, y scored) int { return strings.Compare(x.term, y.term) })

	m := &Model{classes: classes, prior: make([]float64, k), index: make(map[string]int, len(cand))}
	for c := range k {
		m.prior[c] = math.Log((nDocs[c] + 1) / (total + float64(k)))
	}
	// Token mass per class over the kept features.
	mass := make([]float64, k)
	for _, s := range cand {
		for c, v := range df[s.term] {
			mass[c] += v
		}
	}
	m.terms = make([]string, len(cand))
	m.loglik = make([]float64, len(cand)*k)
	v := float64(len(cand))
	for f, s := range cand {
		m.terms[f] = s.term
		m.index[s.term] = f
		for c, n := range df[s.term] {
			m.loglik[f*k+c] = math.Log((n + opt.Alpha) / (mass[c] + opt.Alpha*v))
		}
	}
	m.temper = opt.Temper
	m.thresholds = opt.Thresholds.orDefault()
	return m, nil
}

// defaultTemper makes the probabilities usable against thresholds on
// what feeds carry: trained on three ANT outlets (headlines with teasers
// and whole articles) and tested on the fourth's headlines and teasers,
// the top class given 0.4–0.5 is right about 3 times in 4, 0.6–0.7 about
// 9 in 10 (go run ./cmd/trainmodel -calibrate); without it nearly every
// article gets 1.000.
const defaultTemper = 8

func distinct(terms []string) []string {
	s := slices.Clone(terms)
	slices.Sort(s)
	return slices.Compact(s)
}

// Classes returns the model's class labels, sorted.
func (m *Model) Classes() []string { return slices.Clone(m.classes) }

// WithThresholds returns the model with other thresholds (calibrated
// after training); m itself is unchanged.
func (m *Model) WithThresholds(t Thresholds) *Model {
	c := *m
	c.thresholds = t.orDefault()
	return &c
}

// Thresholds returns the probabilities the model's classes need.
func (m *Model) Thresholds() Thresholds { return m.thresholds }

// Len returns the number of term features the model keeps.
func (m *Model) Len() int { return len(m.terms) }

// Probabilities returns P(class | terms) for each class in Classes order.
// Terms the model does not know are ignored; with none known, it returns
// the class priors.
func (m *Model) Probabilities(terms []string) []float64 {
	k := len(m.classes)
	score := make([]float64, k)
	// Each known term counts once: look the terms up, then drop repeated
	// features (cheaper than deduplicating the strings).
	feats := make([]int, 0, len(terms))
	for _, t := range terms {
		if f, ok := m.index[t]; ok {
			feats = append(feats, f)
		}
	}
	slices.Sort(feats)
	for _, f := range slices.Compact(feats) {
		for c := range k {
			score[c] += m.loglik[f*k+c]
		}
	}
	top := math.Inf(-1)
	for c := range k {
		score[c] = (m.prior[c] + score[c]) / m.temper
		top = max(top, score[c])
	}
	sum := 0.0
	for c := range k {
		score[c] = math.Exp(score[c] - top)
		sum += score[c]
	}
	for c := range k {
		score[c] /= sum
	}
	return score
}

// Predict returns the most probable class for terms and its probability.
func (m *Model) Predict(terms []string) (class string, prob float64) {
	p := m.Probabilities(terms)
	best := 0
	for c := range p {
		if p[c] > p[best] {
			best = c
		}
	}
	return m.classes[best], p[best]
}

// modelFile is the serialized form: gzip-compressed JSON, with
// log-likelihoods rounded to 4 decimals (far below what changes a
// prediction).
type modelFile struct {
	Format     string      `json:"format"`
	Classes    []string    `json:"classes"`
	Prior      []float64   `json:"prior"`
	Temper     float64     `json:"temper"`
	Thresholds *Thresholds `json:"thresholds,omitempty"`
	Terms      []string    `json:"terms"`
	LogLik     [][]float64 `json:"loglik"` // per term, per class
}

// modelFormat is what Save writes and LoadModel reads: a model trained on
// Classifier.ModelTerms (Terms and the sections' vocabulary), with its
// thresholds. Earlier formats read Terms alone.
const modelFormat = "ajel-topic-nb/3"

// Save writes the model as gzip-compressed JSON.
func (m *Model) Save(w io.Writer) error {
	k := len(m.classes)
	th := m.thresholds
	f := modelFile{Format: modelFormat, Classes: m.classes, Prior: round4(m.prior), Temper: m.temper, Terms: m.terms, Thresholds: &th}
	f.LogLik = make([][]float64, len(m.terms))
	for i := range m.terms {
		f.LogLik[i] = round4(m.loglik[i*k : (i+1)*k])
	}
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return fmt.Errorf("topic: saving model: %w", err)
	}
	if err := json.NewEncoder(zw).Encode(f); err != nil {
		return fmt.Errorf("topic: saving model: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("topic: saving model: %w", err)
	}
	return nil
}

func round4(v []float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = math.Round(x*1e4) / 1e4
	}
	return out
}

// LoadModel reads a model written by Save.
func LoadModel(r io.Reader) (*Model, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("topic: loading model: %w", err)
	}
	defer zr.Close()
	var f modelFile
	if err := json.NewDecoder(zr).Decode(&f); err != nil {
		return nil, fmt.Errorf("topic: loading model: %w", err)
	}
	if f.Format != modelFormat {
		return nil, fmt.Errorf("topic: loading model: format %q, want %q (train it again: go run ./cmd/trainmodel -out FILE)", f.Format, modelFormat)
	}
	k := len(f.Classes)
	switch {
	case k < 2:
		return nil, errors.New("topic: loading model: fewer than two classes")
	case len(f.Prior) != k:
		return nil, fmt.Errorf("topic: loading model: %d priors for %d classes", len(f.Prior), k)
	case len(f.LogLik) != len(f.Terms):
		return nil, fmt.Errorf("topic: loading model: %d rows for %d terms", len(f.LogLik), len(f.Terms))
	case f.Temper <= 0:
		return nil, fmt.Errorf("topic: loading model: temper %v must be positive", f.Temper)
	}
	th := DefaultThresholds
	if f.Thresholds != nil {
		th = f.Thresholds.orDefault()
	}
	m := &Model{classes: f.Classes, prior: f.Prior, temper: f.Temper, terms: f.Terms, thresholds: th,
		index: make(map[string]int, len(f.Terms)), loglik: make([]float64, 0, len(f.Terms)*k)}
	for i, t := range f.Terms {
		if len(f.LogLik[i]) != k {
			return nil, fmt.Errorf("topic: loading model: term %q has %d values for %d classes", t, len(f.LogLik[i]), k)
		}
		m.index[t] = i
		m.loglik = append(m.loglik, f.LogLik[i]...)
	}
	return m, nil
}

// EmbeddedModel returns the model built into the binary (trained by
// cmd/trainmodel on the ANT corpus). Each call decodes it afresh, so call
// it once and share the result. It panics only if the embedded file is
// broken, which the package's tests rule out.
func EmbeddedModel() *Model {
	m, err := LoadModel(bytes.NewReader(embeddedModel))
	if err != nil {
		panic(err)
	}
	return m
}
