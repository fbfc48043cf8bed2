package topic_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/ajel-news/ajel/arabic"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/topic"
)

// filler is a sentence about nothing in particular, written for these
// tests, to push a mention deep into a long text.
const filler = "وتحدث المشاركون في اللقاء عن خطط العام المقبل وأولويات العمل. "

func TestPlaces(t *testing.T) {
	cl := topic.NewClassifier(topic.Embedded(), nil)
	tests := []struct {
		name, title, text string
		want              []string
	}{
		{"headline mention", "انفجار في بيروت", "", []string{"lebanon"}},
		{"lead sentence mention", "انفجار كبير في الميناء", "وقع الانفجار في مرفأ بيروت مساء أمس. " + filler, []string{"lebanon"}},
		{"one passing mention deep in the text is noise", "اجتماع لوزراء الزراعة", filler + filler + "وحضر اللقاء ممثل عن لبنان. " + filler, nil},
		{"two sentences of the body", "اجتماع لوزراء الزراعة", filler + "وتحدث وزير من لبنان. " + filler + "وقدم الوفد اللبناني مقترحا. ", []string{"lebanon"}},
		{"adjective and city", "الحكومة السورية تعلن خطة لإعادة إعمار حلب", "", []string{"syria"}},
		{"several places, catalogue order", "محادثات بين مصر ولبنان", "", []string{"lebanon", "egypt"}},
		{"nothing", "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cl.Places(tt.title, tt.text)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Places = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSectionsAndTopics(t *testing.T) {
	cl := topic.NewClassifier(topic.Embedded(), topic.EmbeddedModel())
	tests := []struct {
		name, title, text string
		want              []string // must all be present
		not               []string // must be absent
	}{
		{"model: sport", "المنتخب يفوز على منافسه بثلاثة أهداف ويتصدر المجموعة",
			"سجل المهاجم هدفين في الشوط الأول وأضاف زميله الهدف الثالث، ليرفع الفريق رصيده إلى تسع نقاط في صدارة الترتيب قبل الجولة الأخيرة.",
			[]string{"sports"}, []string{"economy", "politics"}},
		{"model: economy", "تراجع أسعار النفط وارتفاع التضخم في منطقة اليورو",
			"هبطت أسعار خام برنت في تعاملات الأسواق العالمية، بينما أظهرت بيانات رسمية ارتفاع معدل التضخم، ما يزيد الضغط على البنك المركزي لرفع أسعار الفائدة.",
			[]string{"economy"}, []string{"sports"}},
		{"headline words add a section the model lacks", "وزارة الصحة تعلن حملة تطعيم جديدة", "", []string{"health"}, nil},
		{"places and sections together", "انفجار في بيروت يوقع عشرات الجرحى", "", []string{"lebanon"}, []string{"sports"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cl.Topics(tt.title, tt.text)
			checkHasAndLacks(t, got, tt.want, tt.not)
			c := topic.Embedded()
			for _, s := range got {
				if _, ok := c.BySlug(s); !ok {
					t.Errorf("slug %q not in the catalogue", s)
				}
			}
		})
	}
}

// checkHasAndLacks reports the slugs of want that got lacks and those of
// not that it has.
func checkHasAndLacks(t *testing.T, got, want, not []string) {
	t.Helper()
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("topics %q, missing %q", got, w)
		}
	}
	for _, n := range not {
		if slices.Contains(got, n) {
			t.Errorf("topics %q, has %q", got, n)
		}
	}
}

func TestClassifierDropsSlugsTheCatalogueLacks(t *testing.T) {
	// An operator's catalogue with one place and one section: the model's
	// other classes (sports, politics…) have nowhere to go.
	c, err := topic.New([]news.Topic{
		{Slug: "home", Name: "بلدنا", Kind: news.TopicPlace, Words: []string{"بلدنا"}},
		{Slug: "economy", Name: "اقتصاد", Kind: news.TopicSection, Words: []string{"البورصة"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	cl := topic.NewClassifier(c, topic.EmbeddedModel())
	got := cl.Topics("المنتخب يفوز على منافسه بثلاثة أهداف ويتصدر المجموعة",
		"سجل المهاجم هدفين في الشوط الأول وأضاف زميله الهدف الثالث، ليرفع الفريق رصيده إلى تسع نقاط في صدارة الترتيب.")
	if len(got) != 0 {
		t.Errorf("Topics = %q, want none", got)
	}
	got = cl.Topics("البورصة في بلدنا تغلق على ارتفاع", "")
	if !slices.Equal(got, []string{"home", "economy"}) {
		t.Errorf("Topics = %q", got)
	}
}

func BenchmarkTopics(b *testing.B) {
	cl := topic.NewClassifier(topic.Embedded(), topic.EmbeddedModel())
	text := strings.Repeat("هبطت أسعار خام برنت في تعاملات الأسواق العالمية في بيروت، بينما أظهرت بيانات رسمية ارتفاع معدل التضخم. ", 12)
	for b.Loop() {
		cl.Topics("تراجع أسعار النفط وارتفاع التضخم", text)
	}
}

// TestPlacesNeedTheirSecondSignal: a gazetteer word that is also a common
// word, a name or a place elsewhere counts only with the second signal its
// catalogue mark asks for. Each case comes with and without that signal.
func TestPlacesNeedTheirSecondSignal(t *testing.T) {
	cl := topic.NewClassifier(topic.Embedded(), nil)
	tests := []struct {
		name, title, text, country string
		want, not                  []string
	}{
		// القنيطرة is a Syrian town and Kenitra, a Moroccan city.
		{"Quneitra with a Syrian context", "قصف مدفعي على ريف القنيطرة", "سقطت قذائف قرب الحدود مع الجولان المحتل.", "", []string{"syria"}, []string{"morocco"}},
		{"Kenitra with a Moroccan context", "أمطار غزيرة في القنيطرة", "غمرت المياه أحياء في القنيطرة والرباط صباح اليوم.", "", []string{"morocco"}, []string{"syria"}},
		{"Kenitra from a feed marked country=morocco", "افتتاح ملعب جديد في القنيطرة", "حضر الافتتاح مئات من سكان المدينة.", "morocco", []string{"morocco"}, []string{"syria"}},
		{"Quneitra alone says nothing", "تعيين مدير جديد لمستشفى القنيطرة", "", "", nil, []string{"syria", "morocco"}},
		// الخليل is Hebron only with its article; خليل is a first name.
		{"Hebron with its article", "اقتحام بلدة قرب الخليل", "", "", []string{"palestine"}, nil},
		{"Hebron with a preposition", "مواجهات في مدينة بالخليل", "", "", []string{"palestine"}, nil},
		{"the name Khalil", "الممثلة سلمى خليل تبدأ تصوير عمل جديد", "قالت خليل إن الدور مختلف عما قدمته من قبل.", "", nil, []string{"palestine"}},
		// جنين is Jenin without the article; الجنين is a fetus.
		{"Jenin", "حملة اعتقالات في جنين", "", "", []string{"palestine"}, nil},
		{"a fetus", "دراسة تتابع نمو الجنين في الأشهر الأولى", "", "", nil, []string{"palestine"}},
		// عُمان is Oman, but عمّان in a Jordanian story is Amman.
		{"Oman", "عمان تستضيف جولة محادثات جديدة", "", "", []string{"oman"}, nil},
		{"Amman, in Jordan", "معرض للكتاب في عمّان", "تنظم وزارة الثقافة الأردنية المعرض في عمّان حتى نهاية الشهر.", "", []string{"jordan"}, []string{"oman"}},
		{"the Gulf of Oman is a sea", "سفينة تجارية تتعطل في خليج عمان", "", "", nil, []string{"oman"}},
		// قطر: a diameter, a drop.
		{"Qatar", "قطر ترحب بالاتفاق", "", "", []string{"qatar"}, nil},
		{"Qatari", "وزير الخارجية القطري يصل إلى بيروت", "", "", []string{"qatar", "lebanon"}, nil},
		{"a diameter", "بحيرة جديدة بقطر خمسة كيلومترات", "", "", nil, []string{"qatar"}},
		{"a drop", "قطرة ماء تكشف سر الحياة على الكوكب", "", "", nil, []string{"qatar"}},
		// جدة and its adjective-looking جدية (seriousness).
		{"Jeddah", "افتتاح مهرجان في جدة", "", "", []string{"saudi-arabia"}, nil},
		{"seriousness", "الحكومة تتعامل بجدية مع الشكاوى", "", "", nil, []string{"saudi-arabia"}},
		// A word inside a longer keyword is that keyword's.
		{"the Quds Force is Iran's", "قائد فيلق القدس يزور المنطقة", "", "", []string{"iran"}, []string{"palestine"}},
		// المغرب is also the sunset prayer.
		{"the sunset prayer", "موعد أذان المغرب في رمضان", "", "", nil, []string{"morocco"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cl.Classify(topic.Item{Title: tt.title, Text: arabic.Analyze(tt.text), Country: tt.country})
			checkHasAndLacks(t, got, tt.want, tt.not)
		})
	}
}

// TestSectionWordsNeedTheirSecondSignal: section words of the headline
// with marks, and what rules them out.
func TestSectionWordsNeedTheirSecondSignal(t *testing.T) {
	cl := topic.NewClassifier(topic.Embedded(), nil)
	tests := []struct {
		name, title string
		want, not   []string
		text        string
	}{
		{"floods", "السيول تجرف طريقا في الجنوب", []string{"environment"}, nil, ""},
		{"Seoul's stock exchange", "بورصة سيول تغلق على ارتفاع", nil, []string{"environment"}, ""},
		{"Seoul with Korea", "محادثات في سيول بين كوريا الجنوبية واليابان", nil, []string{"environment"}, ""},
		{"Seoul with Korea in the text", "ارتفاع قياسي في سيول", nil, []string{"environment"}, "سجلت الأسهم الكورية أعلى مستوى لها منذ عامين."},
		{"floods with rain in the text", "سيول في الوادي", []string{"environment"}, nil, "هطلت أمطار غزيرة طوال الليل."},
		{"a doctor", "طبيب ينقذ حياة طفل في قرية نائية", []string{"health"}, nil, ""},
		{"a forensic doctor in a murder story", "الطبيب الشرعي يكشف سبب وفاة الضحية", nil, []string{"health"}, ""},
		{"a political earthquake", "زلزال سياسي بعد نتائج الانتخابات", []string{"politics"}, []string{"environment"}, ""},
		{"an earthquake", "زلزال بقوة خمس درجات يضرب الساحل", []string{"environment"}, nil, ""},
		{"a starring role", "من بطولة النجم الشاب.. مسلسل جديد في رمضان", []string{"culture"}, []string{"sports"}, ""},
		{"a championship", "المنتخب يستعد لخوض بطولة إقليمية", []string{"sports"}, nil, ""},
		{"an account of events", "وفق رواية الشهود.. هكذا وقع الحادث", nil, []string{"culture"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cl.Sections(tt.title, tt.text)
			checkHasAndLacks(t, got, tt.want, tt.not)
		})
	}
}

// TestWhoSpeaksIsNoPlace: a quoted newspaper's, agency's or expert's
// nationality is not the story's place; a state acting (its president,
// army, ministry) is.
func TestWhoSpeaksIsNoPlace(t *testing.T) {
	cl := topic.NewClassifier(topic.Embedded(), nil)
	tests := []struct {
		name, title, text string
		want              []string
	}{
		{"a newspaper's nationality in the lead", "الغارديان: الاقتصاد العالمي يدخل مرحلة صعبة",
			"ترى صحيفة الغارديان البريطانية أن أسعار الفائدة ستبقى مرتفعة في العام المقبل.", nil},
		{"a newspaper's nationality, words between", "تحليل: أسواق الطاقة أمام اختبار",
			"كتبت صحيفة (لو سوار) البلجيكية أن الشتاء المقبل سيكون قاسيا.", nil},
		{"in the headline too", "صحيفة فرنسية: المفاوضات تعثرت", "", nil},
		{"an outlet named after a place", "نيويورك تايمز: الشركات الكبرى تؤجل خطط التوظيف", "", nil},
		{"an expert's nationality", "كيف تؤثر الحرارة على النوم؟", "يقول الباحث الألماني هانز مولر إن الغرف الباردة تساعد على النوم العميق.", nil},
		{"a president is his state acting", "تصريحات حول الرسوم الجمركية", "قال الرئيس الأمريكي إن الرسوم الجديدة تبدأ الشهر المقبل.", []string{"usa"}},
		{"a ministry is its state acting", "تعزيزات على الحدود", "أعلنت وزارة الدفاع التركية إرسال تعزيزات إلى الحدود الجنوبية.", []string{"turkey"}},
		{"the name in the lead counts", "اجتماع طارئ لوزراء الخارجية", "يعقد الوزراء اجتماعهم في القاهرة مساء اليوم.", []string{"egypt"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cl.Places(tt.title, tt.text); !slices.Equal(got, tt.want) {
				t.Errorf("Places = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestFeedCountryHint: the feed's country is the place of items that name
// none, and a mention of it anywhere counts; an item about somewhere else
// keeps its place; an unknown or section slug is no hint.
func TestFeedCountryHint(t *testing.T) {
	cl := topic.NewClassifier(topic.Embedded(), nil)
	local := topic.Item{Title: "المجلس البلدي يقرر توسيع الحديقة العامة", Text: arabic.Analyze("صوت أعضاء المجلس بالإجماع على المشروع.")}
	tests := []struct {
		name, country string
		it            topic.Item
		want          []string
	}{
		{"local news takes the feed's country", "tunisia", local, []string{"tunisia"}},
		{"without the option it has no place", "", local, nil},
		{"an item about elsewhere keeps its place", "tunisia",
			topic.Item{Title: "انتخابات رئاسية في البرازيل", Text: arabic.Analyze("تجري الانتخابات في اليونان الأحد المقبل.")}, []string{"europe"}},
		{"the feed's country named once late in the text counts", "tunisia",
			topic.Item{Title: "ندوة عن الأدب المغاربي", Text: arabic.Analyze(filler + filler + "وشارك فيها كتاب من تونس. ")}, []string{"tunisia"}},
		{"a section is no country", "sports", local, nil},
		{"an unknown slug is no country", "atlantis", local, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it := tt.it
			it.Country = tt.country
			var places []string
			for _, s := range cl.Classify(it) {
				if tp, _ := topic.Embedded().BySlug(s); tp.Kind == news.TopicPlace {
					places = append(places, s)
				}
			}
			if !slices.Equal(places, tt.want) {
				t.Errorf("places %q, want %q", places, tt.want)
			}
		})
	}
}

// TestOutletSections: what the outlet says (a category, its link's path)
// decides the section; the link's last segment (the article's own name)
// and unknown labels say nothing.
func TestOutletSections(t *testing.T) {
	cl := topic.NewClassifier(topic.Embedded(), nil)
	const title = "خطة جديدة للعام المقبل" // names no section
	tests := []struct {
		name, url  string
		categories []string
		want       []string
	}{
		{"a category", "", []string{"رياضة"}, []string{"sports"}},
		{"a category in English, any case", "", []string{"Business"}, []string{"economy"}},
		{"a category with markup and an article", "", []string{"الثقافة"}, []string{"culture"}},
		{"the link's section", "https://news.example/sport/2026/1/2/slug", nil, []string{"sports"}},
		{"ebusiness", "https://news.example/ebusiness/2026/1/2/slug", nil, []string{"economy"}},
		{"an Arabic, percent-encoded section", "https://news.example/%D8%B5%D8%AD%D8%A9/123", nil, []string{"health"}},
		{"two sections in one label", "https://news.example/science-and-tech-2/1", nil, nil},
		{"science-and-tech", "https://news.example/arabic/science-and-tech/1", nil, []string{"technology", "science"}}, // catalogue order
		{"the article's own name is not a section", "https://news.example/news/sport", nil, nil},
		{"a news desk is no section", "https://news.example/world/middle-east/1", []string{"أخبار", "عاجل"}, nil},
		{"a link that is no URL", "::::", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cl.Classify(topic.Item{Title: title, Text: arabic.Analyze(""), URL: tt.url, Categories: tt.categories})
			if !slices.Equal(got, tt.want) {
				t.Errorf("topics %q, want %q", got, tt.want)
			}
		})
	}
}

// TestClassifyBadInput: what feeds send at their worst gives no error, no
// crash and no nonsense topic.
func TestClassifyBadInput(t *testing.T) {
	cl := topic.NewClassifier(topic.Embedded(), topic.EmbeddedModel())
	tests := []struct {
		name, title, text string
		want              []string // exactly
	}{
		{"empty description", "انفجار في مرفأ بيروت", "", []string{"lebanon"}},
		{"an English description under an Arabic headline", "مباحثات في دمشق حول إعادة الإعمار",
			"Talks in Damascus on rebuilding the country's power grid continued for a second day.", []string{"syria"}},
		{"a title of only punctuation", "؟!... — ،،", "", nil},
		{"HTML-entity soup", "&amp;lt;&amp;gt; &#x202E; &nbsp;&nbsp; &#0; &quot;&quot;",
			"&lt;p&gt;&amp;amp;&amp;amp; &#8203;&#8203; &lt;/p&gt; &#1575;&#1604; ;;;&&&", nil},
		{"nothing at all", "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cl.Classify(topic.Item{Title: tt.title, Text: arabic.Analyze(tt.text)})
			var places []string
			for _, s := range got {
				if tp, _ := topic.Embedded().BySlug(s); tp.Kind == news.TopicPlace {
					places = append(places, s)
				}
			}
			if !slices.Equal(places, tt.want) {
				t.Errorf("places %q (topics %q), want %q", places, got, tt.want)
			}
			if tt.want == nil && len(got) > 0 {
				t.Errorf("topics %q from text that says nothing", got)
			}
		})
	}
}

// TestModelTermsReadTheVocabulary: besides the headline's and text's
// stems, the model reads which sections' vocabulary (name, words, hints)
// an article has: in the headline, once in the text, twice in it.
func TestModelTermsReadTheVocabulary(t *testing.T) {
	cl := topic.NewClassifier(topic.Embedded(), nil)
	tests := []struct {
		name, title, text string
		has, lacks        []string
	}{
		{"a hint in the headline", "شركة تطلق الهاتف الذكي الجديد", "",
			[]string{"^§technology", "§technology"}, []string{"§2technology", "§economy"}},
		{"one word in the text", "خطة جديدة للعام المقبل", "تحدث الوزير عن المستشفيات في المدينة.",
			[]string{"§health"}, []string{"^§health", "§2health"}},
		{"two words in the text", "خطة جديدة للعام المقبل", "ارتفعت الأسعار وتراجعت الصادرات هذا العام.",
			[]string{"§economy", "§2economy"}, []string{"^§economy"}},
		{"the same word twice is one", "خطة جديدة للعام المقبل", "ارتفعت الأسعار. ثم ارتفعت الأسعار مرة أخرى.",
			[]string{"§economy"}, []string{"§2economy"}},
		{"words past what the model reads count nothing", "خطة جديدة للعام المقبل",
			strings.Repeat(filler, topic.MaxTextRunes/len([]rune(filler))+1) + "ارتفعت الأسعار وتراجعت الصادرات.",
			nil, []string{"§economy", "§2economy"}},
		{"nothing", "", "", nil, []string{"§economy", "§politics"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cl.ModelTerms(tt.title, tt.text)
			checkHasAndLacks(t, got, tt.has, tt.lacks)
			// The stems come first, as Terms gives them.
			terms := topic.Terms(tt.title, tt.text)
			if len(got) < len(terms) || !slices.Equal(got[:len(terms)], terms) {
				t.Errorf("ModelTerms = %q, does not start with Terms %q", got, terms)
			}
		})
	}
}

// TestVocabularyCarriesToUnseenWords: a model that learnt from some of a
// section's vocabulary reads the rest of it, words no training text had.
func TestVocabularyCarriesToUnseenWords(t *testing.T) {
	c, err := topic.LoadFile(writeFile(t, `[
  {"slug": "economy", "name": "اقتصاد", "kind": "section", "words": ["البورصة"], "hints": ["الأسعار", "الصادرات", "المصارف", "التضخم"]},
  {"slug": "sports", "name": "رياضة", "kind": "section", "words": ["المباراة"], "hints": ["الملعب", "المدرب", "الجماهير", "اللاعبين"]}]`))
	if err != nil {
		t.Fatal(err)
	}
	features := topic.NewClassifier(c, nil)
	texts := map[string][]string{
		"economy": {"ارتفعت الأسعار في السوق هذا الأسبوع", "تراجعت الصادرات في الربع الأول", "الأسعار والصادرات في تقرير جديد"},
		"sports":  {"امتلأ الملعب في نهاية الأسبوع", "المدرب يعلن قائمته للأسبوع", "الملعب والمدرب في تقرير جديد"},
	}
	var docs []topic.Doc
	for class, list := range texts {
		for _, s := range list {
			docs = append(docs, topic.Doc{Class: class, Terms: features.ModelTerms(s, "")})
		}
	}
	m, err := topic.Train(docs, topic.TrainOptions{MinDocs: 1})
	if err != nil {
		t.Fatal(err)
	}
	cl := topic.NewClassifier(c, m)
	for text, want := range map[string]string{
		"المصارف تعلن خطة في تقرير جديد": "economy", // المصارف: no training text had it
		"الجماهير تنتظر في تقرير جديد":   "sports",
		"اللاعبين في الأسبوع المقبل":     "sports",
		"التضخم في الأسبوع المقبل":       "economy",
	} {
		ev := cl.SectionEvidence(topic.Item{Title: text})
		if len(ev.Model) == 0 || ev.Model[0].Slug != want {
			t.Errorf("%q: model %v, want %s first", text, ev.Model, want)
		}
	}
}

// TestSecondSectionNeedsItsOwnWords: the model's most probable section
// counts by its probability alone; any other needs words of its own
// vocabulary too (ClassProb.Vocabulary).
func TestSecondSectionNeedsItsOwnWords(t *testing.T) {
	th := topic.Thresholds{Top: 0.3, Second: 0.1, Extra: 0.6}
	p := func(slug string, prob float64, vocab bool) topic.ClassProb {
		return topic.ClassProb{Slug: slug, Prob: prob, Vocabulary: vocab}
	}
	tests := []struct {
		name string
		ev   topic.SectionEvidence
		want []string
	}{
		{"the runner-up without words of its own", topic.SectionEvidence{Model: []topic.ClassProb{p("politics", 0.6, true), p("economy", 0.3, false)}},
			[]string{"politics"}},
		{"the runner-up with them", topic.SectionEvidence{Model: []topic.ClassProb{p("politics", 0.6, true), p("economy", 0.3, true)}},
			[]string{"politics", "economy"}},
		{"the next one that has them", topic.SectionEvidence{Model: []topic.ClassProb{p("politics", 0.5, false), p("economy", 0.3, false), p("technology", 0.15, true)}},
			[]string{"politics", "technology"}},
		{"the most probable needs none", topic.SectionEvidence{Model: []topic.ClassProb{p("culture", 0.4, false), p("politics", 0.2, false)}},
			[]string{"culture"}},
		{"too unsure", topic.SectionEvidence{Model: []topic.ClassProb{p("culture", 0.25, true), p("politics", 0.2, true)}},
			nil},
		{"beside the outlet's section, the most probable", topic.SectionEvidence{Outlet: []string{"economy"},
			Model: []topic.ClassProb{p("technology", 0.7, false), p("economy", 0.2, true)}}, []string{"economy", "technology"}},
		{"beside the outlet's section, one the model is unsure of", topic.SectionEvidence{Outlet: []string{"economy"},
			Model: []topic.ClassProb{p("technology", 0.5, true), p("economy", 0.3, true)}}, []string{"economy"}},
		{"the headline's words count whatever the model says", topic.SectionEvidence{Headline: []string{"health"},
			Model: []topic.ClassProb{p("politics", 0.6, true), p("health", 0.05, false)}}, []string{"health", "politics"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.ev.Sections(th); !slices.Equal(got, tt.want) {
				t.Errorf("Sections = %q, want %q", got, tt.want)
			}
		})
	}
}
