package arabic_test

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ajel-news/ajel/arabic"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"أحمد إبراهيم آمنة ٱلله", "احمد ابراهيم امنه الله"},
		{"مستشفى", "مستشفي"},
		{"مَدْرَسَةٌ", "مدرسه"},
		{"هٰذا", "هذا"},
		{"ســـوريا", "سوريا"},
		{"سوريّا", "سوريا"},
		{"س\u200Cو\u200Fر\u202Bيا\uFEFF", "سوريا"},
		{"٢٠٢٤ و۱۲۳", "2024 و123"},
		{"ی ک", "ي ك"},
		{"\uFEFB", "لا"},       // lam-alef ligature
		{"\uFE8D\uFEE0", "ال"}, // presentation forms
		{"OpenAI GPT", "openai gpt"},
		{"a\xffb", "a b"},
	}
	for _, tt := range tests {
		if got := arabic.Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTokens(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", []string{}},
		{"قال الرئيسُ، اليوم: إن النمو 3.5% و٣٫٥!", []string{"قال", "الرئيس", "اليوم", "ان", "النمو", "3.5", "و3٫5"}},
		{"Hello, 世界 👍 <b>خبر</b>", []string{"hello", "世", "界", "b", "خبر", "b"}},
	}
	for _, tt := range tests {
		got := arabic.Tokens(tt.in)
		if !slices.Equal(got, tt.want) {
			t.Errorf("Tokens(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSentences(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"   \n\n ", nil},
		{"بلا علامات ترقيم على الإطلاق", []string{"بلا علامات ترقيم على الإطلاق"}},
		{"الأول، والثاني؛ والثالث. الرابع؟ الخامس! السادس", []string{"الأول، والثاني؛ والثالث.", "الرابع؟", "الخامس!", "السادس"}},
		{"بلغ النمو 3.5 في المئة و٣٫٥ هناك. انتهى", []string{"بلغ النمو 3.5 في المئة و٣٫٥ هناك.", "انتهى"}},
		{"سطر أول\nسطر ثان\r\nثالث", []string{"سطر أول", "سطر ثان", "ثالث"}},
		{"قال \"انتهى الأمر.\" ثم غادر", []string{"قال \"انتهى الأمر.\"", "ثم غادر"}},
		{"التقى د. محمد بالوزير. ثم عاد", []string{"التقى د. محمد بالوزير.", "ثم عاد"}},
		{"ولد عام 1770 م. وتوفي", []string{"ولد عام 1770 م.", "وتوفي"}},
		{"دبي - العربية.نت قال. ثم", []string{"دبي - العربية.نت قال.", "ثم"}},
		{"the U.S. economy grew. Fine", []string{"the U.S. economy grew.", "Fine"}},
		{"... !!!", nil},
		{"bad\xff byte. ok", []string{"bad byte.", "ok"}},
	}
	for _, tt := range tests {
		got := arabic.Sentences(tt.in)
		if !slices.Equal(got, tt.want) {
			t.Errorf("Sentences(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestIsStopWord(t *testing.T) {
	for _, w := range []string{"في", "إلى", "الى", "على", "الذي", "هذه", "وقال"} {
		if !arabic.IsStopWord(w) {
			t.Errorf("IsStopWord(%q) = false", w)
		}
	}
	for _, w := range []string{"سوريا", "انفجار", "الحكومة", ""} {
		if arabic.IsStopWord(w) {
			t.Errorf("IsStopWord(%q) = true", w)
		}
	}
}

func TestStemHandWritten(t *testing.T) {
	tests := []struct{ in, want string }{
		{"الحسن", "حسن"},
		{"والحسن", "حسن"},
		{"للاخر", "اخر"},
		{"ساهدون", "ساهد"},
		{"ساهدهات", "ساهد"},
		{"الو", "الو"},
		{"وقت", "وقت"}, // و needs three letters after it
		{"English", "English"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := arabic.Stem(tt.in); got != tt.want {
			t.Errorf("Stem(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// readVectors reads "input TAB expected" lines, skipping comments.
func readVectors(t *testing.T, name string) [][2]string {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "shared", "data", "lucene-ar", name))
	if err != nil {
		t.Skipf("Lucene vectors not available: %v", err)
	}
	defer f.Close()
	var out [][2]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		in, want, ok := strings.Cut(line, "\t")
		if !ok {
			t.Fatalf("%s: bad line %q", name, line)
		}
		out = append(out, [2]string{in, want})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestLuceneStemVectors(t *testing.T) {
	for _, v := range readVectors(t, "stem.tsv") {
		if got := arabic.Stem(v[0]); got != v[1] {
			t.Errorf("Stem(%q) = %q, want %q", v[0], got, v[1])
		}
	}
}

func TestLuceneNormalizeVectors(t *testing.T) {
	for _, v := range readVectors(t, "normalize.tsv") {
		if got := arabic.Normalize(v[0]); got != v[1] {
			t.Errorf("Normalize(%q) = %q, want %q", v[0], got, v[1])
		}
	}
}
