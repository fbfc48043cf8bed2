package feed_test

import (
	"testing"

	"github.com/ajel-news/ajel/feed"
)

func TestHTMLToText(t *testing.T) {
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
		if got := feed.HTMLToText(tt.in); got != tt.want {
			t.Errorf("HTMLToText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestBreakingTitle(t *testing.T) {
	tests := []struct {
		title    string
		breaking bool
		stripped string
	}{
		{"عاجل: انفجار في المرفأ", true, "انفجار في المرفأ"},
		{"عاجل | انفجار في المرفأ", true, "انفجار في المرفأ"},
		{"[عاجل] انفجار في المرفأ", true, "انفجار في المرفأ"},
		{"عاجل انفجار في المرفأ", true, "انفجار في المرفأ"},
		{"  عاجل - انفجار", true, "انفجار"},
		{"🔴 عاجل: انفجار", true, "انفجار"},
		{"(عاجل) انفجار", true, "انفجار"},
		{"عاجل", true, "عاجل"},
		{"BREAKING: Blast at port", true, "Blast at port"},
		{"Breaking News - Blast at port", true, "Blast at port"},
		{"breaking: blast", true, "blast"},
		{"Breakingviews column", false, "Breakingviews column"},
		{"عاجلاً سيصدر القرار", false, "عاجلاً سيصدر القرار"},
		{"عاجلة", false, "عاجلة"},
		{"انفجار في المرفأ (عاجل)", false, "انفجار في المرفأ (عاجل)"},
		{"", false, ""},
	}
	for _, tt := range tests {
		if got := feed.IsBreakingTitle(tt.title); got != tt.breaking {
			t.Errorf("IsBreakingTitle(%q) = %v, want %v", tt.title, got, tt.breaking)
		}
		if got := feed.StripBreakingMarker(tt.title); got != tt.stripped {
			t.Errorf("StripBreakingMarker(%q) = %q, want %q", tt.title, got, tt.stripped)
		}
	}
}
