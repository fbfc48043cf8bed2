package clean_test

import (
	"testing"

	"github.com/ajel-news/ajel/internal/clean"
)

func TestPage(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"cookie sentence glued to the story",
			"نستخدم ملفات تعريف الارتباط لتحسين تجربتك. أعلنت الوزارة تمديد العطلة الصيفية أسبوعا.",
			"أعلنت الوزارة تمديد العطلة الصيفية أسبوعا."},
		{"english consent and newsletter",
			"The ministry extended the summer holiday by a week.\nBy continuing to browse, you accept our use of cookies.\nSign up for our newsletter to get the day's news.",
			"The ministry extended the summer holiday by a week."},
		{"newsletter box", "أعلنت الوزارة تمديد العطلة.\nالنشرة البريدية\nاشترك في نشرتنا ليصلك أهم الأخبار.", "أعلنت الوزارة تمديد العطلة."},
		{"share bar", "أعلنت الوزارة تمديد العطلة.\nفيسبوك تويتر واتساب\nشارك عبر تلغرام", "أعلنت الوزارة تمديد العطلة."},
		{"most read list", "أعلنت الوزارة تمديد العطلة.\nالأكثر قراءة\nارتفاع أسعار الذهب\nمنتخب الشباب يتأهل", "أعلنت الوزارة تمديد العطلة."},
		{"a list header, then the story goes on",
			"أعلنت الوزارة تمديد العطلة.\nاقرأ أيضا\nعنوان خبر آخر\nوقال الوزير إن القرار يشمل المدارس الخاصة أيضا.",
			"أعلنت الوزارة تمديد العطلة.\nوقال الوزير إن القرار يشمل المدارس الخاصة أيضا."},
		// News about these things is news.
		{"a story about cookies",
			"فرضت الهيئة غرامة على شركة لأنها وضعت ملفات تعريف الارتباط دون إذن المستخدمين.",
			"فرضت الهيئة غرامة على شركة لأنها وضعت ملفات تعريف الارتباط دون إذن المستخدمين."},
		{"a story about a newsletter", "أطلقت الجامعة النشرة الإخبارية الأولى لطلابها.", "أطلقت الجامعة النشرة الإخبارية الأولى لطلابها."},
		{"a story about sharing", "شارك آلاف المتظاهرين في مسيرة وسط العاصمة.", "شارك آلاف المتظاهرين في مسيرة وسط العاصمة."},
		{"only a consent wall", "نستخدم ملفات تعريف الارتباط لتحسين تجربتك على موقعنا.\nبمتابعة التصفح فإنك توافق على سياسة الخصوصية.", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := clean.Page(tc.in); got != tc.want {
				t.Errorf("Page(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
		})
	}
}
