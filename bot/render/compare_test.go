package render_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ajel-news/ajel/bot/render"
	"github.com/ajel-news/ajel/bot/texts"
	"github.com/ajel-news/ajel/news"
)

// damascus is the operator's TIMEZONE in these tests.
var damascus = time.FixedZone("Asia/Damascus", 3*3600)

func TestComparison(t *testing.T) {
	r := render.New(texts.Arabic(), damascus)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, damascus)
	st := news.StoryTellings{
		Story:   news.Story{ID: 7, Title: "زلزال بقوة 5.8 درجات يضرب شمال غرب سوريا"},
		Outlets: 3,
		Tellings: []news.Telling{
			{Outlet: "وكالة الخبر", Title: "زلزال يضرب شمال غرب سوريا", URL: "https://wire.example/q?a=1&b=2",
				PublishedAt: now.Add(-90 * time.Minute), Differs: []string{"5.8 درجات"}},
			{Outlet: "الشام <اليوم>", Title: "هزة أرضية \u202eفي حلب", URL: "javascript:alert(1)",
				PublishedAt: now.Add(-12 * time.Minute), Differs: []string{"6.1 درجة", "حلب"}},
			{Outlet: "Reuters", Title: "Earthquake hits north-west Syria", URL: "https://reuters.example/q",
				PublishedAt: now.Add(-13 * time.Hour)}, // yesterday, in Damascus
		},
	}
	html := r.Comparison(st, now)
	got := visible(t, html)
	want := "🧭 كيف نقلتها المصادر · 3 مصادر\nزلزال بقوة \u20685.8\u2069 درجات يضرب شمال غرب سوريا\n\n" +
		"1. وكالة الخبر · قبل ساعة · الرابط\nزلزال يضرب شمال غرب سوريا\n🔸 \u20685.8\u2069 درجات\n\n" +
		"2. الشام <اليوم> · قبل 12 دقيقة\nهزة أرضية في حلب\n🔸 \u20686.1\u2069 درجة · حلب\n\n" +
		"3. \u2068Reuters\u2069 · \u20682026-02-28 23:00\u2069 · الرابط\nEarthquake hits north-west Syria\n\n" +
		"🔸 رقم أو مكان ترويه المصادر الأخرى بغير ما يرويه هذا المصدر."
	if got != want {
		t.Errorf("comparison:\n%s\nwant:\n%s", got, want)
	}
	mustContain(t, html, `<a href="https://wire.example/q?a=1&amp;b=2">الرابط</a>`, "<b>الشام &lt;اليوم&gt;</b>")
	if strings.Contains(html, "javascript:") || strings.Contains(html, "\u202e") {
		t.Errorf("a javascript: link or a bidi override got through:\n%s", html)
	}

	// One outlet so far: it says so; nothing is marked.
	alone := r.Comparison(news.StoryTellings{Story: st.Story, Outlets: 1, Tellings: st.Tellings[:1]}, now)
	mustContain(t, visible(t, alone), "مصدر واحد", "لم ينقل هذا الخبر حتى الآن إلا هذا المصدر")
}

// tellings are n outlets' tellings of one story, each headline long.
func tellings(n int, now time.Time) news.StoryTellings {
	st := news.StoryTellings{Story: news.Story{ID: 1, Title: "انفجار سيارة مفخخة قرب سوق شعبي في مدينة حمص صباح اليوم"}, Outlets: n}
	for i := range n {
		st.Tellings = append(st.Tellings, news.Telling{
			Outlet: fmt.Sprintf("الوكالة العربية للأنباء رقم %d", i+1),
			Title: strings.Repeat("انفجار سيارة مفخخة قرب سوق شعبي في حمص ومقتل أشخاص وإصابة آخرين ", 2+i%3) +
				fmt.Sprint(i),
			URL:         fmt.Sprintf("https://outlet%d.example/news/2026/03/01/homs-car-bomb-%d?utm_source=rss", i, i),
			PublishedAt: now.Add(-time.Duration(n-i) * time.Minute),
			Differs:     []string{fmt.Sprintf("%d قتلى", 4+i%5), "حمص"},
		})
	}
	return st
}

// A story 40 outlets told stays one message within Telegram's limit: the
// longest headlines are shortened, then the last outlets are left out and
// counted.
func TestComparisonOfFortyOutlets(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, n := range []int{10, 40, 100} {
		st := tellings(n, now)
		got := visible(t, renderer.Comparison(st, now))
		if l := utf16Len(got); l > render.MaxMessageLen {
			t.Fatalf("%d outlets: %d UTF-16 units", n, l)
		}
		shown := strings.Count(got, "الوكالة العربية للأنباء رقم")
		mustContain(t, got, "1. \u2068الوكالة العربية للأنباء رقم 1\u2069 · ")
		if shown == n {
			if strings.Contains(got, "لا تظهر هنا") || strings.Contains(got, "لا يظهر هنا") {
				t.Errorf("%d outlets, all shown, and yet some said left out", n)
			}
			continue
		}
		more := texts.Arabic().Count(texts.Arabic().CompareMore, n-shown)
		mustContain(t, got, more)
		t.Logf("%d outlets: %d shown, %q, %d UTF-16 units", n, shown, more, utf16Len(got))
	}
	// Only the storage's limit was read, but more outlets told it.
	st := tellings(3, now)
	st.Outlets = 45
	mustContain(t, visible(t, renderer.Comparison(st, now)), "و42 مصدرًا آخر لا يظهر هنا")
}

// BenchmarkComparison reports the size of the comparison message of a
// story told by 10 and by 40 outlets — headlines of one clause (69
// characters, as most are) and long ones of 2–4 clauses (130–260), links
// of 80 characters, two facts marked each — in UTF-16 units as Telegram
// counts them, and the time to write it.
func BenchmarkComparison(b *testing.B) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		outlets int
		long    bool
	}{{10, false}, {10, true}, {40, false}, {40, true}} {
		b.Run(fmt.Sprintf("outlets=%d,long=%v", tc.outlets, tc.long), func(b *testing.B) {
			st := tellings(tc.outlets, now)
			for i := range st.Tellings {
				if !tc.long {
					st.Tellings[i].Title = "انفجار سيارة مفخخة قرب سوق شعبي في حمص ومقتل أشخاص وإصابة آخرين " + fmt.Sprint(i)
				}
			}
			var html string
			for b.Loop() {
				html = renderer.Comparison(st, now)
			}
			plain := render.StripTags(html)
			b.ReportMetric(float64(utf16Len(plain)), "chars")
			b.ReportMetric(float64(len(html)), "html-bytes")
			b.ReportMetric(float64(strings.Count(plain, "الوكالة العربية للأنباء رقم")), "outlets-shown")
		})
	}
}

// Times in a comparison are relative today, in TIMEZONE; an outlet's clock
// a little ahead of ours reads "now".
func TestAgo(t *testing.T) {
	r := render.New(texts.Arabic(), damascus)
	now := time.Date(2026, 3, 1, 1, 30, 0, 0, damascus)
	for _, tc := range []struct {
		t    time.Time
		want string
	}{
		{now.Add(-20 * time.Second), "الآن"},
		{now.Add(90 * time.Second), "الآن"},
		{now.Add(-time.Minute), "قبل دقيقة"},
		{now.Add(-2 * time.Minute), "قبل دقيقتين"},
		{now.Add(-3 * time.Minute), "قبل 3 دقائق"},
		{now.Add(-59 * time.Minute), "قبل 59 دقيقة"},
		{now.Add(-90 * time.Minute), "قبل ساعة"},
		{now.Add(-2 * time.Hour), "\u20682026-02-28 23:30\u2069"}, // yesterday in Damascus
		{now.Add(10 * time.Minute), "\u20682026-03-01 01:40\u2069"},
		{time.Time{}, "لم يحدث بعد"},
	} {
		if got := r.Ago(tc.t, now); got != tc.want {
			t.Errorf("%s before %s: %q, want %q", now.Sub(tc.t), now, got, tc.want)
		}
	}
}
