package htmltext_test

import (
	"strings"
	"testing"

	"github.com/ajel-news/ajel/internal/htmltext"
)

func TestFromHTML(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"نص عربي بلا وسوم", "نص عربي بلا وسوم"},
		{"  نصٌ   مُشكَّل\u00a0هنا  ", "نصٌ مُشكَّل هنا"},
		{"a &amp; b &lt;c&gt; &quot;d&quot; &#1593;&#1575;&#1580;&#1604; &nbsp;e", `a & b <c> "d" عاجل e`},
		{"سطر<br>سطر<br/>سطر", "سطر\nسطر\nسطر"},
		{"<p>فقرة أولى.</p><p>فقرة ثانية.</p>", "فقرة أولى.\nفقرة ثانية."},
		{"<div><p>متداخل <b>بخط <i>عريض</i></b> و<a href='x'>رابط</a></p></div>", "متداخل بخط عريض ورابط"},
		{"قبل<script>var x = '<p>لا</p>';</script>بعد", "قبلبعد"},
		{"<style>p{color:red}</style><p>نص</p>", "نص"},
		{"<ul><li>واحد</li><li>اثنان</li></ul>", "واحد\nاثنان"},
		{"<table><tr><td>أ</td><td>ب</td></tr></table>", "أ ب"},
		{"<p>\n\n  </p><p>نص\n\n\nآخر</p>", "نص\nآخر"},
		{"<img src='x.jpg' alt='صورة'>تعليق", "تعليق"},
		{"a < b and c > d", "a < b and c > d"},
		{"<p>unclosed <b>bold", "unclosed bold"},
		{"<!-- comment -->نص", "نص"},
		{"زيرو\u200cوِدث", "زيرو\u200cوِدث"},
		{"<h2>عنوان</h2>متن", "عنوان\nمتن"},
	}
	for _, tt := range tests {
		if got := htmltext.FromHTML(tt.in); got != tt.want {
			t.Errorf("FromHTML(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSquashSpaces(t *testing.T) {
	for _, s := range []string{
		"", " ", "كلمة", "كلمتان معا", " قبل", "بعد ", "بين  كلمتين", "tab\there",
		"non\u00a0breaking", "سطر\nآخر", "\u3000ideographic", "a b c", "  ", "x\u200dy",
	} {
		want := strings.Join(strings.Fields(s), " ")
		if got := htmltext.SquashSpaces(s); got != want {
			t.Errorf("SquashSpaces(%q) = %q, want %q", s, got, want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { htmltext.SquashSpaces("سطر نظيف بلا مسافات زائدة") }); n != 0 {
		t.Errorf("a clean line costs %v allocations, want 0", n)
	}
}
