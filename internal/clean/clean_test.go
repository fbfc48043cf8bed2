package clean_test

import (
	"testing"

	"github.com/ajel-news/ajel/internal/clean"
)

func TestBody(t *testing.T) {
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
		{"read more tail", "الحكومة تعلن خطة جديدة […]\nخطة أخرى Continue reading…", "الحكومة تعلن خطة جديدة…\nخطة أخرى"},
		{"repeated line", "خبر\nخبر\nآخر", "خبر\nآخر"},
		{"copyright", "خبر\n© 2024 جميع الحقوق محفوظة\nجميع الحقوق محفوظة لموقع كذا", "خبر"},
		{"dateline and read also", "<p>واشنطن - (أ ف ب) - أعلن البيت الأبيض&nbsp;اليوم.</p>\nاقرأ أيضا: خبر آخر\n\n  سطر   ثان.  ",
			"أعلن البيت الأبيض اليوم.\nسطر ثان."},
		{"dateline alone", "خبر\nبيروت - (رويترز) -", "خبر"},
		// Real sentences that open like boilerplate stay.
		{"participated", "شارك آلاف المتظاهرين في مسيرة وسط العاصمة", "شارك آلاف المتظاهرين في مسيرة وسط العاصمة"},
		{"they participated", "شاركوا في الاجتماع", "شاركوا في الاجتماع"},
		{"picture of events", "الصورة الكاملة للأحداث لم تتضح بعد", "الصورة الكاملة للأحداث لم تتضح بعد"},
		{"joined", "انضم اللاعب إلى النادي", "انضم اللاعب إلى النادي"},
		{"the source said", "المصدر قال إن الاجتماع سيعقد غدا في العاصمة", "المصدر قال إن الاجتماع سيعقد غدا في العاصمة"},
		{"an eyewitness", "شاهد عيان قال إنه سمع دوي انفجارين قرب المطار", "شاهد عيان قال إنه سمع دوي انفجارين قرب المطار"},
		{"url inside text", "راجع https://example.com للتفاصيل", "راجع https://example.com للتفاصيل"},
		{"invalid utf8", "انفجار\xff في المرفأ", "انفجار في المرفأ"},
		{"empty", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := clean.Body(tc.in); got != tc.want {
				t.Errorf("Body(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestLine(t *testing.T) {
	for in, want := range map[string]string{
		"<b>عاجل:</b> انفجار&nbsp;في  بيروت\n": "عاجل: انفجار في بيروت",
		"  عنوان\tعادي ":                       "عنوان عادي",
		"3 < 5":                                "3 < 5",
	} {
		if got := clean.Line(in); got != want {
			t.Errorf("Line(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIsBoilerplate(t *testing.T) {
	tests := []struct {
		line string
		want bool
	}{
		{"اقرأ أيضاً: الحكومة تستقيل", true},
		{"اقرأ أيضا", true},
		{"المصدر: وكالات", true},
		{"تابعونا على تويتر", true},
		{"شارك", true},
		{"شارك هذا الخبر على فيسبوك", true},
		{"صورة أرشيفية", true},
		{"حقوق الصورة Getty Images", true},
		{"Image copyright Reuters", true},
		{"https://example.com/news/1", true},
		{"رابط: https://example.com/news/1", true},
		{"#عاجل #سوريا", true},
		{"", true},
		{"شارك الرئيس في القمة العربية التي عقدت في الرياض أمس بحضور عدد من القادة العرب", false},
		{"قال المصدر إن المفاوضات مستمرة منذ أسابيع دون أي تقدم يذكر بين الجانبين", false},
		{"ضرب زلزال جنوب البلاد.", false},
	}
	for _, tt := range tests {
		if got := clean.IsBoilerplate(tt.line); got != tt.want {
			t.Errorf("IsBoilerplate(%q) = %v, want %v", tt.line, got, tt.want)
		}
	}
}

func TestStripDateline(t *testing.T) {
	tests := []struct{ in, want string }{
		{"بيروت - (رويترز) - قال الجيش", "قال الجيش"},
		{"بيروت - (الشام اليوم) - ضربت هزة أرضية", "ضربت هزة أرضية"},
		{"القاهرة في 5 مايو (أ ف ب) - أعلنت", "أعلنت"},
		{"(رويترز) - أعلنت", "أعلنت"},
		{"دبي - العربية.نت: أعلنت", "أعلنت"},
		{"الرياض - أعلنت الوزارة", "أعلنت الوزارة"},
		{"قال الوزير إن الوضع - كما يبدو - مستقر", "قال الوزير إن الوضع - كما يبدو - مستقر"},
		{"بيروت - (رويترز) -", ""},
	}
	for _, tt := range tests {
		if got := clean.StripDateline(tt.in); got != tt.want {
			t.Errorf("StripDateline(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func BenchmarkBody(b *testing.B) {
	body := "<p>بيروت - (رويترز) - أعلن الجيش اللبناني اليوم انتشاره في بلدات حدودية جنوب البلاد.</p>" +
		"<p>وقال بيان للجيش إن الوحدات بدأت الانتشار فجرا.</p><p>اقرأ أيضا: الحكومة تجتمع</p><p>شارك هذا الخبر</p>"
	for b.Loop() {
		clean.Body(body)
	}
}
