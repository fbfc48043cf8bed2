package news_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/ajel-news/ajel/news"
)

func TestParseFeedEntry(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		url      string
		opts     news.FeedOptions
		err      string
	}{
		{"address only", "https://a.example/rss", "https://a.example/rss", news.FeedOptions{}, ""},
		{"an option, any case", "https://a.example/rss  FullText=ALWAYS", "https://a.example/rss", news.FeedOptions{FullText: news.FullTextAlways}, ""},
		{"another spelling", "https://a.example/rss full_text=never", "https://a.example/rss", news.FeedOptions{FullText: news.FullTextNever}, ""},
		{"empty", "   ", "", news.FeedOptions{}, ""},
		{"unknown option", "https://a.example/rss images=on", "", news.FeedOptions{},
			`unknown option "images": the options are fulltext=auto|always|never lang=ar|any breaking=yes|no country=<place>|none name=<name>, after the URL and a space`},
		{"language", "https://a.example/rss lang=ANY fulltext=never", "https://a.example/rss", news.FeedOptions{FullText: news.FullTextNever, Lang: news.LangAny}, ""},
		{"language spelled out", "https://a.example/rss language=ar", "https://a.example/rss", news.FeedOptions{Lang: news.LangArabic}, ""},
		{"unknown language", "https://a.example/rss lang=fr", "", news.FeedOptions{}, `lang="fr": use lang=ar|any`},
		{"no language", "https://a.example/rss lang=", "", news.FeedOptions{}, `lang="": use lang=ar|any`},
		{"breaking", "https://a.example/rss breaking=yes fulltext=never", "https://a.example/rss",
			news.FeedOptions{FullText: news.FullTextNever, Breaking: news.Yes}, ""},
		{"breaking, other words", "https://a.example/rss Breaking=Off", "https://a.example/rss", news.FeedOptions{Breaking: news.No}, ""},
		{"breaking in Arabic", "https://a.example/rss breaking=نعم", "https://a.example/rss", news.FeedOptions{Breaking: news.Yes}, ""},
		{"bad breaking", "https://a.example/rss breaking=maybe", "", news.FeedOptions{}, `breaking="maybe": use breaking=yes|no`},
		{"breaking with no value", "https://a.example/rss breaking", "", news.FeedOptions{}, `breaking="": use breaking=yes|no`},
		{"bad value", "https://a.example/rss fulltext=sometimes", "", news.FeedOptions{}, `fulltext="sometimes": use fulltext=auto|always|never`},
		{"no value", "https://a.example/rss fulltext=", "", news.FeedOptions{}, `fulltext="": use fulltext=auto|always|never`},
		{"quoted value with spaces", `https://a.example/rss fulltext="never "`, "https://a.example/rss", news.FeedOptions{FullText: news.FullTextNever}, ""},
		{"unclosed quote", `https://a.example/rss fulltext="never`, "", news.FeedOptions{}, news.ErrUnclosedQuote.Error()},
		{"a country by slug, any case", "https://a.example/rss Country=Morocco", "https://a.example/rss", news.FeedOptions{Country: "morocco"}, ""},
		{"a country by its Arabic name", `https://a.example/rss country="جزر القمر" fulltext=never`, "https://a.example/rss",
			news.FeedOptions{Country: "جزر القمر", FullText: news.FullTextNever}, ""},
		{"no country", "https://a.example/rss country=none", "https://a.example/rss", news.FeedOptions{Country: news.CountryNone}, ""},
		// Whether the catalogue has the place is checked where it is known
		// (the app, the bot); here only what cannot name one is refused.
		{"a country that cannot be a name", "https://a.example/rss country=<b>x</b>", "", news.FeedOptions{}, `country="<b>x</b>": use country=<place>|none`},
		{"an empty country", "https://a.example/rss country=", "", news.FeedOptions{}, `country="": use country=<place>|none`},
		{"a name with spaces, quoted", `https://a.example/rss name="الشرق   الأوسط" fulltext=never`, "https://a.example/rss",
			news.FeedOptions{Name: "الشرق الأوسط", FullText: news.FullTextNever}, ""},
		{"a name keeps its case", "https://a.example/rss Name=Hespress", "https://a.example/rss", news.FeedOptions{Name: "Hespress"}, ""},
		{"a name with an ampersand", `https://a.example/rss name="Arab & World"`, "https://a.example/rss", news.FeedOptions{Name: "Arab & World"}, ""},
		{"no name: back to the title", "https://a.example/rss name=-", "https://a.example/rss", news.FeedOptions{Name: news.NameNone}, ""},
		{"a name of 200 characters", "https://a.example/rss name=" + strings.Repeat("ب", 200), "", news.FeedOptions{},
			`name="` + strings.Repeat("ب", 200) + `": the name is 200 characters long; at most 64`},
		{"a name with markup", `https://a.example/rss name="<b>Hespress</b>"`, "", news.FeedOptions{},
			`name="<b>Hespress</b>": a name has no markup: '<' and '>' are refused`},
		{"a name with a bidi override", "https://a.example/rss name=\"abc\u202edef\"", "", news.FeedOptions{},
			`name="abc\u202edef": the name holds control or direction characters`},
		{"an empty name", `https://a.example/rss name=""`, "", news.FeedOptions{}, `name="": the name is empty`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, opts, err := news.ParseFeedEntry(tc.in)
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				if !errors.Is(err, news.ErrFeedOption) && !errors.Is(err, news.ErrUnclosedQuote) {
					t.Errorf("%v is neither ErrFeedOption nor ErrUnclosedQuote", err)
				}
				return
			}
			if err != nil || u != tc.url || opts != tc.opts {
				t.Errorf("= %q %+v %v, want %q %+v", u, opts, err, tc.url, tc.opts)
			}
		})
	}
}

func TestFeedOptionsApply(t *testing.T) {
	f := news.Feed{}
	if (news.FeedOptions{}).Apply(&f) {
		t.Error("no options changed the feed")
	}
	if (news.FeedOptions{FullText: news.FullTextAuto}).Apply(&f) {
		t.Error("auto on a feed with no mode (auto) is a change")
	}
	if !(news.FeedOptions{FullText: news.FullTextNever}).Apply(&f) || f.FullText != news.FullTextNever {
		t.Errorf("never not applied: %+v", f)
	}
	if (news.FeedOptions{Lang: news.LangArabic}).Apply(&f) {
		t.Error("ar on a feed with no language (ar) is a change")
	}
	if !(news.FeedOptions{Lang: news.LangAny}).Apply(&f) || f.Lang != news.LangAny || f.FullText != news.FullTextNever {
		t.Errorf("any not applied, or it changed another option: %+v", f)
	}
	if (news.FeedOptions{Breaking: news.No}).Apply(&f) || f.Breaking {
		t.Error("breaking=no on a feed that is not breaking is a change")
	}
	if !(news.FeedOptions{Breaking: news.Yes}).Apply(&f) || !f.Breaking {
		t.Errorf("breaking=yes not applied: %+v", f)
	}
	if !(news.FeedOptions{Breaking: news.No}).Apply(&f) || f.Breaking {
		t.Errorf("breaking=no not applied: %+v", f)
	}
	if !(news.FeedOptions{Country: "morocco"}).Apply(&f) || f.Country != "morocco" || f.FullText != news.FullTextNever {
		t.Errorf("country not applied, or fulltext lost: %+v", f)
	}
	if (news.FeedOptions{Country: "morocco"}).Apply(&f) {
		t.Error("the same country again is a change")
	}
	if !(news.FeedOptions{Country: news.CountryNone}).Apply(&f) || f.Country != "" {
		t.Errorf("country=none did not clear it: %+v", f)
	}
}

func TestFeedNameRefusalsAreInvalid(t *testing.T) {
	_, _, err := news.ParseFeedEntry("https://a.example/rss name=" + strings.Repeat("x", 65))
	var ne *news.FeedNameError
	if !errors.As(err, &ne) || ne.Problem != news.NameTooLong || ne.Len != 65 || !errors.Is(err, news.ErrInvalid) {
		t.Fatalf("err = %#v, want a *FeedNameError of 65 characters matching ErrInvalid", err)
	}
	if _, _, err := news.ParseFeedEntry("https://a.example/rss name=" + strings.Repeat("x", 64)); err != nil {
		t.Errorf("64 characters refused: %v", err)
	}
}

func TestNameOptionApplies(t *testing.T) {
	f := news.Feed{Title: "Hespress - Article Feed", URL: "https://www.hespress.com/feed"}
	if got := f.SourceName(); got != "Hespress" {
		t.Errorf("no name: source %q, want the cleaned title", got)
	}
	if !(news.FeedOptions{Name: "هسبريس"}).Apply(&f) || f.Name != "هسبريس" || f.SourceName() != "هسبريس" {
		t.Errorf("name not applied: %+v", f)
	}
	if (news.FeedOptions{Name: "هسبريس"}).Apply(&f) {
		t.Error("the same name again is a change")
	}
	if !(news.FeedOptions{Name: news.NameNone}).Apply(&f) || f.Name != "" {
		t.Errorf("name=- did not take the name away: %+v", f)
	}
	if got := (news.Feed{URL: "https://www.example.com/rss"}).SourceName(); got != "example.com" {
		t.Errorf("no name, no title: %q, want the host", got)
	}
}

func TestCleanFeedTitle(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Hespress - Article Feed", "Hespress"},
		{"هسبريس - Article Feed", "هسبريس"},
		{"RSS - France 24", "France 24"},
		{"Latest News | Sky News Arabia", "Sky News Arabia"},
		{"Sky News Arabia", "Sky News Arabia"},
		{"CNN Arabic RSS Feed", "CNN Arabic"},
		{"BBC News عربي", "BBC News عربي"},
		{"الجزيرة نت - آخر الأخبار", "الجزيرة نت"},
		{"خلاصة الشرق الأوسط", "الشرق الأوسط"},
		{"Al Jazeera – Middle East", "Al Jazeera - Middle East"},
		{"  Enab   Baladi  » Feed ", "Enab Baladi"},
		{"Feed", "Feed"},
		{"Latest News", "Latest News"},
		{"", ""},
	} {
		if got := news.CleanFeedTitle(tc.in); got != tc.want {
			t.Errorf("CleanFeedTitle(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestOptionValuesRoundTrip(t *testing.T) {
	want := news.FeedOptions{FullText: news.FullTextNever, Lang: news.LangAny, Breaking: news.Yes, Country: "morocco", Name: "الشرق الأوسط"}
	var got news.FeedOptions
	for _, kv := range want.Values() {
		if err := news.ParseFeedOption(&got, kv[0], kv[1]); err != nil {
			t.Fatal(err)
		}
	}
	if got != want {
		t.Errorf("round trip = %+v, want %+v", got, want)
	}
	if err := news.ParseFeedOption(&got, "images", "on"); !errors.Is(err, news.ErrFeedOption) {
		t.Errorf("unknown key: %v", err)
	}
}
