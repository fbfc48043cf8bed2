package analyze_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ajel-news/ajel/analyze"
	"github.com/ajel-news/ajel/internal/textcut"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/topic"
)

func newAnalyzer(t testing.TB) *analyze.Analyzer {
	t.Helper()
	c, err := topic.Load("")
	if err != nil {
		t.Fatal(err)
	}
	return analyze.New(c, analyze.Options{})
}

func TestAnalyzeAnArticle(t *testing.T) {
	an := newAnalyzer(t)
	an.SetKeywords([]string{"ادلب", "حلب"})
	a, err := an.Analyze(news.Article{
		Source: " newsroom ", Key: "a1", URL: "https://example.com/a1",
		Title: "عاجل: قصف على إدلب",
		Text: "<p>إدلب - (رويترز) - قتل خمسة أشخاص في قصف على مدينة إدلب السورية.</p><p>شارك هذا المقال</p>" +
			"<p>وقال الدفاع المدني إن الحصيلة مرشحة للارتفاع.</p>",
	})
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != "قصف على إدلب" || !a.Breaking || a.Source != "newsroom" {
		t.Errorf("title %q breaking %v source %q", a.Title, a.Breaking, a.Source)
	}
	if strings.Contains(a.Text, "شارك") || strings.Contains(a.Text, "<p>") || strings.Contains(a.Text, "رويترز") {
		t.Errorf("text not cleaned: %q", a.Text)
	}
	if !strings.HasPrefix(a.Summary, "قتل خمسة أشخاص في قصف على مدينة إدلب السورية.") {
		t.Errorf("summary %q, want the lead first", a.Summary)
	}
	if !slices.Contains(a.Topics, "syria") || !slices.Equal(a.Keywords, []string{"ادلب"}) {
		t.Errorf("topics %q keywords %q", a.Topics, a.Keywords)
	}
	// Each word in matching form, then its stem when it differs.
	if !strings.HasPrefix(a.SearchText, "قصف علي عل ادلب ") || !strings.Contains(a.SearchText, " السوريه سور ") {
		t.Errorf("search text %q", a.SearchText)
	}
	// The search side finds the article by its stems.
	for _, term := range analyze.SearchTerms("السوريين في إدلب") {
		if !strings.Contains(" "+a.SearchText+" ", " "+term+" ") {
			t.Errorf("query term %q is not in the search text", term)
		}
	}
}

func TestAnalyzeChecksAndLimits(t *testing.T) {
	longTitle := strings.Repeat("كلمة ", 400)
	var huge strings.Builder
	for i := range 8000 {
		fmt.Fprintf(&huge, "سطر رقم %d من النص الطويل جدا.\n", i) // ~ 400 KB in all
	}
	hugeText := huge.String()
	tests := []struct {
		name    string
		in      news.Article
		wantErr error
		check   func(t *testing.T, a news.Article)
	}{
		{name: "no title and no text", in: news.Article{Key: "x"}, wantErr: news.ErrInvalid},
		{name: "title of only punctuation and no text", in: news.Article{Key: "x", Title: "؟!… -- «»", Text: "<p> </p>"}, wantErr: news.ErrInvalid},
		{name: "no title takes the first sentence", in: news.Article{Key: "x", Text: "انفجار في المرفأ. وسقط جرحى."}, check: func(t *testing.T, a news.Article) {
			if a.Title != "انفجار في المرفأ." || a.Text != "وسقط جرحى." {
				t.Errorf("title %q text %q", a.Title, a.Text)
			}
		}},
		{name: "title of only markup", in: news.Article{Key: "x", Title: "<b> </b>", Text: "انفجار في المرفأ. وسقط جرحى."}, check: func(t *testing.T, a news.Article) {
			if a.Title != "انفجار في المرفأ." {
				t.Errorf("title %q", a.Title)
			}
		}},
		{name: "title of only punctuation", in: news.Article{Key: "x", Title: "...!!!", Text: "انفجار في المرفأ. وسقط جرحى."}, check: func(t *testing.T, a news.Article) {
			if a.Title != "انفجار في المرفأ." || a.Text != "وسقط جرحى." || a.Breaking {
				t.Errorf("title %q text %q breaking %v", a.Title, a.Text, a.Breaking)
			}
		}},
		{name: "no key", in: news.Article{Title: "عنوان"}, wantErr: news.ErrInvalid},
		{name: "title only", in: news.Article{Key: "x", Title: "عنوان فقط"}, check: func(t *testing.T, a news.Article) {
			if a.Summary != "" || a.Text != "" {
				t.Errorf("summary %q text %q", a.Summary, a.Text)
			}
		}},
		{name: "long title cut at a word", in: news.Article{Key: "x", Title: longTitle}, check: func(t *testing.T, a news.Article) {
			if n := textcut.Len16(a.Title); n > analyze.MaxTitleChars || !strings.HasSuffix(a.Title, "كلمة…") {
				t.Errorf("title of %d units ends %q", n, a.Title[len(a.Title)-20:])
			}
		}},
		{name: "huge text truncated", in: news.Article{Key: "x", Title: "t", Text: hugeText}, check: func(t *testing.T, a news.Article) {
			if len(a.Text) > analyze.MaxTextBytes || len(a.Text) < analyze.MaxTextBytes*3/4 {
				t.Errorf("text of %d bytes", len(a.Text))
			}
			if textcut.Len16(a.Summary) > 400 {
				t.Errorf("summary of %d units", textcut.Len16(a.Summary))
			}
		}},
		{name: "marker-only title takes the first sentence", in: news.Article{Key: "x", Title: "عاجل", Text: "انفجار في المرفأ. وسقط جرحى."}, check: func(t *testing.T, a news.Article) {
			if a.Title != "انفجار في المرفأ." || a.Text != "وسقط جرحى." || !a.Breaking {
				t.Errorf("title %q text %q breaking %v", a.Title, a.Text, a.Breaking)
			}
		}},
		{name: "marker at the end", in: news.Article{Key: "x", Title: "انفجار في المرفأ - عاجل", Text: "نص."}, check: func(t *testing.T, a news.Article) {
			if !a.Breaking {
				t.Errorf("%q is not breaking", a.Title)
			}
		}},
		{name: "body repeating the title is dropped", in: news.Article{Key: "x", Title: "وزير يستقيل", Text: "<p>وزير  يستقيل</p>"}, check: func(t *testing.T, a news.Article) {
			if a.Text != "" || a.Summary != "" {
				t.Errorf("text %q summary %q", a.Text, a.Summary)
			}
		}},
		{name: "given summary and topics kept", in: news.Article{Key: "x", Title: "خبر عن سوريا", Text: "نص.", Summary: "ملخص المحرر", Topics: []string{"economy"}}, check: func(t *testing.T, a news.Article) {
			if a.Summary != "ملخص المحرر" || len(a.Topics) < 2 || a.Topics[0] != "economy" || !slices.Contains(a.Topics, "syria") {
				t.Errorf("summary %q topics %q", a.Summary, a.Topics)
			}
		}},
	}
	an := newAnalyzer(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := an.Analyze(tc.in)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, a)
		})
	}
}

func TestSetKeywords(t *testing.T) {
	an := newAnalyzer(t)
	art := news.Article{Key: "k", Title: "زلزال في حلب"}
	if a, _ := an.Analyze(art); len(a.Keywords) != 0 {
		t.Fatalf("keywords %q before any were set", a.Keywords)
	}
	an.SetKeywords([]string{"حلب", "حلب", "بيروت"})
	if a, _ := an.Analyze(art); !slices.Equal(a.Keywords, []string{"حلب"}) {
		t.Errorf("keywords %q, want حلب", a.Keywords)
	}
	an.SetKeywords(nil)
	if a, _ := an.Analyze(art); len(a.Keywords) != 0 {
		t.Errorf("keywords %q after the set was emptied", a.Keywords)
	}
}

func BenchmarkAnalyzeKeywordFanOut(b *testing.B) {
	keywords := make([]string, 5000)
	for i := range keywords {
		keywords[i] = fmt.Sprintf("كلمة%d", i)
	}
	an := newAnalyzer(b)
	an.SetKeywords(keywords)
	text := strings.Repeat("نص الخبر مع كلمة42 وكلمات أخرى كثيرة. ", 50)
	for b.Loop() {
		if _, err := an.Analyze(news.Article{Key: "k", Title: "عنوان", Text: text}); err != nil {
			b.Fatal(err)
		}
	}
}

// Descriptions real feeds send that hold no story give a push of the
// headline alone, never an error and never junk; the item is stored and
// searchable all the same.
func TestAnalyzeDescriptionsWithoutAStory(t *testing.T) {
	const title = "حريق في مستودع للوقود قرب الميناء"
	tests := []struct {
		name, text  string
		placeholder bool
		summary     string // "" for the headline alone
		search      string // a word /search must find ("" for none)
	}{
		{name: "empty", text: ""},
		{name: "only a link", text: `<a href="https://example.com/news/7">https://example.com/news/7</a>`},
		{name: "only an image", text: `<p><a href="https://example.com/news/7"><img src="https://example.com/7.jpg" alt=""></a></p>`},
		{name: "only a placeholder", text: "التفاصيل بعد قليل..", placeholder: true},
		{name: "the headline and a placeholder", text: title + " - التفاصيل تباعاً", placeholder: true},
		{name: "html entity soup", text: "&amp;lt;p&amp;gt;اندلع الحريق &amp;quot;فجر اليوم&amp;quot; في مستودع للوقود.&amp;lt;/p&amp;gt;&amp;nbsp;",
			summary: "اندلع الحريق \"فجر اليوم\" في مستودع للوقود.", search: "مستودع"},
		{name: "an english description", text: "A fire broke out at a fuel depot near the port at dawn. Firefighters are at the scene.",
			search: "firefighters"},
	}
	an := newAnalyzer(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := news.Article{Key: "k", Title: title, Text: tc.text}
			a, err := an.Analyze(in)
			if err != nil {
				t.Fatal(err)
			}
			if a.Title != title || a.Summary != tc.summary {
				t.Errorf("title %q summary %q, want %q", a.Title, a.Summary, tc.summary)
			}
			if tc.search != "" && !strings.Contains(" "+a.SearchText+" ", " "+tc.search+" ") {
				t.Errorf("search text %q lacks %q", a.SearchText, tc.search)
			}
			sc := analyze.Screen(in)
			if !sc.Arabic || sc.Placeholder != tc.placeholder {
				t.Errorf("screening %+v, want Arabic, placeholder %v", sc, tc.placeholder)
			}
		})
	}
}

// What the feed says of an item reaches its topics: its category, its
// link's section, its feed's country.
func TestAnalyzeReadsWhatTheFeedSays(t *testing.T) {
	an := newAnalyzer(t)
	const title, text = "خطة جديدة للعام المقبل", "عرض المسؤولون الخطة في لقاء مع الصحفيين."
	tests := []struct {
		name string
		a    news.Article
		want []string
	}{
		{"a category", news.Article{Categories: []string{"رياضة"}}, []string{"sports"}},
		{"the link's section", news.Article{URL: "https://news.example/culture/2026/5/1/slug"}, []string{"culture"}},
		{"the feed's country", news.Article{FeedCountry: "jordan"}, []string{"jordan"}},
		{"nothing", news.Article{}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := tc.a
			a.Key, a.Title, a.Text = "k", title, text
			got, err := an.Analyze(a)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Topics, tc.want) {
				t.Errorf("topics %q, want %q", got.Topics, tc.want)
			}
		})
	}
}

func TestScreen(t *testing.T) {
	tests := []struct {
		name string
		in   news.Article
		want news.Screening
	}{
		{"arabic", news.Article{Title: "حريق في مستودع للوقود قرب الميناء", Text: "اندلع الحريق فجر اليوم."}, news.Screening{Arabic: true}},
		{"english", news.Article{Title: "Fire at a fuel depot near the port", Text: "A fire broke out at dawn."}, news.Screening{}},
		{"french", news.Article{Title: "Incendie dans un dépôt de carburant", Text: "Un incendie s'est déclaré à l'aube."}, news.Screening{}},
		{"persian", news.Article{Title: "آتش\u200cسوزی در انبار سوخت نزدیک بندر", Text: "آتش\u200cسوزی بامداد امروز رخ داد."}, news.Screening{}},
		{"short headline: the text tells", news.Article{Title: "NBA", Text: "فاز سبيرز على بولز في مباراة مثيرة الليلة الماضية."}, news.Screening{Arabic: true}},
		{"breaking placeholder", news.Article{Title: "عاجل: انفجار في المرفأ", Text: "التفاصيل بعد قليل"}, news.Screening{Arabic: true, Breaking: true, Placeholder: true}},
		{"placeholder in the headline", news.Article{Title: "انفجار في المرفأ.. التفاصيل تباعا"}, news.Screening{Arabic: true, Placeholder: true}},
		{"breaking from the feed", news.Article{Title: "انفجار في المرفأ", Text: "سقط جرحى في الانفجار.", Breaking: true}, news.Screening{Arabic: true, Breaking: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := analyze.Screen(tc.in); got != tc.want {
				t.Errorf("Screen = %+v, want %+v", got, tc.want)
			}
		})
	}
}

// Feeds at their worst, through the whole path: the article is kept (no
// error), and no place or section is made up.
func TestAnalyzeBadInputTopics(t *testing.T) {
	an := newAnalyzer(t)
	for _, tc := range []struct {
		name, title, text string
		want              []string
	}{
		{"an empty description", "حريق في سوق بمدينة حلب", "", []string{"syria"}},
		{"an English description under an Arabic headline", "اجتماع وزاري في بغداد لبحث المياه",
			"<p>Ministers met in the capital to discuss water sharing and the coming dry season.</p>", []string{"iraq"}},
		{"a title of only punctuation", "؟!… — «»", "", nil},
		{"HTML-entity soup", "&amp;amp;&#x202E;&lt;b&gt;", "&lt;p&gt;&amp;nbsp;&#8203;&#8203;&amp;lt;/p&amp;gt; &quot;&quot; &#0; ;;&&", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := an.Analyze(news.Article{Key: "k", Title: tc.title, Text: tc.text})
			if err != nil {
				if errors.Is(err, news.ErrInvalid) && tc.want == nil {
					return // a title with nothing in it is refused, clearly
				}
				t.Fatal(err)
			}
			var places []string
			for _, s := range a.Topics {
				if tp, _ := topic.Embedded().BySlug(s); tp.Kind == news.TopicPlace {
					places = append(places, s)
				}
			}
			if !slices.Equal(places, tc.want) {
				t.Errorf("places %q (topics %q), want %q", places, a.Topics, tc.want)
			}
			if tc.want == nil && len(a.Topics) > 0 {
				t.Errorf("topics %q from nothing", a.Topics)
			}
		})
	}
}
