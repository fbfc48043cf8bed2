package clean_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ajel-news/ajel/internal/clean"
)

// FuzzRead: whatever a feed sends, the cleaner returns valid UTF-8 with no
// empty line, never a line ending with an outlet's cut mark, and a cut or
// placeholder it found is said.
func FuzzRead(f *testing.F) {
	for _, s := range []string{
		"وصل الوفد إلى العاصمة. وبحث [...]",
		"<p>نص</p><p>The post x appeared first on y.</p>",
		"التفاصيل بعد قليل..",
		"بقلم: سامي\nيكتب سامي: نص.",
		"&amp;lt;p&amp;gt;نص&amp;lt;/p&amp;gt;",
		"[…]",
		"\xff[...]\n(…)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		c := clean.Read(in)
		if !utf8.ValidString(c.Text) {
			t.Fatalf("invalid UTF-8 out of %q", in)
		}
		for line := range strings.SplitSeq(c.Text, "\n") {
			if c.Text != "" && line == "" {
				t.Fatalf("an empty line in %q", c.Text)
			}
			if strings.HasSuffix(line, "[…]") || strings.HasSuffix(line, "[...]") {
				t.Fatalf("a cut mark kept: %q", line)
			}
		}
	})
}
