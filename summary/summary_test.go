package summary_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ajel-news/ajel/internal/clean"
	"github.com/ajel-news/ajel/summary"
)

// A story written for these tests.
const (
	storyTitle = "زلزال بقوة 6 درجات يضرب جنوب البلاد"
	storyText  = `بيروت - (رويترز) - ضرب زلزال بقوة ست درجات جنوب البلاد فجر اليوم وأدى إلى انهيار عدد من المباني القديمة في ثلاث قرى.
وقال الدفاع المدني إن فرق الإنقاذ انتشلت خمسة مصابين من تحت الأنقاض ونقلتهم إلى مستشفى المنطقة.
اقرأ أيضاً: هزة خفيفة تضرب الشمال الأسبوع الماضي
صورة أرشيفية
وأعلنت الحكومة فتح مراكز إيواء مؤقتة للعائلات التي تضررت منازلها جراء الزلزال.
وكانت المنطقة قد شهدت زلزالا مماثلا قبل عشرين عاما خلّف أضرارا واسعة في المباني.
تابعونا على تويتر وفيسبوك
المصدر: رويترز`
)

// summarize and summarizeStory clean their raw input first, as analyze
// does before it summarizes.
func summarize(title, text string, opt summary.Options) string {
	return summary.Summarize(title, clean.Body(text), opt)
}

func summarizeStory(title string, texts []string, opt summary.Options) string {
	cleaned := make([]string, len(texts))
	for i, t := range texts {
		cleaned[i] = clean.Body(t)
	}
	return summary.SummarizeStory(title, cleaned, opt)
}

func TestSummarize(t *testing.T) {
	got := summarize(storyTitle, storyText, summary.Options{})
	if !strings.HasPrefix(got, "ضرب زلزال بقوة ست درجات") {
		t.Errorf("summary does not start with the lead without its dateline: %q", got)
	}
	for _, bad := range []string{"رويترز", "اقرأ", "تابعونا", "صورة", "المصدر"} {
		if strings.Contains(got, bad) {
			t.Errorf("summary contains boilerplate %q: %q", bad, got)
		}
	}
	if n := utf8.RuneCountInString(got); n > summary.DefaultMaxChars {
		t.Errorf("summary has %d characters, budget %d", n, summary.DefaultMaxChars)
	}
	// Original order: the lead comes before the rescue sentence.
	if i, j := strings.Index(got, "ضرب زلزال"), strings.Index(got, "وقال الدفاع"); j >= 0 && j < i {
		t.Errorf("sentences out of order: %q", got)
	}
}

func TestSummarizeOptions(t *testing.T) {
	tests := []struct {
		name      string
		opt       summary.Options
		sentences int
		maxChars  int
	}{
		{"one sentence", summary.Options{MaxSentences: 1, MaxChars: -1}, 1, -1},
		{"two sentences", summary.Options{MaxSentences: 2, MaxChars: -1}, 2, -1},
		{"tight budget", summary.Options{MaxSentences: 3, MaxChars: 150}, 1, 150},
		{"budget under one sentence", summary.Options{MaxChars: 40}, 1, 40},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := summarize(storyTitle, storyText, tt.opt)
			if n := strings.Count(got, ".") + strings.Count(got, "…"); tt.maxChars < 0 && n != 0 {
				t.Logf("%q", got)
			}
			if tt.maxChars > 0 && utf8.RuneCountInString(got) > tt.maxChars {
				t.Errorf("%d characters > %d: %q", utf8.RuneCountInString(got), tt.maxChars, got)
			}
			if tt.name == "budget under one sentence" && !strings.HasSuffix(got, "…") {
				t.Errorf("cut sentence does not end with …: %q", got)
			}
			if tt.name == "one sentence" && strings.Contains(got, "\n") {
				t.Errorf("unexpected line break: %q", got)
			}
		})
	}
}

func TestSummarizeNeverRepeatsHeadline(t *testing.T) {
	title := "الحكومة تعلن خطة جديدة لدعم المزارعين في المناطق المتضررة"
	text := "الحكومة تعلن خطة جديدة لدعم المزارعين في المناطق المتضررة.\n" +
		"وتشمل الخطة قروضا ميسرة وإعفاءات ضريبية لمدة عامين للمزارعين الصغار.\n" +
		"وقال وزير الزراعة إن التنفيذ سيبدأ مطلع الشهر المقبل في خمس محافظات."
	got := summarize(title, text, summary.Options{})
	if strings.Contains(got, "تعلن خطة جديدة") {
		t.Errorf("summary repeats the headline: %q", got)
	}
	if !strings.Contains(got, "قروضا ميسرة") {
		t.Errorf("summary misses the content: %q", got)
	}
}

func TestSummarizeStory(t *testing.T) {
	texts := []string{
		"ضرب زلزال بقوة ست درجات جنوب البلاد فجر اليوم وأدى إلى انهيار مبان قديمة في ثلاث قرى.\nوقال الدفاع المدني إن فرق الإنقاذ انتشلت خمسة مصابين من تحت الأنقاض.",
		"دبي - العربية.نت: ضرب زلزال بقوة ست درجات جنوب البلاد فجر اليوم وأدى إلى انهيار مبان قديمة في ثلاث قرى.\nوأعلنت الحكومة فتح مراكز إيواء مؤقتة للعائلات المتضررة من الزلزال.",
		"قالت السلطات إن زلزالا بقوة ست درجات ضرب جنوب البلاد فجر اليوم.\nوأضافت أن فرق الإنقاذ انتشلت خمسة مصابين من تحت الأنقاض في القرى الجنوبية.",
	}
	got := summarizeStory(storyTitle, texts, summary.Options{})
	if got == "" {
		t.Fatal("empty story summary")
	}
	if strings.Count(got, "وأدى إلى انهيار مبان") > 1 {
		t.Errorf("story summary repeats a sentence: %q", got)
	}
	if strings.Contains(got, "العربية.نت") {
		t.Errorf("dateline kept: %q", got)
	}
	if utf8.RuneCountInString(got) > 400 {
		t.Errorf("over budget: %q", got)
	}
	if summarizeStory("", nil, summary.Options{}) != "" {
		t.Error("no texts should give an empty summary")
	}
}

func TestSummarizeBadInput(t *testing.T) {
	long := strings.Repeat("كلمة طويلة ", 5000)
	tests := []struct {
		name, text string
		empty      bool
	}{
		{"empty", "", true},
		{"spaces", " \n\t ", true},
		{"punctuation only", "... !!! ؟؟", true},
		{"no punctuation", "خبر بلا أي علامة ترقيم يستمر طويلا دون توقف حتى النهاية", false},
		{"10000 words", long, false},
		{"mixed", "Apple أعلنت اليوم عن iPhone جديد. The launch is in September والأسعار مرتفعة.", false},
		{"html", "<p>أعلنت الوزارة&nbsp;اليوم عن <b>خطة</b> جديدة للنقل.</p><br/><div>وتشمل الخطة خطوط حافلات إضافية في العاصمة.</div>", false},
		{"emoji", "🔴 عاجل: انفجار في الميناء 💥 وسقوط جرحى 😢. 🙏", false},
		{"invalid utf8", "انفجار \xff\xfe في الميناء وسقوط عدد من الجرحى.", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := summarize("عنوان", tt.text, summary.Options{})
			if (got == "") != tt.empty {
				t.Errorf("Summarize = %q, want empty %v", got, tt.empty)
			}
			if !utf8.ValidString(got) {
				t.Errorf("invalid UTF-8 in %q", got)
			}
			if utf8.RuneCountInString(got) > summary.DefaultMaxChars {
				t.Errorf("over budget: %d", utf8.RuneCountInString(got))
			}
			if strings.ContainsAny(got, "<>") {
				t.Errorf("HTML left: %q", got)
			}
		})
	}
}

func FuzzSummarize(f *testing.F) {
	f.Add("عنوان", storyText, 3, 400)
	f.Add("", "", 0, 0)
	f.Add("x", "\xff<b>نص</b>. 🔴", 1, 5)
	f.Fuzz(func(t *testing.T, title, text string, n, chars int) {
		opt := summary.Options{MaxSentences: n % 10, MaxChars: chars % 2000}
		got := summarize(title, text, opt)
		if !utf8.ValidString(got) {
			t.Fatalf("invalid UTF-8: %q", got)
		}
		if max := opt.MaxChars; max > 0 && utf8.RuneCountInString(got) > max {
			t.Fatalf("%d runes over budget %d: %q", utf8.RuneCountInString(got), max, got)
		}
		_ = summarizeStory(title, []string{text, title}, opt)
	})
}

func BenchmarkSummarize(b *testing.B) {
	text := strings.Repeat(storyText+"\n", 8) // about 600 words
	for b.Loop() {
		summarize(storyTitle, text, summary.Options{})
	}
}
