package render_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ajel-news/ajel/bot/render"
	"github.com/ajel-news/ajel/bot/texts"
	"github.com/ajel-news/ajel/internal/textcut"
	"github.com/ajel-news/ajel/news"
)

// Intervals are said as Arabic counts them, to the second under a minute
// and to the minute above.
func TestDuration(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{0, "ثانية"}, {time.Second, "ثانية"}, {2 * time.Second, "ثانيتين"}, {5 * time.Second, "5 ثوانٍ"},
		{45 * time.Second, "45 ثانية"}, {time.Minute, "دقيقة"}, {150 * time.Second, "دقيقتين و30 ثانية"},
		{11 * time.Minute, "11 دقيقة"}, {time.Hour, "ساعة"}, {2*time.Hour + 3*time.Minute, "ساعتين و3 دقائق"},
		{48 * time.Hour, "48 ساعة"}, {100 * time.Hour, "100 ساعة"},
	} {
		if got := renderer.Duration(tc.d); got != tc.want {
			t.Errorf("Duration(%s) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

// Replies that count agree with their number, and outside strings in them
// are escaped and quoted.
func TestRepliesWithValues(t *testing.T) {
	loc := time.FixedZone("Asia/Damascus", 3*3600)
	r := render.New(texts.Arabic(), loc)
	for _, tc := range []struct{ got, want string }{
		{r.TooMany(50), "(50 اشتراكًا)"},
		{r.KeywordTooLong(64), "الحدّ الأقصى 64 حرفًا."},
		{r.LimitSet(1), "يصلك من الآن خبر واحد في الساعة"},
		{r.LimitCurrent(2), "الحدّ الحالي: خبران في الساعة"},
		{r.ListLimit(5), "الحدّ: 5 أخبار في الساعة"},
		{r.ChannelDeleted("@news", 3), "(3 موضوعات)"},
		{r.SubscribedKeyword("<b>x</b>"), "«\u2068&lt;b&gt;x&lt;/b&gt;\u2069»"},
		{r.Muted("كرة <القدم>"), "<code>/unmute كرة &lt;القدم&gt;</code>"},
		{r.QuietSet(news.QuietHours{From: 22, To: 7}), "من 22:00 إلى 07:00 بتوقيت «\u2068Asia/Damascus\u2069»"},
		{r.QuietSet(news.QuietHours{From: 22, To: 7}), "يصلك عند 07:00."},
		{r.Following(), "لمدة 48 ساعة."},
		{r.NoFollows(), "اضغط «🔔 تابِع الخبر» تحت"},
		{r.Stats(render.Stats{Chats: 3, DatabaseBytes: 3 << 20, PrunedDeliveries: 2, PrunedArticles: 11}),
			"قاعدة البيانات: 3.0 ميغابايت، وحُذف منذ التشغيل رسالتان قديمتان و11 خبرًا قديمًا"},
		{r.Stats(render.Stats{PaidEnabled: true, PaidSent: 25}), "البث المدفوع (مفعّل): 25 رسالة، نحو 2.5 نجمة"},
		{r.Settings(news.Chat{MaxPerHour: 10, Quiet: news.QuietHours{From: 23, To: 6}}), "🌙 ساعات الهدوء: 23:00–06:00 (Asia/Damascus) · /quiet\n⏱ حدّ الأخبار: 10 أخبار في الساعة"},
	} {
		if !strings.Contains(tc.got, tc.want) {
			t.Errorf("%q does not contain %q", tc.got, tc.want)
		}
	}
}

// /feeds says why a feed is polled when it is, in words.
func TestFeedBlock(t *testing.T) {
	f := news.Feed{ID: 7, Title: "وكالة <الأنباء>", URL: "https://a.example/rss?x=1&y=2", Failures: 2,
		LastError: "HTTP 503", Interval: 90 * time.Second, PollReason: news.PollRecent,
		Held: news.HeldItems{Old: 1, Language: 2}, WebSub: news.WebSubStatus{State: news.WebSubPending}}
	got := renderer.Feed(f)
	for _, want := range []string{
		"<b>#7</b> وكالة &lt;الأنباء&gt;\nhttps://a.example/rss?x=1&amp;y=2\nآخر نجاح: لم يحدث بعد · إخفاقات متتالية: 2",
		"\nآخر خطأ: HTTP 503 (لم يحدث بعد)",
		"حُفظ 3 أخبار دون إرسال (1 تاريخها قديم، 2 بغير العربية",
		"\nيُحدَّث كل دقيقة و30 ثانية: نشر في الساعة الأخيرة",
		"\nWebSub: طُلب الاشتراك",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("%q does not contain %q", got, want)
		}
	}
}

// An import's summary is one message, however many outlines were refused
// and however long their addresses.
func TestImportReportFitsOneMessage(t *testing.T) {
	r := render.New(texts.Arabic(), nil)
	var rep news.ImportReport
	for i := range 300 {
		rep.Refused = append(rep.Refused, news.ImportRefusal{URL: fmt.Sprintf("https://%d.example/%s", i, strings.Repeat("ب", 2000)),
			Err: &news.FeedOptionError{Key: "country", Value: strings.Repeat("x", 500)}})
	}
	for i := range 1000 {
		rep.Added = append(rep.Added, news.Feed{ID: int64(i)})
	}
	text := r.ImportReport(rep)
	if n := textcut.Len16(text); n > render.MaxMessageLen {
		t.Fatalf("%d UTF-16 units", n)
	}
	if !strings.Contains(text, "280") || !strings.Contains(text, "1000 مصدر") {
		t.Errorf("the rest not counted, or the added not said:\n%s", text)
	}
}
