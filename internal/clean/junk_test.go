package clean_test

import (
	"testing"

	"github.com/ajel-news/ajel/arabic"
	"github.com/ajel-news/ajel/internal/clean"
)

// What feeds wrap around an item's text never reaches the text: every
// sentence here is ours, in the shapes platforms and outlets use.
func TestReadDropsWhatFeedsWrapAroundTheStory(t *testing.T) {
	tests := []struct {
		name, in, want string
		cut, held      bool
	}{
		// Platform footers, on their own line or glued to the text.
		{name: "wordpress footer glued after a cut",
			in:   "افتتحت البلدية حديقة عامة جديدة في وسط المدينة اليوم. وتضم الحديقة ملعبا للأطفال وممرات […] The post افتتاح حديقة عامة appeared first on جريدة المدينة.",
			want: "افتتحت البلدية حديقة عامة جديدة في وسط المدينة اليوم.", cut: true},
		{name: "arabic wordpress footer",
			in:   "<p>ارتفعت أسعار الخضر في الأسواق الأسبوعية هذا الشهر.</p><p>ظهرت المقالة ارتفاع أسعار الخضر أولاً على موقع السوق.</p>",
			want: "ارتفعت أسعار الخضر في الأسواق الأسبوعية هذا الشهر."},
		{name: "arabic footer glued to a sentence",
			in:   "ارتفعت أسعار الخضر في الأسواق الأسبوعية هذا الشهر. ظهرت المقالة ارتفاع أسعار الخضر أولا على موقع السوق.",
			want: "ارتفعت أسعار الخضر في الأسواق الأسبوعية هذا الشهر."},
		{name: "the post first appeared on",
			in:   "The council approved the budget on Monday.\nThe post Budget approved first appeared on City News.",
			want: "The council approved the budget on Monday."},
		{name: "blogger footer element",
			in:   `<p>انطلقت حملة تشجير في القرى الجبلية بمشاركة المتطوعين.</p><div class="blogger-post-footer">اشترك في مدونتنا ليصلك كل جديد</div>`,
			want: "انطلقت حملة تشجير في القرى الجبلية بمشاركة المتطوعين."},
		{name: "continue reading with the title",
			in:   `<p>Rain is expected over the coast tonight. <a class="more-link" href="/x">Continue reading<span> "Rain on the coast"</span> →</a></p>`,
			want: "Rain is expected over the coast tonight."},
		{name: "read also glued to the text",
			in:   "أعلنت الجامعة فتح باب التسجيل للعام المقبل. اقرأ أيضاً: الجامعة تفتتح كلية جديدة",
			want: "أعلنت الجامعة فتح باب التسجيل للعام المقبل."},
		{name: "read more line", in: "أعلنت الجامعة فتح باب التسجيل.\nإقرأ المزيد »", want: "أعلنت الجامعة فتح باب التسجيل."},
		// Cuts.
		{name: "cut back to the last whole sentence",
			in:   "وصل الوفد إلى العاصمة مساء أمس في زيارة رسمية. وبحث الوفد مع المسؤولين ملفات التعاون في مجالات [...]",
			want: "وصل الوفد إلى العاصمة مساء أمس في زيارة رسمية.", cut: true},
		{name: "a cut with no whole sentence ends with an ellipsis",
			in:   "وصل الوفد إلى العاصمة مساء أمس في زيارة رسمية تستمر ثلاثة أيام يبحث خلالها، [&hellip;]",
			want: "وصل الوفد إلى العاصمة مساء أمس في زيارة رسمية تستمر ثلاثة أيام يبحث خلالها…", cut: true},
		{name: "a cut line after a whole paragraph goes",
			in:   "وصل الوفد إلى العاصمة مساء أمس في زيارة رسمية.\nوبحث الوفد مع المسؤولين ملفات […]",
			want: "وصل الوفد إلى العاصمة مساء أمس في زيارة رسمية.", cut: true},
		{name: "a cut at a sentence's end keeps it",
			in: "وصل الوفد إلى العاصمة مساء أمس. […]", want: "وصل الوفد إلى العاصمة مساء أمس.", cut: true},
		{name: "an abbreviation is no sentence end",
			in:   "قال د. سامي إن المستشفى سيستقبل المرضى ابتداء من الأسبوع [...]",
			want: "قال د. سامي إن المستشفى سيستقبل المرضى ابتداء من الأسبوع…", cut: true},
		{name: "elision inside a quote stays", in: "قال الوزير: \"سنعمل [...] على إنهاء الأزمة\" أمام البرلمان.",
			want: "قال الوزير: \"سنعمل [...] على إنهاء الأزمة\" أمام البرلمان."},
		// Bylines.
		{name: "byline line", in: "بقلم: سامي الخطيب\nتعيش المدينة أياما صعبة منذ بدء الشتاء.", want: "تعيش المدينة أياما صعبة منذ بدء الشتاء."},
		{name: "byline opening", in: "يكتب سامي الخطيب: تعيش المدينة أياما صعبة منذ بدء الشتاء.", want: "تعيش المدينة أياما صعبة منذ بدء الشتاء."},
		{name: "byline with a dash", in: "بقلم سامي الخطيب - تعيش المدينة أياما صعبة منذ بدء الشتاء.", want: "تعيش المدينة أياما صعبة منذ بدء الشتاء."},
		{name: "english byline", in: "By Jane Doe\nThe city has had a hard winter.", want: "The city has had a hard winter."},
		{name: "english byline opening", in: "By Jane Doe - The city has had a hard winter.", want: "The city has had a hard winter."},
		{name: "english byline with the agency", in: "By Jane Doe, Reuters\nThe city has had a hard winter.", want: "The city has had a hard winter."},
		{name: "a sentence opening with by stays", in: "By Monday, the council will vote on it", want: "By Monday, the council will vote on it"},
		{name: "a quotation is not a byline", in: "كتب الرئيس على حسابه: سنعيد بناء ما تهدم.", want: "كتب الرئيس على حسابه: سنعيد بناء ما تهدم."},
		{name: "past tense quote stays", in: "كتب الوزير: الحكومة ستدعم المزارعين.", want: "كتب الوزير: الحكومة ستدعم المزارعين."},
		{name: "a sentence about writing stays", in: "يكتب الطلاب امتحاناتهم في قاعات مكيفة هذا العام.", want: "يكتب الطلاب امتحاناتهم في قاعات مكيفة هذا العام."},
		// Placeholders.
		{name: "only a placeholder", in: "التفاصيل بعد قليل..", want: "", held: true},
		{name: "placeholder kin", in: "<p>المزيد قريباً</p><p>التفاصيل تباعاً</p><p>الخبر قيد التحديث</p>", want: "", held: true},
		{name: "english placeholder", in: "More to follow.", want: "", held: true},
		{name: "only the breaking marker", in: "عاجل", want: "", held: true},
		{name: "placeholder after the news", in: "اندلع حريق في مستودع بالمرفأ.. التفاصيل بعد قليل", want: "اندلع حريق في مستودع بالمرفأ", held: true},
		{name: "placeholder after a sentence", in: "اندلع حريق في مستودع بالمرفأ. تفاصيل أوفى لاحقاً", want: "اندلع حريق في مستودع بالمرفأ.", held: true},
		{name: "a sentence ending in soon stays", in: "يبدأ الاجتماع بعد قليل", want: "يبدأ الاجتماع بعد قليل"},
		{name: "details promised inside a sentence stay", in: "وقال المتحدث إن التفاصيل ستعلن قريبا",
			want: "وقال المتحدث إن التفاصيل ستعلن قريبا"},
		// Entities escaped once too often.
		{name: "entity soup", in: "&amp;lt;p&amp;gt;قال المدير &amp;quot;نحن جاهزون&amp;quot;&amp;lt;/p&amp;gt;&amp;nbsp;&#1608;&#1589;&#1604;",
			want: "قال المدير \"نحن جاهزون\"\nوصل"},
		{name: "only a link", in: `<a href="https://example.com/story/1">https://example.com/story/1</a>`, want: ""},
		{name: "only an image", in: `<p><img src="https://example.com/a.jpg" alt=""></p>`, want: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := clean.Read(tc.in)
			if got.Text != tc.want || got.Cut != tc.cut || got.Placeholder != tc.held {
				t.Errorf("Read(%q)\n got %q cut %v placeholder %v\nwant %q cut %v placeholder %v",
					tc.in, got.Text, got.Cut, got.Placeholder, tc.want, tc.cut, tc.held)
			}
		})
	}
}

func TestIsBoilerplateSentenceKnowsPlaceholders(t *testing.T) {
	for s, want := range map[string]bool{
		"التفاصيل بعد قليل.":                true,
		"More details to follow.":           true,
		"خبر عاجل":                          true,
		"يبدأ الاجتماع بعد قليل.":           false,
		"التفاصيل الكاملة في تقرير اللجنة.": false,
	} {
		if got := clean.IsBoilerplateSentence(s, arabic.Tokens(s)); got != want {
			t.Errorf("IsBoilerplateSentence(%q) = %v, want %v", s, got, want)
		}
	}
}
