package feed_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ajel-news/ajel/feed"
	"github.com/ajel-news/ajel/news"
	"golang.org/x/text/encoding/charmap"
)

// Fixtures are written for these tests; none is copied from a real feed.
const rssCDATA = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
<title><![CDATA[وكالة الاختبار]]></title>
<link>https://news.example.org/</link>
<item>
  <title><![CDATA[عاجل: زلزال بقوة 5 درجات يضرب المدينة]]></title>
  <link>https://news.example.org/a/1?utm_source=rss&amp;utm_medium=feed&amp;id=7#top</link>
  <guid isPermaLink="false">item-1</guid>
  <pubDate>Mon, 02 Jan 2023 15:04:05 +0400</pubDate>
  <description><![CDATA[<p>ملخص <b>قصير</b></p>]]></description>
  <content:encoded><![CDATA[<p>ضرب زلزال المدينة صباح اليوم.</p><p>لا أنباء عن إصابات &amp; أضرار.</p><script>alert(1)</script>]]></content:encoded>
</item>
<item>
  <title>خبر ثانٍ</title>
  <link>https://news.example.org/a/2</link>
  <guid>item-2</guid>
  <pubDate>Mon, 02 Jan 2023 11:00:00 GMT</pubDate>
  <description>نص الخبر الثاني</description>
</item>
<item>
  <title>نسخة مكررة</title>
  <guid>item-1</guid>
  <description>يجب تجاهلها</description>
</item>
<item>
  <title></title>
  <description>   </description>
  <guid>empty</guid>
</item>
<item>
  <description>خبر بلا عنوان ولا رابط</description>
</item>
</channel>
</rss>`

const atomFeed = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>موقع أطوم</title>
<link href="https://atom.example.org/"/>
<id>urn:test:atom</id>
<updated>2023-03-01T10:00:00Z</updated>
<entry>
  <title type="html">&lt;b&gt;BREAKING&lt;/b&gt; news in Atom</title>
  <link rel="alternate" href="/story/9?fbclid=abc"/>
  <id>urn:test:entry:9</id>
  <updated>2023-03-01T12:30:00+03:00</updated>
  <summary>ملخص الخبر</summary>
  <content type="html">&lt;div&gt;محتوى &lt;br/&gt;كامل&lt;/div&gt;</content>
</entry>
</feed>`

const jsonFeed = `{
  "version": "https://jsonfeed.org/version/1.1",
  "title": "تغذية JSON",
  "home_page_url": "https://json.example.org/",
  "items": [
    {"id": "j1", "url": "https://json.example.org/j1", "title": "[عاجل] خبر من JSON",
     "content_html": "<p>فقرة أولى</p><p>فقرة ثانية</p>", "date_published": "2023-05-01T08:00:00-05:00"},
    {"id": "j2", "content_text": "نص بلا عنوان"}
  ]
}`

func mustParse(t *testing.T, body, contentType string) *feed.Result {
	t.Helper()
	res, err := feed.Parse(strings.NewReader(body), contentType, 0)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return res
}

func TestParseRSS(t *testing.T) {
	res := mustParse(t, rssCDATA, "application/rss+xml")
	if res.Title != "وكالة الاختبار" {
		t.Errorf("title = %q", res.Title)
	}
	if len(res.Items) != 3 {
		t.Fatalf("got %d items, want 3 (duplicate GUID and empty item dropped): %+v", len(res.Items), res.Items)
	}
	a := res.Items[0]
	if a.Title != "عاجل: زلزال بقوة 5 درجات يضرب المدينة" || a.Breaking {
		t.Errorf("first item title %q breaking %v (the marker stays in the title for the pipeline)", a.Title, a.Breaking)
	}
	if a.URL != "https://news.example.org/a/1?id=7" {
		t.Errorf("URL = %q", a.URL)
	}
	if want := "ضرب زلزال المدينة صباح اليوم.\nلا أنباء عن إصابات & أضرار."; a.Text != want {
		t.Errorf("Text = %q, want %q", a.Text, want)
	}
	if want := time.Date(2023, 1, 2, 11, 4, 5, 0, time.UTC); !a.PublishedAt.Equal(want) || a.PublishedAt.Location() != time.UTC {
		t.Errorf("PublishedAt = %v, want %v UTC", a.PublishedAt, want)
	}
	if a.Source != "وكالة الاختبار" {
		t.Errorf("Source = %q", a.Source)
	}
	if a.Key != news.ItemKey("item-1", "", "", "") {
		t.Errorf("Key = %q, want the GUID's", a.Key)
	}
	if b := res.Items[1]; b.Text != "نص الخبر الثاني" || b.Breaking || !b.PublishedAt.Equal(time.Date(2023, 1, 2, 11, 0, 0, 0, time.UTC)) {
		t.Errorf("second item %+v", b)
	}
	c := res.Items[2]
	if c.Title != "" || c.URL != "" || c.Text != "خبر بلا عنوان ولا رابط" {
		t.Errorf("third item %+v", c)
	}
	if c.Key != news.ItemKey("", "", "", "خبر بلا عنوان ولا رابط") || !strings.HasPrefix(c.Key, "h:") {
		t.Errorf("third item key %q should hash title+content", c.Key)
	}
}

func TestParseAtom(t *testing.T) {
	res := mustParse(t, atomFeed, "")
	if len(res.Items) != 1 {
		t.Fatalf("items: %+v", res.Items)
	}
	a := res.Items[0]
	if a.Title != "BREAKING news in Atom" || a.Breaking {
		t.Errorf("title %q breaking %v", a.Title, a.Breaking)
	}
	if a.URL != "https://atom.example.org/story/9" {
		t.Errorf("URL = %q (relative link resolved, fbclid removed)", a.URL)
	}
	if a.Text != "محتوى\nكامل" {
		t.Errorf("Text = %q", a.Text)
	}
	if want := time.Date(2023, 3, 1, 9, 30, 0, 0, time.UTC); !a.PublishedAt.Equal(want) {
		t.Errorf("PublishedAt = %v, want %v", a.PublishedAt, want)
	}
}

func TestParseJSONFeed(t *testing.T) {
	res := mustParse(t, jsonFeed, "application/feed+json")
	if res.Title != "تغذية JSON" || len(res.Items) != 2 {
		t.Fatalf("title %q items %+v", res.Title, res.Items)
	}
	a := res.Items[0]
	if a.Breaking || a.Text != "فقرة أولى\nفقرة ثانية" || a.URL != "https://json.example.org/j1" {
		t.Errorf("item %+v", a)
	}
	if want := time.Date(2023, 5, 1, 13, 0, 0, 0, time.UTC); !a.PublishedAt.Equal(want) {
		t.Errorf("PublishedAt = %v, want %v", a.PublishedAt, want)
	}
	if b := res.Items[1]; b.Text != "نص بلا عنوان" || !b.PublishedAt.IsZero() {
		t.Errorf("second item %+v", b)
	}
}

const arabicTitle = "الأخبار العاجلة من دمشق"

func rss1256(prolog string) string {
	return `<?xml version="1.0"` + prolog + `?>
<rss version="2.0"><channel><title>` + arabicTitle + `</title><link>https://cp.example.org/</link>
<item><title>عنوان بترميز ويندوز</title><guid>w1</guid><description>نص عربي: سوريا، لبنان؛ € ×</description></item>
</channel></rss>`
}

func encode1256(t testing.TB, s string) string {
	t.Helper()
	b, err := charmap.Windows1256.NewEncoder().String(s)
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	return b
}

func TestParseCharsets(t *testing.T) {
	iso, err := charmap.ISO8859_6.NewEncoder().String(strings.Replace(rss1256(` encoding="ISO-8859-6"`), "€ ×", "", 1))
	if err != nil {
		t.Fatal(err)
	}
	isoNoProlog, err := charmap.ISO8859_6.NewEncoder().String(strings.Replace(rss1256(""), "€ ×", "", 1))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, body, contentType, wantCharset string
	}{
		{"prolog only", encode1256(t, rss1256(` encoding="windows-1256"`)), "application/xml", "windows-1256"},
		{"prolog single quotes", encode1256(t, rss1256(` encoding='cp1256'`)), "", "windows-1256"},
		{"content-type only", encode1256(t, rss1256("")), "text/xml; charset=windows-1256", "windows-1256"},
		{"declared utf-8 but is not", encode1256(t, rss1256(` encoding="utf-8"`)), "text/xml; charset=UTF-8", "windows-1256"},
		{"nothing declared", encode1256(t, rss1256("")), "", "windows-1256"},
		{"generic content-type, prolog wins", encode1256(t, rss1256(` encoding="windows-1256"`)), "text/xml; charset=ISO-8859-1", "windows-1256"},
		{"iso-8859-6 in prolog", iso, "", "iso-8859-6"},
		{"iso-8859-6 in content-type", isoNoProlog, "application/rss+xml;charset=iso-8859-6", "iso-8859-6"},
		{"utf-8 declared windows-1256", rss1256(` encoding="windows-1256"`), "text/xml; charset=windows-1256", "utf-8"},
		{"utf-8 BOM", "\xEF\xBB\xBF" + rss1256(""), "", "utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := mustParse(t, tt.body, tt.contentType)
			if res.Title != arabicTitle {
				t.Errorf("title = %q, want %q", res.Title, arabicTitle)
			}
			if res.Charset != tt.wantCharset {
				t.Errorf("charset = %q, want %q", res.Charset, tt.wantCharset)
			}
			if len(res.Items) != 1 || res.Items[0].Title != "عنوان بترميز ويندوز" || !strings.HasPrefix(res.Items[0].Text, "نص عربي: سوريا، لبنان؛") {
				t.Errorf("items = %+v", res.Items)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, body, contentType string
		want                    error
		wantMsg                 string
	}{
		{"empty body", "", "", feed.ErrEmptyBody, "feed: empty body"},
		{"whitespace body", " \n\t ", "", feed.ErrEmptyBody, "feed: empty body"},
		{"html page", "<!DOCTYPE html>\n<html><head><title>x</title></head><body>hi</body></html>", "text/html", feed.ErrNotAFeed, "feed: not a feed: the server sent an HTML page"},
		{"xhtml page", `<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>`, "", feed.ErrNotAFeed, "feed: not a feed: the server sent an HTML page"},
		{"plain text", "hello world", "text/plain", feed.ErrNotAFeed, "feed: not a feed: no RSS, Atom or JSON Feed document found"},
		{"other xml", `<?xml version="1.0"?><note><to>x</to></note>`, "", feed.ErrNotAFeed, "feed: not a feed"},
		{"malformed json", `{"version": "https://jsonfeed.org/version/1", "items": [`, "", feed.ErrMalformed, "feed: malformed feed"},
		{"truncated xml", `<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><title>y</tit`, "", feed.ErrMalformed, "feed: malformed feed"},
		{"too large", strings.Repeat("x", 2048), "", feed.ErrTooLarge, "feed: body larger than 1 KiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := feed.Parse(strings.NewReader(tt.body), tt.contentType, 1024)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), tt.wantMsg) {
				t.Errorf("message %q does not start with %q", err.Error(), tt.wantMsg)
			}
		})
	}
}

func TestParseEmptyFeedIsNotAnError(t *testing.T) {
	res := mustParse(t, `<rss version="2.0"><channel><title>فارغ</title></channel></rss>`, "")
	if len(res.Items) != 0 || res.Title != "فارغ" {
		t.Errorf("got %+v", res)
	}
}

func TestParseIdentityWithoutGUID(t *testing.T) {
	body := `<rss version="2.0"><channel><title>t</title>
<item><title>أ</title><link>https://x.example.org/p?id=1&amp;utm_campaign=a</link></item>
<item><title>أ مكرر من حملة أخرى</title><link>https://x.example.org/p?id=1&amp;utm_campaign=b#c</link></item>
<item><title>ب</title><link>https://x.example.org/p?id=2</link></item>
<item><title>ج</title><description>نص</description></item>
</channel></rss>`
	res := mustParse(t, body, "")
	if len(res.Items) != 3 {
		t.Fatalf("got %d items, want 3 (same link with other utm params is the same item)", len(res.Items))
	}
	if res.Items[0].Key != news.ItemKey("", "https://x.example.org/p?id=1", "", "") {
		t.Errorf("key from link: %q", res.Items[0].Key)
	}
	if res.Items[2].Key != news.ItemKey("", "", "ج", "نص") {
		t.Errorf("key from title+content: %q", res.Items[2].Key)
	}
	// The same document parsed again gives the same keys.
	again := mustParse(t, body, "")
	for i := range res.Items {
		if res.Items[i].Key != again.Items[i].Key {
			t.Errorf("item %d key changed between parses", i)
		}
	}
}

// An item's categories reach the article as plain text: the section its
// outlet files it under, read by the classifier. Markup, blanks and
// repeats are dropped, and a feed that tags an item with dozens of words
// gives at most ten.
func TestParseCategories(t *testing.T) {
	var many strings.Builder
	for i := range 30 {
		many.WriteString("<category>وسم" + strings.Repeat("ا", i%3) + string(rune('أ'+i)) + "</category>")
	}
	tests := []struct {
		name, doc string
		want      []string
	}{
		{"RSS", `<rss version="2.0"><channel><title>ت</title><item><title>خبر</title><guid>1</guid>
<category>رياضة</category><category domain="x"> <![CDATA[<b>كرة</b>  القدم]]> </category><category>رياضة</category><category>  </category></item></channel></rss>`,
			[]string{"رياضة", "كرة القدم"}},
		{"Atom", `<feed xmlns="http://www.w3.org/2005/Atom"><title>ت</title><entry><title>خبر</title><id>1</id>
<category term="economy"/><category term="tech" label="تقنية"/></entry></feed>`, []string{"economy", "تقنية"}}, // the label when there is one
		{"JSON Feed tags", `{"version":"https://jsonfeed.org/version/1.1","title":"ت","items":[{"id":"1","title":"خبر","tags":["صحة","صحة"," ثقافة "]}]}`,
			[]string{"صحة", "ثقافة"}},
		{"none", `<rss version="2.0"><channel><title>ت</title><item><title>خبر</title><guid>1</guid></item></channel></rss>`, nil},
		{"too many", `<rss version="2.0"><channel><title>ت</title><item><title>خبر</title><guid>1</guid>` + many.String() + `</item></channel></rss>`, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := feed.Parse(strings.NewReader(tc.doc), "", 0)
			if err != nil || len(res.Items) != 1 {
				t.Fatalf("Parse: %v, %d items", err, len(res.Items))
			}
			got := res.Items[0].Categories
			if tc.name == "too many" {
				if len(got) != 10 {
					t.Errorf("%d categories, want 10: %q", len(got), got)
				}
				return
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("categories %q, want %q", got, tc.want)
			}
		})
	}
}
