package pipeline_test

import (
	"strings"
	"testing"

	"github.com/ajel-news/ajel/pipeline"
)

func TestClean(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "  انفجار   في\tبيروت  ", "انفجار في بيروت"},
		{"html paragraphs", "<p>السطر الأول</p><p>السطر <b>الثاني</b></p>", "السطر الأول\nالسطر الثاني"},
		{"br and entities", "قال&nbsp;الوزير&quot;نعم&quot;<br/>ثم غادر &amp; عاد", `قال الوزير"نعم"` + "\nثم غادر & عاد"},
		{"entities without tags", "الليرة &amp; الدولار", "الليرة & الدولار"},
		{"script dropped", "<div>خبر</div><script>var x = 1;</script><style>p{}</style>", "خبر"},
		{"not html", "3 < 5 و 7 > 2", "3 < 5 و 7 > 2"},
		{"share prompts", "خبر مهم\nشارك\nشارك هذا المقال\nشارك على فيسبوك\nShare this:\nFollow us on X", "خبر مهم"},
		{"follow and read also", "خبر\nتابعونا على تلغرام وتويتر\nاقرأ أيضاً: الحكومة تستقيل\nإقرأ أيضا: شيء آخر\nاقرأ المزيد\nRead more", "خبر"},
		{"photo credits", "خبر\n(صورة: رويترز)\nالصورة: أرشيفية من الموقع\nصورة أرشيفية\nPhoto: AFP", "خبر"},
		{"inline photo credit", "قصف على المدينة (صورة: أ ف ب) صباح اليوم", "قصف على المدينة صباح اليوم"},
		{"url lines", "خبر\nhttps://example.com/a/b?c=1\nwww.example.com\n(https://t.co/x)", "خبر"},
		{"punctuation lines", "خبر\n***\n—\n• •", "خبر"},
		{"wordpress footer", "خبر\nThe post Something happened appeared first on Example News.", "خبر"},
		{"read more tail", "الحكومة تعلن خطة جديدة […]\nخطة أخرى Continue reading…", "الحكومة تعلن خطة جديدة\nخطة أخرى"},
		{"repeated line", "خبر\nخبر\nآخر", "خبر\nآخر"},
		{"copyright", "خبر\n© 2024 جميع الحقوق محفوظة\nجميع الحقوق محفوظة لموقع كذا", "خبر"},
		// Real sentences that open like boilerplate stay.
		{"participated", "شارك آلاف المتظاهرين في مسيرة وسط العاصمة", "شارك آلاف المتظاهرين في مسيرة وسط العاصمة"},
		{"they participated", "شاركوا في الاجتماع", "شاركوا في الاجتماع"},
		{"picture of events", "الصورة الكاملة للأحداث لم تتضح بعد", "الصورة الكاملة للأحداث لم تتضح بعد"},
		{"joined", "انضم اللاعب إلى النادي", "انضم اللاعب إلى النادي"},
		{"url inside text", "راجع https://example.com للتفاصيل", "راجع https://example.com للتفاصيل"},
		{"invalid utf8", "خبر\xff عاجل", "خبر عاجل"},
		{"empty", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := pipeline.Clean(tc.in); got != tc.want {
				t.Errorf("Clean(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestSplitBreakingMarker(t *testing.T) {
	tests := []struct {
		in, want string
		breaking bool
	}{
		{"عاجل: انفجار في بيروت", "انفجار في بيروت", true},
		{"عاجل | انفجار في بيروت", "انفجار في بيروت", true},
		{"[عاجل] انفجار في بيروت", "انفجار في بيروت", true},
		{"عاجل - انفجار في بيروت", "انفجار في بيروت", true},
		{"🔴 عاجل: انفجار", "انفجار", true},
		{"#عاجل انفجار", "انفجار", true},
		{"BREAKING: Blast in Beirut", "Blast in Beirut", true},
		{"Breaking News - Blast", "Blast", true},
		{"breaking: blast", "blast", true},
		{"عاجل", "", true},
		{"  عاجل:  ", "", true},
		{"عاجلة هي الأخبار", "عاجلة هي الأخبار", false},
		{"Breakingviews: a column", "Breakingviews: a column", false},
		{"انفجار في بيروت عاجل", "انفجار في بيروت عاجل", false},
		{"  خبر عادي ", "خبر عادي", false},
		{"", "", false},
	}
	for _, tc := range tests {
		got, brk := pipeline.SplitBreakingMarker(tc.in)
		if got != tc.want || brk != tc.breaking {
			t.Errorf("SplitBreakingMarker(%q) = %q, %v; want %q, %v", tc.in, got, brk, tc.want, tc.breaking)
		}
	}
}

func TestLeadSummarizer(t *testing.T) {
	long := strings.Repeat("كلمة ", 200)
	tests := []struct {
		name, title, text string
		max               int
		want              string
	}{
		{"first sentences", "عنوان", "الجملة الأولى. الجملة الثانية! الجملة الثالثة؟", 0, "الجملة الأولى. الجملة الثانية! الجملة الثالثة؟"},
		{"limit on whole sentences", "عنوان", "جملة أولى قصيرة. جملة ثانية أطول من المسموح به.", 20, "جملة أولى قصيرة."},
		{"skips the title", "انفجار في بيروت", "انفجار في بيروت.\nقتل ثلاثة أشخاص.", 0, "قتل ثلاثة أشخاص."},
		{"decimal stays", "x", "ارتفع المؤشر 3.5 بالمئة. ثم هبط.", 0, "ارتفع المؤشر 3.5 بالمئة. ثم هبط."},
		{"empty", "x", "", 0, ""},
		{"one long sentence is cut", "x", long, 50, strings.TrimSpace(strings.Repeat("كلمة ", 10)) + "…"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := pipeline.LeadSummarizer{MaxChars: tc.max}.Summarize(tc.title, tc.text)
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestWordIndex(t *testing.T) {
	ix := pipeline.NewWordIndex([]string{"بيروت", "قطاع غزة", "Oil price", "", "بيروت"})
	tests := []struct {
		text string
		want []string
	}{
		{"انفجار في بيروت اليوم", []string{"بيروت"}},
		{"قصف على قطاع غزة وبيروت", []string{"قطاع غزة"}}, // no clitics in the built-in index
		{"The OIL PRICE rose; بيروت", []string{"Oil price", "بيروت"}},
		{"قطاع الطاقة في غزة", nil},
	}
	for _, tc := range tests {
		got := ix.Match(tc.text)
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("Match(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}
