package arabic_test

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ajel-news/ajel/arabic"
)

// fuzzSeeds are hand-written inputs shared by the fuzz targets.
var fuzzSeeds = []string{
	"",
	"قصف على إدلب. قال المرصد السوري إن 3.5 في المئة و٣٫٥!",
	"بيروت - (رويترز) - قال الجيش اللبناني؟ نعم\nسطر",
	"<p>خبر&nbsp;عاجل</p> 🔴 OpenAI's model",
	"ﻻ ﷲ ﷺ \uFE70 \u0654 a\u064B\u0301",
	"\xff\xfe\xfd",
	"د. U.S. 1770 م. ...!!!؟؟",
	"وللأمم المتحدة",
}

func FuzzNormalize(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := arabic.Normalize(s)
		if !utf8.ValidString(got) {
			t.Fatalf("Normalize(%q) = %q: invalid UTF-8", s, got)
		}
		for _, r := range got {
			switch {
			case r == 'أ', r == 'إ', r == 'آ', r == 'ٱ', r == 'ى', r == 'ة', r == 'ـ',
				'\u064B' <= r && r <= '\u065F', r == '\u0670',
				'٠' <= r && r <= '٩', r == '\u200F', r == '\uFEFF':
				t.Fatalf("Normalize(%q) = %q keeps %U", s, got, r)
			}
		}
		for _, tok := range arabic.Tokens(s) {
			if tok == "" || !utf8.ValidString(tok) {
				t.Fatalf("Tokens(%q) has bad token %q", s, tok)
			}
		}
		_ = arabic.Stem(got)
		_ = arabic.IsStopWord(s)
	})
}

func FuzzSentences(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		valid := strings.ToValidUTF8(s, "")
		rest := valid
		for _, sen := range arabic.Sentences(s) {
			if sen == "" || strings.TrimSpace(sen) != sen || !utf8.ValidString(sen) {
				t.Fatalf("Sentences(%q) has bad sentence %q", s, sen)
			}
			// Sentences are pieces of the text, in order.
			i := strings.Index(rest, sen)
			if i < 0 {
				t.Fatalf("Sentences(%q): %q is not in the remaining text %q", s, sen, rest)
			}
			rest = rest[i+len(sen):]
		}
	})
}

func FuzzMatch(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add("سوريا", s)
		f.Add("الأمم المتحدة", s)
	}
	f.Add("إدلب", "بإدلب")
	f.Fuzz(func(t *testing.T, keyword, text string) {
		ix := arabic.NewIndex([]string{keyword, "لبنان", "قطاع غزة"})
		for _, k := range ix.Match(text) {
			if k != keyword && k != "لبنان" && k != "قطاع غزة" {
				t.Fatalf("Match(%q) returned %q, not a keyword", text, k)
			}
		}
		// A keyword always finds itself.
		if arabic.KeywordForm(keyword) != "" && !slices.Contains(ix.Match(keyword), keyword) {
			t.Fatalf("keyword %q does not match itself", keyword)
		}
	})
}
