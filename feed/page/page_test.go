package page_test

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ajel-news/ajel/feed"
	"github.com/ajel-news/ajel/feed/page"
	"github.com/ajel-news/ajel/news"
	"golang.org/x/text/encoding/charmap"
)

// The story our article pages tell, written for these tests.
const (
	pageTitle  = "افتتاح جسر جديد فوق نهر النيل في أسوان"
	pageTeaser = "افتتحت السلطات المصرية اليوم جسرا جديدا فوق نهر النيل في مدينة أسوان…"
	pageBody   = `<p>افتتحت السلطات المصرية صباح اليوم جسرا جديدا فوق نهر النيل في مدينة أسوان، بعد ثلاث سنوات من العمل المتواصل.</p>
<p>ويبلغ طول الجسر نحو كيلومترين، ويربط ضفتي النهر بأربع حارات للسيارات وممر للمشاة والدراجات.</p>
<p>وقال محافظ أسوان إن الجسر سيختصر زمن الرحلة بين شرق المدينة وغربها من ساعة إلى عشر دقائق، وسيخفف الزحام عن العبّارات القديمة.</p>
<p>وأضاف أن كلفة المشروع بلغت نحو مليار جنيه، وأن شركات محلية نفذته بالكامل، وعمل فيه أكثر من ألفي عامل.</p>
<p>ويتوقع مسؤولون أن يعبر الجسر أكثر من عشرين ألف سيارة يوميا في عامه الأول.</p>`
)

func articlePage(body, head string) string {
	return `<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>` + pageTitle + `</title>` + head + `</head>
<body><nav><a href="/">الرئيسية</a> <a href="/politics">سياسة</a> <a href="/economy">اقتصاد</a> <a href="/sport">رياضة</a></nav>
<article><h1>` + pageTitle + `</h1>` + body + `</article>
<footer>جميع الحقوق محفوظة</footer></body></html>`
}

// navigationPage is a site whose readable block is its menu and cookie
// banner, not the story (a consent wall in front of the article).
const navigationPage = `<!doctype html><html lang="ar"><head><meta charset="utf-8"><title>الموقع</title></head><body>
<div id="cookie-banner"><p>نستخدم ملفات تعريف الارتباط لتحسين تجربتك على موقعنا وتحليل الزيارات وتخصيص الإعلانات التي تراها. بمتابعة التصفح فإنك توافق على سياسة الخصوصية وشروط الاستخدام الخاصة بنا، ويمكنك تغيير إعداداتك في أي وقت من صفحة الإعدادات أو من إعدادات المتصفح نفسه.</p>
<p>اضغط على زر الموافقة للمتابعة إلى الموقع، أو اضغط على زر الإعدادات لاختيار أنواع الملفات التي تسمح بها، علما بأن بعض خدمات الموقع لا تعمل من دون هذه الملفات الضرورية لتشغيله.</p></div>
<ul><li><a href="/a">الأخبار العاجلة</a></li><li><a href="/b">المقالات</a></li><li><a href="/c">الفيديو</a></li></ul>
</body></html>`

func TestFetchPage(t *testing.T) {
	endless := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		chunk := bytes.Repeat([]byte("<p>كلام بلا نهاية "), 1000)
		for r.Context().Err() == nil {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}
	cp1256, _ := charmap.Windows1256.NewEncoder().String(articlePage(pageBody, ""))
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, articlePage(pageBody, `<meta property="og:image" content="https://img.example/bridge.jpg">`))
	})
	mux.HandleFunc("/twitter", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, articlePage(pageBody, `<meta name="twitter:image" content="https://img.example/tw.jpg">`))
	})
	mux.HandleFunc("/javascript-picture", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, articlePage(pageBody, `<meta property="og:image" content="javascript:alert(1)">`))
	})
	mux.HandleFunc("/cp1256", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=windows-1256")
		fmt.Fprint(w, cp1256)
	})
	mux.HandleFunc("/cp1256-meta", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, strings.Replace(cp1256, `charset="utf-8"`, `charset="windows-1256"`, 1))
	})
	mux.HandleFunc("/huge", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, articlePage(strings.Repeat(pageBody, 2000), ""))
	})
	mux.HandleFunc("/endless", endless)
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<html><body>")
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	})
	mux.HandleFunc("/pdf", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		fmt.Fprint(w, "%PDF-1.7\n...")
	})
	mux.HandleFunc("/png", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")) // no Content-Type: sniffed
	})
	mux.HandleFunc("/video", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, articlePage(`<video src="/v.mp4"></video><p>شاهد الفيديو</p>`, ""))
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop2", http.StatusFound) })
	mux.HandleFunc("/loop2", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	mux.HandleFunc("/gone", http.NotFound)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	f := page.NewReader(feed.NewFetcher(feed.Options{AllowPrivate: true}), page.Options{Timeout: 500 * time.Millisecond, MaxBytes: 1 << 20})
	tests := []struct {
		path    string
		want    error // nil: the story's text
		image   string
		message string
	}{
		{"/ok", nil, "https://img.example/bridge.jpg", ""},
		{"/twitter", nil, "https://img.example/tw.jpg", ""},
		{"/javascript-picture", nil, "", ""},
		{"/cp1256", nil, "", ""},
		{"/cp1256-meta", nil, "", ""},
		{"/huge", feed.ErrTooLarge, "", "feed: page larger than 1 MiB"},
		{"/endless", feed.ErrTooLarge, "", "feed: page larger than 1 MiB"},
		{"/slow", feed.ErrTimeout, "", "feed: page: no complete answer within 500ms"},
		{"/pdf", feed.ErrNotHTML, "", "feed: page is not HTML but application/pdf"},
		{"/png", feed.ErrNotHTML, "", "feed: page is not HTML but image/png"},
		{"/video", feed.ErrNoText, "", "feed: page has no main text"},
		{"/loop", feed.ErrTooManyRedirects, "", "feed: redirect loop"},
		{"/gone", feed.ErrHTTPStatus, "", "feed: server answered 404 Not Found"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			start := time.Now()
			p, err := f.Fetch(t.Context(), srv.URL+tt.path)
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("took %s", took) // the page bound is 500 ms; this only catches a hang
			}
			if tt.want != nil {
				if !errors.Is(err, tt.want) {
					t.Fatalf("err = %v, want %v", err, tt.want)
				}
				if !strings.Contains(err.Error(), tt.message) {
					t.Errorf("message %q, want it to contain %q", err.Error(), tt.message)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := page.Check(p, pageTitle, pageTeaser); err != nil {
				t.Errorf("Check: %v\ntext: %s", err, p.Text)
			}
			for _, want := range []string{"كيلومترين", "مليار جنيه", "عشرين ألف سيارة"} {
				if !strings.Contains(p.Text, want) {
					t.Errorf("text lacks %q:\n%s", want, p.Text)
				}
			}
			for _, nav := range []string{"الرئيسية", "جميع الحقوق"} {
				if strings.Contains(p.Text, nav) {
					t.Errorf("text carries the page's %q:\n%s", nav, p.Text)
				}
			}
			if p.Image != tt.image {
				t.Errorf("image %q, want %q", p.Image, tt.image)
			}
		})
	}
}

// loginWall is a page that asks for an account before the story.
const loginWall = `<!doctype html><html lang="ar"><head><meta charset="utf-8"><title>تسجيل الدخول</title></head><body>
<form><h2>هذا المحتوى للمشتركين فقط</h2><p>سجّل الدخول إلى حسابك لمتابعة القراءة، أو أنشئ حسابا جديدا مجانا في أقل من دقيقة واحصل على كل المقالات والنشرات اليومية والتحليلات الخاصة بالمشتركين في بريدك كل صباح.</p>
<p>البريد الإلكتروني وكلمة المرور مطلوبان، ويمكنك أيضا الدخول بحسابك في الشبكات الاجتماعية، وإذا نسيت كلمة المرور فاضغط على الرابط لاستعادتها عبر بريدك الإلكتروني المسجل لدينا.</p>
<input name="email"><input name="password" type="password"><button>دخول</button></form></body></html>`

func TestCheckPageRefusesWhatIsNotTheStory(t *testing.T) {
	for name, body := range map[string]string{"cookie banner and menu": navigationPage, "login wall": loginWall} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprint(w, body)
			}))
			defer srv.Close()
			f := page.NewReader(feed.NewFetcher(feed.Options{AllowPrivate: true}), page.Options{})
			p, err := f.Fetch(t.Context(), srv.URL)
			if err == nil {
				err = page.Check(p, pageTitle, pageTeaser)
			}
			if !errors.Is(err, feed.ErrNotTheStory) && !errors.Is(err, feed.ErrNoText) {
				t.Fatalf("err = %v, want ErrNotTheStory or ErrNoText (text %q)", err, p.Text)
			}
			if got := page.Failure(err); got != "not_the_story" && got != "no_text" {
				t.Errorf("Failure = %q", got)
			}
		})
	}
}

func TestIsTeaser(t *testing.T) {
	long := strings.Repeat("وقال المتحدث إن المفاوضات ستستأنف الأسبوع المقبل في العاصمة. ", 12)
	tests := []struct {
		name, title, text string
		want              bool
	}{
		{"headline again", pageTitle, pageTitle, true},
		{"one line", pageTitle, "افتتحت السلطات جسرا جديدا.", true},
		{"cut with an ellipsis", pageTitle, long + "وأضاف…", true},
		{"cut with [...]", pageTitle, long + "وأضاف [...]", true},
		{"read more", pageTitle, long + "Read more", true},
		{"اقرأ المزيد", pageTitle, long + "اقرأ المزيد »", true},
		{"a whole article", pageTitle, long, false},
		{"a short report, whole", pageTitle, "قال مسؤولون إن الطريق الجديد يختصر زمن الرحلة نحو نصف ساعة. وأضافوا أن العمل فيه استمر ستة أشهر، وأن الشاحنات ستسلك مسارا خاصا بها في ساعات الذروة.", false},
		{"a short report without its end", pageTitle, "قال مسؤولون إن الطريق الجديد يختصر زمن الرحلة نحو نصف ساعة. وأضافوا أن العمل فيه استمر ستة أشهر، وأن الشاحنات ستسلك مسارا خاصا بها في", true},
		{"one long sentence", pageTitle, "قال مسؤولون في وزارة النقل اليوم إن الطريق السريع الجديد بين العاصمة ومدينة حمص سيختصر زمن الرحلة نحو نصف ساعة ويخفف الازدحام على الطرق الفرعية القديمة.", true},
	}
	for _, tt := range tests {
		if got := page.IsTeaser(tt.title, tt.text); got != tt.want {
			t.Errorf("%s: IsTeaser = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestPageReaderCompletesTeasers(t *testing.T) {
	var hits int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		switch r.URL.Path {
		case "/nav":
			fmt.Fprint(w, navigationPage)
		default:
			fmt.Fprint(w, articlePage(pageBody, `<meta property="og:image" content="https://img.example/bridge.jpg">`))
		}
	}))
	defer srv.Close()
	r := page.NewReader(feed.NewFetcher(feed.Options{AllowPrivate: true}), page.Options{Gap: time.Millisecond})
	teaser := news.Article{Title: pageTitle, Text: pageTeaser, URL: srv.URL + "/story"}

	got, read, err := r.Complete(t.Context(), teaser, news.FullTextAuto)
	if err != nil || !read {
		t.Fatalf("read %v, err %v", read, err)
	}
	if !strings.Contains(got.Text, "مليار جنيه") || got.Teaser != pageTeaser || got.ImageURL != "https://img.example/bridge.jpg" {
		t.Errorf("completed: text %q, teaser %q, image %q", got.Text, got.Teaser, got.ImageURL)
	}
	withPicture := teaser
	withPicture.ImageURL = "https://img.example/feed.jpg"
	if got, _, _ := r.Complete(t.Context(), withPicture, news.FullTextAuto); got.ImageURL != "https://img.example/feed.jpg" {
		t.Errorf("the item's own picture was replaced by the page's: %q", got.ImageURL)
	}

	nav := teaser
	nav.URL = srv.URL + "/nav"
	got, read, err = r.Complete(t.Context(), nav, news.FullTextAuto)
	if !read || !errors.Is(err, feed.ErrNotTheStory) && !errors.Is(err, feed.ErrNoText) || got.Text != pageTeaser || got.Teaser != "" {
		t.Errorf("navigation page: read %v, err %v, text %q", read, err, got.Text)
	}

	hits = 0
	whole := news.Article{Title: pageTitle, Text: strings.Repeat("نص كامل طويل من المصدر نفسه. ", 30), URL: srv.URL + "/story"}
	if _, read, _ := r.Complete(t.Context(), whole, news.FullTextAuto); read || hits != 0 {
		t.Errorf("auto read the page of a whole article (read %v, %d requests)", read, hits)
	}
	if _, read, _ := r.Complete(t.Context(), teaser, news.FullTextNever); read || hits != 0 {
		t.Errorf("never read a page (read %v, %d requests)", read, hits)
	}
	if _, read, _ := r.Complete(t.Context(), whole, news.FullTextAlways); !read || hits != 1 {
		t.Errorf("always did not read the page (read %v, %d requests)", read, hits)
	}
}

// Two pages of one host are read one after the other, a gap apart; a
// page of another host does not wait for them.
func TestPageReaderIsPolitePerHost(t *testing.T) {
	slow, slowArrived := make(chan struct{}), make(chan struct{})
	var released, overlapped atomic.Bool
	a := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/slow":
			close(slowArrived)
			<-slow
		case "/next":
			overlapped.Store(!released.Load()) // asked while /slow was still being read
		}
		fmt.Fprint(w, articlePage(pageBody, ""))
	}))
	defer a.Close()
	b := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, articlePage(pageBody, ""))
	}))
	defer b.Close()
	// Both servers are on 127.0.0.1: "localhost" names the second host.
	bURL := strings.Replace(b.URL, "127.0.0.1", "localhost", 1)
	r := page.NewReader(feed.NewFetcher(feed.Options{AllowPrivate: true}), page.Options{Gap: 50 * time.Millisecond})

	firstDone := make(chan error, 1)
	go func() { _, err := r.Read(t.Context(), a.URL+"/slow"); firstDone <- err }()
	<-slowArrived // the slow page holds host a's turn
	otherHost := make(chan error, 1)
	go func() { _, err := r.Read(t.Context(), bURL+"/x"); otherHost <- err }()
	select {
	case err := <-otherHost:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(time.Minute):
		t.Fatal("a page of another host waited for the slow one")
	}
	sameHost := make(chan error, 1)
	go func() { _, err := r.Read(t.Context(), a.URL+"/next"); sameHost <- err }()
	select {
	case <-sameHost:
		t.Fatal("a second page of the slow host was read while the first was in flight")
	case <-time.After(100 * time.Millisecond): // time for a reader that does not wait to show it
	}
	released.Store(true)
	close(slow)
	for _, ch := range []chan error{firstDone, sameHost} {
		if err := <-ch; err != nil {
			t.Fatal(err)
		}
	}
	if overlapped.Load() {
		t.Error("host a was asked for a second page while the first was in flight")
	}
}

// Names reserved for examples and tests never resolve: no DNS is asked.
func TestFetchPageReservedNames(t *testing.T) {
	f := page.NewReader(feed.NewFetcher(feed.Options{}), page.Options{})
	for _, u := range []string{"https://news.example/a", "http://site.invalid/", "https://x.test/p"} {
		if _, err := f.Fetch(t.Context(), u); !errors.Is(err, feed.ErrBadURL) || !strings.Contains(err.Error(), "reserved name") {
			t.Errorf("%s: %v", u, err)
		}
	}
}

// Pages go through the feed fetcher's guard and say who reads them: a
// page on loopback is refused, and never reached, unless private
// addresses are allowed; a page read carries Ajel's User-Agent.
func TestFetchPageThroughTheFeedGuard(t *testing.T) {
	var hits atomic.Int32
	var agent atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		agent.Store(r.UserAgent())
		fmt.Fprint(w, articlePage(pageBody, ""))
	}))
	defer srv.Close()
	_, err := page.NewReader(feed.NewFetcher(feed.Options{}), page.Options{}).Fetch(t.Context(), srv.URL)
	if !errors.Is(err, feed.ErrPrivateAddress) || page.Failure(err) != "refused" {
		t.Errorf("a page on loopback: %v (%s), want ErrPrivateAddress, refused", err, page.Failure(err))
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the loopback page was reached %d times", n)
	}
	f := feed.NewFetcher(feed.Options{AllowPrivate: true, UserAgent: feed.UserAgent("9.9")})
	if _, err := page.NewReader(f, page.Options{}).Fetch(t.Context(), srv.URL); err != nil {
		t.Fatalf("with private addresses allowed: %v", err)
	}
	if got := agent.Load(); got != feed.UserAgent("9.9") {
		t.Errorf("User-Agent %q, want %q", got, feed.UserAgent("9.9"))
	}
}
