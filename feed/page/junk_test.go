package page_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ajel-news/ajel/feed"
	"github.com/ajel-news/ajel/feed/page"
	"github.com/ajel-news/ajel/news"
)

// A page whose story is surrounded by what news sites put around one:
// named blocks (a consent banner, a newsletter box, a share bar, a "most
// read" list, a related-stories box, a modal) and unnamed ones (a cookie
// sentence glued to the story's first paragraph, a share row, a list
// under a plain heading). Only the story's sentences come out.
func TestFetchPageKeepsOnlyTheStory(t *testing.T) {
	body := `<!doctype html><html lang="ar"><head><meta charset="utf-8"><title>` + pageTitle + `</title></head><body>
<div class="cc-window cookie-consent"><p>نستخدم ملفات تعريف الارتباط لتحسين تجربتك على موقعنا. بمتابعة التصفح فإنك توافق على ذلك.</p><button>موافق</button></div>
<div role="dialog" aria-modal="true"><p>We use cookies to improve your experience. Accept all?</p></div>
<article class="post share-enabled"><h1>` + pageTitle + `</h1>
<div class="social-share"><a>فيسبوك</a> <a>تويتر</a> <a>واتساب</a></div>
<p>نستخدم ملفات تعريف الارتباط لتحسين تجربتك. افتتحت السلطات المصرية صباح اليوم جسرا جديدا فوق نهر النيل في مدينة أسوان، بعد ثلاث سنوات من العمل المتواصل.</p>
<p>ويبلغ طول الجسر نحو كيلومترين، ويربط ضفتي النهر بأربع حارات للسيارات وممر للمشاة والدراجات.</p>
<div class="newsletter-box"><h3>النشرة البريدية</h3><p>اشترك في نشرتنا ليصلك أهم الأخبار كل صباح.</p></div>
<p>وقال محافظ أسوان إن الجسر سيختصر زمن الرحلة بين شرق المدينة وغربها من ساعة إلى عشر دقائق، وسيخفف الزحام عن العبّارات القديمة.</p>
<p>شارك: فيسبوك تويتر واتساب تلغرام</p>
<p>وأضاف أن كلفة المشروع بلغت نحو مليار جنيه، وأن شركات محلية نفذته بالكامل، وعمل فيه أكثر من ألفي عامل.</p>
<p>سجّل بريدك الإلكتروني لتصلك النشرة الإخبارية اليومية.</p>
<h3>الأكثر قراءة</h3>
<p>ارتفاع أسعار الذهب في السوق المحلية</p>
<p>منتخب الشباب يتأهل إلى النهائي</p>
</article>
<aside class="most-read"><h2>Most read</h2><ul><li>انقطاع الكهرباء عن حي كامل</li><li>إغلاق طريق الكورنيش</li></ul></aside>
<div class="related-posts"><a>مشروع جسر آخر في الأقصر</a></div>
</body></html>`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, body)
	}))
	defer srv.Close()
	p, err := page.NewReader(feed.NewFetcher(feed.Options{AllowPrivate: true}), page.Options{}).Fetch(t.Context(), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if err := page.Check(p, pageTitle, pageTeaser); err != nil {
		t.Fatalf("Check: %v\n%s", err, p.Text)
	}
	want := []string{"افتتحت السلطات المصرية صباح اليوم جسرا جديدا", "ويبلغ طول الجسر نحو كيلومترين",
		"وقال محافظ أسوان", "وأضاف أن كلفة المشروع"}
	for _, w := range want {
		if !strings.Contains(p.Text, w) {
			t.Errorf("the story's %q is missing:\n%s", w, p.Text)
		}
	}
	for _, junk := range []string{"تعريف الارتباط", "cookies", "نشرتنا", "النشرة", "فيسبوك", "الأكثر قراءة",
		"أسعار الذهب", "منتخب الشباب", "انقطاع الكهرباء", "Most read", "الأقصر", "بريدك"} {
		if strings.Contains(p.Text, junk) {
			t.Errorf("%q is not the story:\n%s", junk, p.Text)
		}
	}
	if body := strings.TrimPrefix(p.Text, pageTitle+"\n"); !strings.HasPrefix(body, "افتتحت السلطات") {
		t.Errorf("the text opens with something else than the headline and the story:\n%s", p.Text)
	}
}

// A page that is only a consent wall gives nothing, in either language,
// and the item keeps its teaser.
func TestConsentWallKeepsTheTeaser(t *testing.T) {
	walls := map[string]string{
		"arabic, named": `<div id="consent"><h2>خصوصيتك تهمنا</h2><p>نستخدم ملفات تعريف الارتباط وتقنيات مشابهة لتحسين تجربتك على موقعنا وتحليل الزيارات وتخصيص المحتوى والإعلانات. بمتابعة التصفح فإنك توافق على استخدامنا لهذه الملفات وفق سياسة الخصوصية الخاصة بنا.</p>
<p>يمكنك في أي وقت تغيير اختياراتك أو سحب موافقتك من صفحة إعدادات الخصوصية، كما يمكنك رفض الملفات غير الضرورية مع بقاء الموقع يعمل بالملفات الضرورية لتشغيله فقط دون غيرها.</p></div>`,
		"english, unnamed": `<div><p>We use cookies and similar technologies to improve your experience on our site, to analyse traffic and to personalise content and ads. By continuing to browse you agree to our use of cookies as described in our privacy policy.</p>
<p>You can change your choices or withdraw your consent at any time from the privacy settings page, and you may refuse the cookies that are not needed while the site keeps working with the ones that are.</p></div>`,
	}
	for name, wall := range walls {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprint(w, `<!doctype html><html><head><meta charset="utf-8"><title>`+pageTitle+`</title></head><body>`+wall+`</body></html>`)
			}))
			defer srv.Close()
			r := page.NewReader(feed.NewFetcher(feed.Options{AllowPrivate: true}), page.Options{Gap: 1})
			teaser := news.Article{Title: pageTitle, Text: pageTeaser, URL: srv.URL + "/story"}
			got, read, err := r.Complete(t.Context(), teaser, news.FullTextAuto)
			if !read || !errors.Is(err, feed.ErrNoText) && !errors.Is(err, feed.ErrNotTheStory) {
				t.Fatalf("read %v, err %v", read, err)
			}
			if got.Text != pageTeaser || got.Teaser != "" {
				t.Errorf("the teaser was not kept: text %q teaser %q", got.Text, got.Teaser)
			}
		})
	}
}
