package render_test

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/ajel-news/ajel/bot/render"
	"github.com/ajel-news/ajel/bot/telegramtest"
	"github.com/ajel-news/ajel/bot/texts"
	"github.com/ajel-news/ajel/news"
)

// renderer renders in the bot's default language.
var renderer = render.New(texts.Arabic(), nil)

// visible parses rendered HTML as Telegram would and fails on invalid HTML.
func visible(t *testing.T, html string) string {
	t.Helper()
	plain, err := telegramtest.ParseHTML(html)
	if err != nil {
		t.Fatalf("invalid HTML: %v\n%s", err, html)
	}
	return plain
}

func utf16Len(s string) int { return len(utf16.Encode([]rune(s))) }

func mustContain(t *testing.T, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%q does not contain %q", got, w)
		}
	}
}

func TestRenderPush(t *testing.T) {
	base := news.Push{Topic: "سوريا", Title: "عنوان الخبر", Summary: "ما حدث في جملة.", Source: "عنب بلدي",
		URL: "https://example.com/a?x=1&y=2", Breaking: true}
	tests := []struct {
		name     string
		mod      func(p *news.Push)
		contains []string // in the visible text
		html     []string // in the HTML source
		absent   []string // from the HTML source
	}{
		{
			name:     "breaking",
			contains: []string{"🔴 أخبار عاجلة · سوريا\nعنوان الخبر\nما حدث في جملة.\nالمصدر: عنب بلدي · الرابط"},
			html:     []string{"<b>عنوان الخبر</b>", `<a href="https://example.com/a?x=1&amp;y=2">الرابط</a>`},
		},
		{
			name:     "not breaking",
			mod:      func(p *news.Push) { p.Breaking = false },
			contains: []string{"📰 أخبار عاجلة · سوريا\n"},
		},
		{
			name: "escaping",
			mod: func(p *news.Push) {
				p.Title = `<b>x</b> & "q"`
				p.Summary = "a < b && c > d"
				p.Source = "<i>src</i>"
				p.Topic = "A&B"
			},
			contains: []string{`<b>x</b> & "q"`, "a < b && c > d", "<i>src</i>", "A&B"},
			absent:   []string{"<i>"},
		},
		{
			name:   "quotes in the url attribute",
			mod:    func(p *news.Push) { p.URL = `https://example.com/"><script>x</script>` },
			html:   []string{`href="https://example.com/&quot;&gt;&lt;script&gt;x&lt;/script&gt;"`},
			absent: []string{"<script>"},
		},
		{name: "javascript url", mod: func(p *news.Push) { p.URL = "javascript:alert(1)" }, absent: []string{"<a ", "الرابط"}},
		{name: "JavaScript url", mod: func(p *news.Push) { p.URL = " JavaScript:alert(1)" }, absent: []string{"<a "}},
		{name: "data url", mod: func(p *news.Push) { p.URL = "data:text/html,<b>x</b>" }, absent: []string{"<a "}},
		{name: "relative url", mod: func(p *news.Push) { p.URL = "/news/1" }, absent: []string{"<a "}},
		{name: "url with a space", mod: func(p *news.Push) { p.URL = "https://exa mple.com/" }, absent: []string{"<a "}},
		{name: "http url", mod: func(p *news.Push) { p.URL = "http://example.com/" }, html: []string{`<a href="http://example.com/">`}},
		{name: "one other source", mod: func(p *news.Push) { p.OtherSources = 1 }, contains: []string{"الرابط · وأفاد به مصدر آخر"}},
		{name: "two other sources", mod: func(p *news.Push) { p.OtherSources = 2 }, contains: []string{"وأفاد به مصدران آخران"}},
		{name: "three other sources", mod: func(p *news.Push) { p.OtherSources = 3 }, contains: []string{"وأفادت به 3 مصادر أخرى"}},
		{name: "ten other sources", mod: func(p *news.Push) { p.OtherSources = 10 }, contains: []string{"وأفادت به 10 مصادر أخرى"}},
		{name: "eleven other sources", mod: func(p *news.Push) { p.OtherSources = 11 }, contains: []string{"وأفاد به 11 مصدرًا آخر"}},
		{name: "99 other sources", mod: func(p *news.Push) { p.OtherSources = 99 }, contains: []string{"وأفاد به 99 مصدرًا آخر"}},
		{name: "100 other sources", mod: func(p *news.Push) { p.OtherSources = 100 }, contains: []string{"وأفاد به 100 مصدر آخر"}},
		{name: "103 other sources", mod: func(p *news.Push) { p.OtherSources = 103 }, contains: []string{"وأفادت به 103 مصادر أخرى"}},
		{
			name: "latin and numbers isolated",
			mod: func(p *news.Push) {
				p.Title = "قالت Apple إن أرباحها ارتفعت 3.5% هذا العام"
				p.Source = "Reuters"
			},
			contains: []string{"قالت \u2068Apple\u2069 إن", "ارتفعت \u20683.5%\u2069 هذا", "المصدر: \u2068Reuters\u2069"},
		},
		{
			name:     "latin phrase isolated as one run",
			mod:      func(p *news.Push) { p.Summary = "أعلنت شركة iPhone 15 Pro (الجديد)" },
			contains: []string{"شركة \u2068iPhone 15 Pro\u2069 (الجديد)"},
		},
		{
			name:     "latin-only text left alone",
			mod:      func(p *news.Push) { p.Title = "Apple reports 3.5% growth" },
			contains: []string{"\nApple reports 3.5% growth\n"},
		},
		{
			name:     "outside bidi controls stripped",
			mod:      func(p *news.Push) { p.Title = "عنوان\u202e معكوس\u200f\u2066"; p.Source = "\u202bمصدر" },
			contains: []string{"عنوان معكوس\n", "المصدر: مصدر"},
			absent:   []string{"\u202e", "\u200f", "\u2066", "\u202b"},
		},
		{
			name:     "control characters and newlines in the title",
			mod:      func(p *news.Push) { p.Title = "سطر\nثان\x00\x1b" },
			contains: []string{"سطر ثان\n"},
		},
		{
			name:     "flag emoji not isolated",
			mod:      func(p *news.Push) { p.Title = "🇸🇾 عنوان"; p.Topic = "🇸🇾 سوريا" },
			contains: []string{"· 🇸🇾 سوريا\n🇸🇾 عنوان\n"},
		},
		{name: "no topic", mod: func(p *news.Push) { p.Topic = "" }, contains: []string{"🔴 أخبار عاجلة\n"}},
		{name: "no source", mod: func(p *news.Push) { p.Source = "" }, contains: []string{"\nالرابط"}, absent: []string{"المصدر"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := base
			if tc.mod != nil {
				tc.mod(&p)
			}
			html := renderer.Push(p)
			plain := visible(t, html)
			first, _, _ := strings.Cut(plain, "\n")
			if !strings.Contains(first, "أخبار عاجلة") {
				t.Errorf("first line %q lacks أخبار عاجلة", first)
			}
			mustContain(t, plain, tc.contains...)
			mustContain(t, html, tc.html...)
			for _, a := range tc.absent {
				if strings.Contains(html, a) {
					t.Errorf("HTML contains %q:\n%s", a, html)
				}
			}
		})
	}
}

func TestRenderPushLength(t *testing.T) {
	long := strings.Repeat("كلمة طويلة جدا ", 700) // 10,500 characters
	tests := []struct {
		name string
		p    news.Push
	}{
		{"10000-char summary", news.Push{Topic: "سوريا", Title: "عنوان", Summary: long[:len(long)-len("كلمة طويلة جدا ")*30], Source: "س", URL: "https://e.com"}},
		{"5000-char title", news.Push{Topic: "سوريا", Title: strings.Repeat("عنوانٌ ", 715), Summary: "ملخص", Source: "س", URL: "https://e.com"}},
		{"both long, with latin runs", news.Push{Title: strings.Repeat("Apple و 3.5% ", 500), Summary: strings.Repeat("قالت Reuters إن 2024 ", 600),
			Source: strings.Repeat("S", 500), Topic: strings.Repeat("ت", 500), URL: "https://e.com", OtherSources: 4}},
		{"emoji summary (two UTF-16 units each)", news.Push{Title: "t", Summary: strings.Repeat("🔥 ", 3000)}},
		{"one huge word", news.Push{Title: "t", Summary: strings.Repeat("ب", 9000)}},
		{"escaping grows the HTML, not the text", news.Push{Title: "t", Summary: strings.Repeat("<&> ", 2500)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			html := renderer.Push(tc.p)
			plain := visible(t, html)
			if n := utf16Len(plain); n > 4096 {
				t.Fatalf("visible text is %d UTF-16 units, over 4096", n)
			}
			if !strings.Contains(plain, "…") {
				t.Error("cut without an ellipsis")
			}
			if strings.Count(plain, "\u2068") != strings.Count(plain, "\u2069") {
				t.Error("unbalanced isolates")
			}
			if !strings.HasPrefix(plain, "🔴 أخبار عاجلة") && !strings.HasPrefix(plain, "📰 أخبار عاجلة") {
				t.Errorf("first line lost: %.80q", plain)
			}
		})
	}
	// The cut falls on a word boundary.
	p := news.Push{Title: "t", Summary: long}
	plain := visible(t, renderer.Push(p))
	fields := strings.Fields(strings.TrimSuffix(plain, "…"))
	if last := fields[len(fields)-1]; last != "كلمة" && last != "طويلة" && last != "جدا" {
		t.Errorf("summary cut inside a word: …%q", last)
	}
}

func TestRenderPushOtherSourceLinks(t *testing.T) {
	base := news.Push{Topic: "سوريا", Title: "عنوان", Summary: "ملخص الخبر.", Source: "الأولى",
		URL: "https://one.example/a", OtherSources: 4}
	tests := []struct {
		name   string
		others []news.SourceLink
		plain  []string
		html   []string
		absent []string
	}{
		{name: "none", absent: []string{"مصادر أخرى:"}},
		{
			name:   "two linked",
			others: []news.SourceLink{{Name: "الثانية", URL: "https://two.example/b"}, {Name: "Reuters", URL: "https://r.example/c?a=1&b=2"}},
			plain:  []string{"\nمصادر أخرى: الثانية · \u2068Reuters\u2069"},
			html:   []string{`<a href="https://two.example/b">الثانية</a>`, `<a href="https://r.example/c?a=1&amp;b=2">` + "\u2068Reuters\u2069</a>"},
		},
		{
			name:   "at most three, unsafe links named without a link",
			others: []news.SourceLink{{Name: "أ", URL: "javascript:alert(1)"}, {Name: "<ب>", URL: "https://b.example/"}, {Name: "", URL: "https://empty.example/"}, {Name: "ج", URL: "https://c.example/"}, {Name: "د", URL: "https://d.example/"}},
			plain:  []string{"مصادر أخرى: أ · <ب> · ج"},
			absent: []string{"javascript", "d.example", "empty.example", "<ب>"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := base
			p.Others = tc.others
			html := renderer.Push(p)
			plain := visible(t, html)
			mustContain(t, plain, "وأفادت به 4 مصادر أخرى")
			mustContain(t, plain, tc.plain...)
			mustContain(t, html, tc.html...)
			for _, a := range tc.absent {
				if strings.Contains(html, a) {
					t.Errorf("HTML contains %q:\n%s", a, html)
				}
			}
		})
	}
	// Long everything still fits.
	p := base
	p.Summary = strings.Repeat("كلمة طويلة ", 800)
	p.Title = strings.Repeat("عنوان ", 300)
	for i := range 3 {
		p.Others = append(p.Others, news.SourceLink{Name: strings.Repeat("م", 300), URL: "https://x.example/" + strings.Repeat("a", 1500) + fmt.Sprint(i)})
	}
	if n := utf16Len(visible(t, renderer.Push(p))); n > 4096 {
		t.Errorf("visible text %d UTF-16 units", n)
	}
}

func TestRenderDigest(t *testing.T) {
	push := func(i int) news.Push {
		return news.Push{Title: fmt.Sprintf("خبر <رقم> %d", i), URL: fmt.Sprintf("https://e.example/%d?a=1&b=2", i)}
	}
	tests := []struct {
		n      int
		header string
		more   string
	}{
		{1, "🗞️ موجز الأخبار · خبر واحد", ""},
		{2, "🗞️ موجز الأخبار · خبران", ""},
		{3, "🗞️ موجز الأخبار · 3 أخبار", ""},
		{12, "🗞️ موجز الأخبار · 12 خبرًا", ""},
		{400, "🗞️ موجز الأخبار · 400 خبر", "خبرًا آخر"},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.n), func(t *testing.T) {
			var ps []news.Push
			for i := range tc.n {
				ps = append(ps, push(i))
			}
			html := renderer.Digest(ps)
			if n := utf16Len(html); n > 4096 {
				t.Fatalf("digest HTML is %d UTF-16 units", n)
			}
			plain := visible(t, html)
			first, _, _ := strings.Cut(plain, "\n")
			if first != tc.header {
				t.Errorf("header %q, want %q", first, tc.header)
			}
			mustContain(t, plain, "• خبر <رقم> \u20680\u2069")
			mustContain(t, html, `<b><a href="https://e.example/0?a=1&amp;b=2">خبر &lt;رقم&gt; `+"\u20680\u2069</a></b>")
			if tc.more != "" {
				last := plain[strings.LastIndex(plain, "\n")+1:]
				if !strings.HasPrefix(last, "و") || !strings.Contains(last, tc.more) {
					t.Errorf("last line %q, want how many more", last)
				}
				listed := strings.Count(plain, "\n• ")
				if !strings.Contains(last, fmt.Sprint(tc.n-listed)) {
					t.Errorf("listed %d, last line %q", listed, last)
				}
			} else if c := strings.Count(plain, "\n• "); c != tc.n {
				t.Errorf("listed %d of %d", c, tc.n)
			}
		})
	}
	// A story without a usable link is a bold title alone.
	html := renderer.Digest([]news.Push{{Title: "بلا رابط", URL: "javascript:x"}})
	mustContain(t, html, "• <b>بلا رابط</b>")
}
