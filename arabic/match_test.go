package arabic_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/ajel-news/ajel/arabic"
)

func TestKeywordForm(t *testing.T) {
	tests := []struct{ in, want string }{
		{"سوريا", "سوريا"},
		{"سوريّا", "سوريا"},
		{"ســوريا", "سوريا"},
		{"  قطاع   غزة ", "قطاع غزه"},
		{"م\uFE0Fصر", "مصر"},
		{"\u3164", ""},
		{"قطاع\u034F غزة\u3164", "قطاع غزه"},
		{"OpenAI", "openai"},
		{"!!", ""},
	}
	for _, tt := range tests {
		if got := arabic.KeywordForm(tt.in); got != tt.want {
			t.Errorf("KeywordForm(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestIndexMatch(t *testing.T) {
	tests := []struct {
		keyword string
		text    string
		want    bool
	}{
		{"إدلب", "قصف على إدلب اليوم", true},
		// Phrases that open with a stop word still match where it stands.
		{"ما وراء الطبيعة", "عرض فيلم ما وراء الطبيعة في القاهرة", true},
		{"ما وراء الطبيعة", "ما زال الفيلم يعرض", false},
		{"بعد الحرب", "إعادة الإعمار بعد الحرب", true},
		{"إدلب", "اشتباكات بإدلب", true},
		{"إدلب", "حلب وإدلب", true},
		{"إدلب", "قافلة لإدلب", true},
		{"إدلب", "ريف ادلب الجنوبي", true},
		{"إدلب", "مقاتلون إدلبيون", true},
		{"إدلب", "مدينة حلب", false},
		{"سوريا", "الحكومة السورية", true},
		{"سوريا", "اللاجئين السوريين", true},
		{"سوريا", "مواطن سوري", true},
		{"سوريا", "والسوريون يعودون", true},
		{"سوريا", "في سورية", true},
		{"سوريا", "بسوريا", true},
		{"سوريا", "تلا سورة البقرة", false},
		{"سوريا", "خلف السور", false},
		{"سوريا", "بنى سور المدينة", false},
		{"لبنان", "قال اللبنانيون", true},
		{"لبنان", "الجيش اللبناني", true},
		{"لبنان", "في لبنان", true},
		{"لبنان", "للبنان", true},
		{"مصر", "البنك المصري", true},
		{"مصر", "الحكومة المصرية", true},
		{"مصر", "المصريين", true},
		{"مصر", "بمصر", true},
		{"مصر", "مصرف لبنان المركزي", false},
		{"مصر", "لقي مصرعه", false},
		{"غزة", "غارات على غزة", true},
		{"غزة", "بغزة", true},
		{"غزة", "في قطاع غزة", true},
		{"غزة", "غزا الجيش المدينة", false},
		{"قطاع غزة", "في قطاع غزة مساء", true},
		{"قطاع غزة", "بقطاع غزة", true},
		{"قطاع غزة", "قطاع الطاقة في غزة", false},
		{"الأمم المتحدة", "قالت الأمم المتحدة", true},
		{"الأمم المتحدة", "وللأمم المتحدة دور", true},
		{"الأمم المتحدة", "الأمم الأوروبية المتحدة", false},
		{"الأمم المتحدة", "الأمم", false},
		{"العراق", "في العراق", true},
		{"العراق", "بالعراق", true},
		{"العراق", "الجيش العراقي", true},
		{"العراق", "العراقيين", true},
		{"العراق", "عراقيات", true},
		{"العراق", "العراء", false},
		{"الأردن", "الملك الأردني", true},
		{"الأردن", "بالأردن", true},
		{"الأردن", "نهر الأردن", true},
		{"السعودية", "السعوديون", true},
		{"السعودية", "بالسعودية", true},
		{"السعودية", "سعود", false},
		{"أمريكا", "الأمريكيين", true},
		{"الحكومة", "حكومتها", true},
		{"الحكومة", "الحكومات", true},
		{"الحكومة", "حكم", false},
		{"OpenAI", "أعلنت openai اليوم", true},
		{"OpenAI", "OPENAI's model", true},
		{"OpenAI", "Open AI", false},
		{"الله", "والله", true},
		{"الله", "له", false},
		// A place finds its people and their adjective.
		{"تركيا", "قال الأتراك إن الاتفاق صامد", true},
		{"تركيا", "وزير الخارجية التركي", true},
		{"تركيا", "للأتراك المقيمين في ألمانيا", true},
		{"تركيا", "الليرة التركية تتراجع", true},
		{"روسيا", "الروس يعلنون وقف النار", true},
		{"ألمانيا", "قال الألمان إن الانتخابات", true},
		{"أرمينيا", "الأرمن يحيون الذكرى", true},
		{"أفغانستان", "اللاجئون الأفغان", true},
		{"الهند", "الهنود في الخليج", true},
		{"المغرب", "المغاربة في أوروبا", true},
		// and must not find what only looks like them.
		{"تركيا", "ترك المنزل صباحا", false},
		{"تركيا", "الأتراح والأفراح", false},
		{"سوريا", "رمم الأسوار القديمة", false},
		{"روسيا", "قدم المعلم الدروس", false},
		{"روسيا", "رؤوس الأموال", false},
		{"الهند", "الهندسة المدنية", false},
		// A hamza-final noun finds its relational adjective.
		{"كيمياء", "الأسلحة الكيميائية", true},
		{"كيمياء", "هجوم كيميائي على البلدة", true},
		{"كيمياء", "خبراء كيميائيون", true},
		{"فيزياء", "عالم فيزيائي", true},
		{"كيمياء", "جائزة نوبل في الكيمياء", true},
		{"كيمياء", "كيمياوي", false},
		{"سماء", "سمائم", false},
		{"كيمياء", "الكيمائي", false},
		// A name that starts with ل keeps it.
		{"بنان", "في لبنان", false},
		{"بنان", "للبنان", false},
		{"بنان", "اللبنانيون", false},
		{"بنان", "أشار ببنان يده", true},
		{"بيا", "في ليبيا", false},
		{"ندن", "وصل إلى لندن", false},
		{"لبنان", "للبنان", true},
		{"لبنان", "لبنانيون", true},
		{"سوريا", "لسوريا", true},
		{"غزة", "لغزة", true},
	}
	for _, tt := range tests {
		ix := arabic.NewIndex([]string{tt.keyword})
		got := slices.Contains(ix.Match(tt.text), tt.keyword)
		if got != tt.want {
			t.Errorf("%q in %q: got %v, want %v", tt.keyword, tt.text, got, tt.want)
		}
	}
}

func TestIndexManyKeywords(t *testing.T) {
	kws := []string{"سوريا", "سوريّا", "لبنان", "قطاع غزة", "غزة", "الأمم المتحدة", "OpenAI", "", "اقتصاد"}
	ix := arabic.NewIndex(kws)
	if ix.Len() != 7 {
		t.Errorf("Len = %d, want 7 (duplicates and empty dropped)", ix.Len())
	}
	got := ix.Match("قالت الأمم المتحدة إن اللاجئين السوريين في لبنان وبقطاع غزة يحتاجون المساعدة. السورية")
	want := []string{"الأمم المتحدة", "سوريا", "لبنان", "قطاع غزة", "غزة"}
	if !slices.Equal(got, want) {
		t.Errorf("Match = %q, want %q", got, want)
	}
	if got := ix.Match(""); len(got) != 0 {
		t.Errorf("Match(\"\") = %q", got)
	}
	var nilIx *arabic.Index
	if got := nilIx.Match("سوريا"); got != nil {
		t.Errorf("nil index matched %q", got)
	}
}

func TestIndexLongText(t *testing.T) {
	ix := arabic.NewIndex([]string{"سوريا"})
	long := strings.Repeat("كلمة ", 10000) + "السوريين"
	if got := ix.Match(long); !slices.Equal(got, []string{"سوريا"}) {
		t.Errorf("Match(long) = %q", got)
	}
}

// TestMatchSpans: every mention, where it is and how it is written.
func TestMatchSpans(t *testing.T) {
	ix := arabic.NewIndex([]string{"الخليل", "جدة", "سوريا", "ألمانيا", "فيلق القدس", "القدس"})
	tests := []struct {
		name, text string
		want       []arabic.Span
	}{
		{"with its article", "اقتحام في الخليل", []arabic.Span{{Keyword: "الخليل", Start: 2, End: 3, Article: true, Bare: true}}},
		{"a preposition and the article", "مواجهات بالخليل", []arabic.Span{{Keyword: "الخليل", Start: 1, End: 2, Article: true, Bare: true}}},
		{"للـ is ل and the article", "زيارة للخليل", []arabic.Span{{Keyword: "الخليل", Start: 1, End: 2, Article: true, Bare: true}}},
		{"without it", "الفنان خليل", []arabic.Span{{Keyword: "الخليل", Start: 1, End: 2, Bare: true}}},
		{"a pronoun ending", "زارت جدته", []arabic.Span{{Keyword: "جدة", Start: 1, End: 2}}},
		{"an adjective", "الحكومة السورية", []arabic.Span{{Keyword: "سوريا", Start: 1, End: 2, Article: true, Adjective: true}}},
		{"an adjective through the people", "الباحث الألماني", []arabic.Span{{Keyword: "ألمانيا", Start: 1, End: 2, Article: true, Adjective: true}}},
		{"every mention, the longer one first", "فيلق القدس في القدس",
			[]arabic.Span{{Keyword: "فيلق القدس", Start: 0, End: 2, Bare: true}, {Keyword: "القدس", Start: 1, End: 2, Article: true, Bare: true},
				{Keyword: "القدس", Start: 3, End: 4, Article: true, Bare: true}}},
		{"nothing", "لا شيء هنا", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ix.MatchSpans(arabic.Tokens(tt.text))
			if !slices.Equal(got, tt.want) {
				t.Errorf("MatchSpans(%q) =\n %+v\nwant\n %+v", tt.text, got, tt.want)
			}
		})
	}
}
