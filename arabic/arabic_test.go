package arabic_test

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

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
		// Invisible inside a word: a variation selector, the combining
		// grapheme joiner, Hangul fillers, a tag, Mongolian and Khmer ones.
		{"م\uFE0Fصر", "مصر"},
		{"م\u034Fصر", "مصر"},
		{"م\u3164صر", "مصر"},
		{"م\uFFA0ص\u115Fر\u1160", "مصر"},
		{"م\U000E0041صر\U000E0100", "مصر"},
		{"م\u180Bص\u17B4ر\u2065", "مصر"},
		{"❤\uFE0F", "❤"},
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

// TestNormalizeSkipsNFKCOnlyWhenSafe checks the shortcut that leaves most
// text out of NFKC: every rune of the Basic Multilingual Plane alone, and
// every rune followed by each vowel mark, and every Arabic letter followed
// by every Arabic combining mark, normalizes as it does after an explicit
// NFKC.
func TestNormalizeSkipsNFKCOnlyWhenSafe(t *testing.T) {
	check := func(s string) {
		t.Helper()
		if got, want := arabic.Normalize(s), arabic.Normalize(norm.NFKC.String(s)); got != want {
			t.Fatalf("Normalize(%+q) = %+q, want %+q as after NFKC", s, got, want)
		}
	}
	vowels := []rune{0x064B, 0x064C, 0x064D, 0x064E, 0x064F, 0x0650, 0x0651, 0x0652, 0x0670}
	for r := rune(0x80); r <= 0xFFFF; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		check("ب" + string(r) + "ا")
		for _, v := range vowels {
			check(string(r) + string(v))
		}
	}
	for letter := rune(0x0620); letter <= 0x06FF; letter++ {
		for mark := rune(0x0610); mark <= 0x065F; mark++ {
			check(string(letter) + string(mark))
		}
		check(string(letter) + "\u0670")
	}
	// Decomposed hamza and madda compose under NFKC: و + ◌ٔ is ؤ, not و.
	if got := arabic.Normalize("\u0648\u0654"); got != "ؤ" {
		t.Errorf("Normalize(و + hamza above) = %q, want ؤ", got)
	}
}

// TestAnalyze checks that one analysis gives what Sentences and Tokens
// give separately.
func TestAnalyze(t *testing.T) {
	texts := []string{
		"",
		"قال الوزير إن الحكومة ستجتمع غدا. وأضاف: «لا تأجيل»!\nوارتفع المؤشر 3.5٪ في بيروت؟ نعم",
		"U.S. officials met in Cairo. د. أحمد قال ذلك… ثم غادر",
		"  \n\n*** \n",
		"بلا علامات ترقيم ولا أسطر",
		"bad \xff utf8. ثم جملة",
	}
	for _, s := range texts {
		a := arabic.Analyze(s)
		var sents []string
		var toks []string
		for _, se := range a.Sentences {
			sents = append(sents, se.Text)
			toks = append(toks, se.Tokens...)
			if a.Source[se.Start:se.Start+len(se.Text)] != se.Text {
				t.Errorf("Analyze(%q): sentence %q is not at offset %d", s, se.Text, se.Start)
			}
			if !slices.Equal(se.Tokens, arabic.Tokens(se.Text)) {
				t.Errorf("Analyze(%q): tokens of %q = %q", s, se.Text, se.Tokens)
			}
		}
		if want := arabic.Sentences(s); !slices.Equal(sents, want) {
			t.Errorf("Analyze(%q) sentences = %q, want %q", s, sents, want)
		}
		if want := arabic.Tokens(strings.ToValidUTF8(s, "")); !slices.Equal(toks, want) || !slices.Equal(a.Tokens(), want) {
			t.Errorf("Analyze(%q) tokens = %q / %q, want %q", s, toks, a.Tokens(), want)
		}
	}
}
