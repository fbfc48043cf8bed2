package topic

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/ajel-news/ajel/arabic"
)

// OtherClass is the model's class for news that belongs to no section
// (crime, accidents, human interest): predicting it adds no topic.
const OtherClass = "other"

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

// politicsWords are the words of government, diplomacy, elections, war
// and conflict, and human rights that make an item of an ANT news desk a
// political one (see ANTClasses). They are training words only: a headline
// with one of them is not filed under politics for it (the catalogue's
// politics words do that).
var politicsWords = []string{
	// government and elections
	"الحكومة", "حكومة", "رئيس الوزراء", "رئيس الحكومة", "الوزير", "وزير", "وزيرة", "وزارة الخارجية", "وزير الخارجية",
	"وزير الدفاع", "الرئيس", "الرئاسة", "رئاسي", "البرلمان", "برلماني", "مجلس النواب", "مجلس الشيوخ", "الكونغرس",
	"الكنيست", "النواب", "حزب", "الأحزاب", "المعارضة", "ائتلاف", "انتخابات", "الانتخابات", "الاقتراع", "الناخبين",
	"استفتاء", "الدستور", "مرشح", "الملك", "ولي العهد", "الأمير", "السلطات", "النظام", "سياسي", "السياسة", "الديمقراطي",
	"الجمهوري", "المحافظين", "العمال", "رئيس", "زعيم", "قادة", "المتحدث باسم",
	// diplomacy
	"مفاوضات", "محادثات", "دبلوماسي", "السفير", "السفارة", "قمة", "الأمم المتحدة", "مجلس الأمن", "الجامعة العربية",
	"عقوبات", "وساطة", "المبعوث", "اتفاق سلام", "العلاقات", "الناتو", "حلف شمال الأطلسي", "الاتحاد الأوروبي",
	// war and conflict
	"الحرب", "حرب", "غارة", "غارات", "قصف", "اشتباكات", "معارك", "الجيش", "جيش", "القوات", "قوات", "عسكري", "هجوم",
	"ضربة", "ضربات", "صاروخ", "صواريخ", "مسيرة", "الطائرات المسيرة", "الدفاع الجوي", "هدنة", "وقف إطلاق النار",
	"المسلحين", "مسلحون", "مسلحين", "ميليشيا", "ميليشيات", "فصائل", "داعش", "تنظيم الدولة", "القاعدة", "إرهاب",
	"الإرهابيين", "إرهابي", "الاحتلال", "المستوطنين", "مستوطنة", "الأسرى", "التحالف", "المتمردين", "انقلاب", "النووي",
	"المقاومة", "اغتيال", "الأمن القومي", "التصعيد", "الصراع", "النزاع", "حصار", "الانسحاب",
	// human rights and protest
	"حقوق الإنسان", "المعتقلين", "معتقلين", "التعذيب", "الإعدام", "اللاجئين", "النازحين", "حرية التعبير",
	"احتجاجات", "مظاهرات", "تظاهرة", "المتظاهرين", "المحتجين", "القمع",
}

// healthWords, scienceWords and environmentWords find, among the items
// of ANT's technology desk (which files medicine and science with gadgets)
// and its news desks (which file weather and disasters with politics), the
// health, science and environment stories; they are training words only,
// like politicsWords.
var (
	healthWords = []string{
		"الصحة", "صحي", "صحية", "الصحية", "مستشفى", "المستشفيات", "طبيب", "الأطباء", "طبي", "الطبية", "المرضى", "مريض",
		"مرض", "الأمراض", "علاج", "العلاج", "دواء", "الأدوية", "لقاح", "اللقاحات", "وباء", "فيروس", "عدوى", "السرطان",
		"السكري", "الدماغ", "السمنة", "التدخين", "الحمية", "التغذية", "الكوليرا", "الإيدز", "الزهايمر",
		"الاكتئاب", "الصحة النفسية", "الجراحة", "الولادة", "الكوليسترول", "ضغط الدم", "فيتامين", "منظمة الصحة العالمية",
	}
	scienceWords = []string{
		"العلماء", "علماء", "باحثون", "الباحثين", "اكتشاف", "الفضاء", "ناسا", "كوكب", "الكواكب", "المريخ",
		"المجرة", "تلسكوب", "الفيزياء", "الكيمياء", "الجينات", "الحمض النووي", "الأحافير",
		"ديناصور", "الانقراض", "رائد فضاء", "صاروخ فضائي", "مسبار", "الثقب الأسود", "نيزك", "كويكب",
	}
	environmentWords = []string{
		"المناخ", "مناخي", "الطقس", "الأرصاد", "الأمطار", "أمطار", "الثلوج", "العاصفة", "عاصفة", "إعصار", "الأعاصير",
		"فيضانات", "الفيضانات", "السيول", "زلزال", "الزلازل", "بركان", "حرائق الغابات", "الجفاف", "موجة حر", "درجات الحرارة",
		"الاحتباس الحراري", "الانبعاثات", "التلوث", "البيئة", "بيئي", "البيئية", "الحياة البرية", "الطاقة المتجددة", "التصحر",
		"الانهيارات", "انهيار أرضي", "تسونامي", "المحيطات",
	}
)

// lexicons are the training words of the classes ANT lacks, built once,
// when first needed.
var lexicons = sync.OnceValue(func() map[string]*arabic.Index {
	return map[string]*arabic.Index{
		"politics":    arabic.NewIndex(politicsWords),
		"health":      arabic.NewIndex(healthWords),
		"science":     arabic.NewIndex(scienceWords),
		"environment": arabic.NewIndex(environmentWords),
	}
})

// ANTClasses are the classes an ANT article (its outlet's section label,
// its headline and teaser) trains the model for; none for a label the
// model does not learn. ANT has no politics, health, science or
// environment label: its two news desks (middleEast, internationalNews)
// file politics with crime, accidents, weather and human interest, and its
// technology desk files medicine and science with gadgets. So:
//
//   - a news desk item is politics when its headline or teaser has a word
//     of government, diplomacy, elections, war or human rights
//     (politicsWords), health, science or environment when it has two of
//     their words, and OtherClass when it is none of them: the model
//     learns what politics is, and that news may belong to no section;
//   - a technology item with health words is health, one with science
//     words science and technology (space, research), else technology;
//   - culture, economy and sport are their sections.
func ANTClasses(label, title, teaser string) []string {
	s := ANTSection(label)
	if s == "" || s == "culture" || s == "economy" || s == "sports" {
		if s == "" {
			return nil
		}
		return []string{s}
	}
	toks := append(arabic.Tokens(title), arabic.Tokens(teaser)...)
	lex := lexicons()
	hits := func(class string) int { return len(lex[class].MatchTokens(toks)) }
	has := func(class string) bool { return hits(class) > 0 }
	var out []string
	if s == "technology" {
		switch {
		case has("health"):
			out = append(out, "health")
		case has("science"):
			out = append(out, "science", "technology")
		default:
			out = append(out, "technology")
		}
		return out
	}
	if has("politics") {
		out = append(out, "politics")
	}
	// A news desk files all sorts: a health, science or environment story
	// there names two words of its kind.
	for _, class := range []string{"health", "science", "environment"} {
		if hits(class) >= 2 {
			out = append(out, class)
		}
	}
	if len(out) == 0 {
		out = append(out, OtherClass)
	}
	return out
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
