package telegramtest_test

import (
	"errors"
	"html"
	"strings"
	"testing"

	"github.com/ajel-news/ajel/bot/telegramtest"
)

func TestParseHTMLValid(t *testing.T) {
	tests := []struct {
		name, in, plain string
	}{
		{"plain", "hello", "hello"},
		{"arabic", "🔴 أخبار عاجلة · سوريا", "🔴 أخبار عاجلة · سوريا"},
		{"bold", "<b>عنوان</b> نص", "عنوان نص"},
		{"all simple tags", "<b>1</b><strong>2</strong><i>3</i><em>4</em><u>5</u><ins>6</ins><s>7</s><strike>8</strike><del>9</del>", "123456789"},
		{"nested", "<b>a <i>b <u>c</u></i></b>", "a b c"},
		{"uppercase tag", "<B>x</B>", "x"},
		{"link", `<a href="https://example.com/?a=1&amp;b=2">link</a>`, "link"},
		{"link single quotes", `<a href='https://e.com'>x</a>`, "x"},
		{"link unquoted", `<a href=https://e.com>x</a>`, "x"},
		{"spoiler span", `<span class="tg-spoiler">s</span>`, "s"},
		{"spoiler tag", `<tg-spoiler>s</tg-spoiler>`, "s"},
		{"code and pre", `<pre><code class="language-go">x := 1 &lt; 2</code></pre>`, "x := 1 < 2"},
		{"blockquote expandable", `<blockquote expandable>q</blockquote>`, "q"},
		{"custom emoji", `<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>`, "👍"},
		{"named entities", "&lt;&gt;&amp;&quot;", `<>&"`},
		{"numeric entities", "&#1593;&#x639;&#X1F534;", "عع🔴"},
		{"bare greater-than", "a > b", "a > b"},
		{"escaped by html.EscapeString", html.EscapeString(`Tom & Jerry <3 "quotes" 'single'`), `Tom & Jerry <3 "quotes" 'single'`},
		{"space in end tag", "<b>x</b >", "x"},
		{"newlines", "<b>a</b>\n<i>b</i>", "a\nb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plain, err := telegramtest.ParseHTML(tt.in)
			if err != nil {
				t.Fatalf("ParseHTML(%q): %v", tt.in, err)
			}
			if plain != tt.plain {
				t.Errorf("ParseHTML(%q) = %q, want %q", tt.in, plain, tt.plain)
			}
			if err := telegramtest.ValidateHTML(tt.in); err != nil {
				t.Errorf("ValidateHTML(%q): %v", tt.in, err)
			}
		})
	}
}

func TestValidateHTMLInvalid(t *testing.T) {
	tests := []struct {
		name, in, want string // want is a substring of the error
	}{
		{"unknown tag", "<br>", `Unsupported start tag "br" at byte offset 0`},
		{"unknown tag later", "ok <p>x</p>", `Unsupported start tag "p" at byte offset 3`},
		{"unclosed", "<b>bold", `Can't find end tag corresponding to start tag "b"`},
		{"unclosed inner", "<b><i>x</b>", `Unmatched end tag at byte offset 7, expected "</i>", found "</b>"`},
		{"end without start", "x</b>", "Unexpected end tag at byte offset 1"},
		{"bare less-than", "a < b", `Unsupported start tag "" at byte offset 2`},
		{"less-than digit", "1<2", `Unsupported start tag "" at byte offset 1`},
		{"trailing less-than", "a <", `Unsupported start tag "" at byte offset 2`},
		{"unterminated tag", "<b", "Unclosed start tag at byte offset 0"},
		{"unterminated attribute", `<a href="x>y</a>`, "Unclosed start tag at byte offset 0"},
		{"bare ampersand", "Tom & Jerry", `Character "&" must be escaped`},
		{"unknown entity", "&nbsp;", `Unsupported character entity "&nbsp;"`},
		{"ampersand in attribute", `<a href="https://e.com/?a=1&b=2">x</a>`, `Character "&" must be escaped`},
		{"numeric zero", "&#0;", "Unsupported character entity"},
		{"numeric surrogate", "&#xD800;", "Unsupported character entity"},
		{"numeric too big", "&#x110000;", "Unsupported character entity"},
		{"numeric empty", "&#;", "Unsupported character entity"},
		{"span without spoiler class", `<span>x</span>`, `Tag "span" must have class "tg-spoiler"`},
		{"span other class", `<span class="red">x</span>`, `Tag "span" must have class "tg-spoiler"`},
		{"tg-emoji without id", `<tg-emoji>👍</tg-emoji>`, "emoji-id"},
		{"self closing", "<b/>", "Expected equal sign"},
		{"mismatched alias", "<b>x</strong>", "Unmatched end tag"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := telegramtest.ValidateHTML(tt.in)
			if err == nil {
				t.Fatalf("ValidateHTML(%q) = nil, want error containing %q", tt.in, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "can't parse entities: ") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ValidateHTML(%q) = %q, want it to contain %q", tt.in, err, tt.want)
			}
			var he *telegramtest.HTMLError
			if !errors.As(err, &he) {
				t.Errorf("error %T is not *HTMLError", err)
			}
		})
	}
}

func TestValidateHTMLNotUTF8(t *testing.T) {
	if err := telegramtest.ValidateHTML("a\xffb"); err == nil {
		t.Fatal("invalid UTF-8 accepted")
	}
}

func FuzzParseHTML(f *testing.F) {
	for _, s := range []string{"<b>x</b>", "a &amp; b", "<a href=\"x\">y</a>", "<", "&#x1F534;"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		plain, err := telegramtest.ParseHTML(s)
		if err != nil {
			return
		}
		// Whatever is valid must survive escaping the reader's text again.
		if _, err := telegramtest.ParseHTML(html.EscapeString(plain)); err != nil {
			t.Fatalf("escaped plain text of %q is invalid: %v", s, err)
		}
		if len(plain) > len(s)*4 {
			t.Fatalf("plain text longer than possible: %q -> %q", s, plain)
		}
	})
}
