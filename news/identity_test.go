package news_test

import (
	"strings"
	"testing"

	"github.com/ajel-news/ajel/news"
)

func TestCanonicalLink(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://example.org/a?utm_source=x&utm_medium=y", "https://example.org/a"},
		{"https://example.org/a?id=3&utm_campaign=z&page=2#comments", "https://example.org/a?id=3&page=2"},
		{"https://example.org/a?fbclid=1&gclid=2&ref=tw&REF_SRC=x&msclkid=3&id=9", "https://example.org/a?id=9"},
		{"HTTPS://Example.ORG:443/Path", "https://example.org/Path"},
		{"http://example.org:80", "http://example.org/"},
		{"http://example.org:8080/x", "http://example.org:8080/x"},
		{"  https://example.org/x#frag  ", "https://example.org/x"},
		{"https://example.org/x?", "https://example.org/x"},
		{"https://www.skynewsarabia.com/middle-east/1-%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1", "https://www.skynewsarabia.com/middle-east/1-%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1"},
		{"https://www.skynewsarabia.com/middle-east/1-أخبار", "https://www.skynewsarabia.com/middle-east/1-%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1"},
		{"https://example.org/search?q=%D8%B3&utm_term=x", "https://example.org/search?q=%D8%B3"},
		{"https://[2001:db8::1]:443/x", "https://[2001:db8::1]/x"},
		{"/relative/path?utm_source=x", "/relative/path?utm_source=x"},
		{"mailto:a@example.org", "mailto:a@example.org"},
		{"not a url", "not a url"},
		{"http://a b.com/", "http://a b.com/"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := news.CanonicalLink(tt.in); got != tt.want {
			t.Errorf("CanonicalLink(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestItemKey(t *testing.T) {
	k := news.ItemKey("guid-1", "https://example.org/a", "t", "c")
	tests := []struct {
		name string
		a, b string
		same bool
	}{
		{"guid wins over link", k, news.ItemKey("guid-1", "https://example.org/other", "x", "y"), true},
		{"guid trimmed", k, news.ItemKey("  guid-1\n", "", "", ""), true},
		{"other guid", k, news.ItemKey("guid-2", "https://example.org/a", "t", "c"), false},
		{"link ignores tracking", news.ItemKey("", "https://example.org/a?utm_source=x#f", "t1", "c1"), news.ItemKey("", "https://example.org/a", "t2", "c2"), true},
		{"different links", news.ItemKey("", "https://example.org/a", "", ""), news.ItemKey("", "https://example.org/b", "", ""), false},
		{"title+content, spacing ignored", news.ItemKey("", "", "عنوان  الخبر", "نص\nالخبر"), news.ItemKey("", "", " عنوان الخبر", "نص الخبر "), true},
		{"title vs content boundary", news.ItemKey("", "", "ab", "c"), news.ItemKey("", "", "a", "bc"), false},
		{"guid equal to a link is still a guid", news.ItemKey("https://example.org/a", "", "", ""), news.ItemKey("", "https://example.org/a", "", ""), false},
	}
	for _, tt := range tests {
		if (tt.a == tt.b) != tt.same {
			t.Errorf("%s: %q vs %q, same = %v", tt.name, tt.a, tt.b, tt.same)
		}
	}
	// Stable across versions: these values are stored in the database.
	stable := map[string]string{
		news.ItemKey("guid-1", "", "", ""):                "g:",
		news.ItemKey("", "https://example.org/a", "", ""): "l:",
		news.ItemKey("", "", "t", "c"):                    "h:",
	}
	for key, prefix := range stable {
		if !strings.HasPrefix(key, prefix) || len(key) != 34 {
			t.Errorf("key %q: want prefix %q and 34 bytes", key, prefix)
		}
	}
	if got, want := news.ItemKey("guid-1", "", "", ""), "g:c1ce8282f097d63fd8eb33f7daba41a7"; got != want {
		t.Errorf("ItemKey changed: got %q, want %q", got, want)
	}
}

// One page is one LinkKey however a site spells its address over the
// years: http or https, with or without www., with or without a trailing
// slash or tracking parameters. A different path or query is another page.
func TestLinkKey(t *testing.T) {
	base := news.LinkKey("http://news.example/a/1")
	for _, same := range []string{
		"https://news.example/a/1", "https://www.news.example/a/1/", "http://WWW.News.Example:80/a/1",
		"https://news.example/a/1?utm_source=rss#top",
	} {
		if got := news.LinkKey(same); got != base {
			t.Errorf("LinkKey(%q) = %q, want %q (the same page)", same, got, base)
		}
	}
	for _, other := range []string{
		"https://news.example/a/2", "https://news.example/a/1?id=2", "https://sub.news.example/a/1", "https://news.example/a",
	} {
		if news.LinkKey(other) == base {
			t.Errorf("LinkKey(%q) is the key of another page", other)
		}
	}
	for _, none := range []string{"", "/relative/1", "mailto:a@news.example", "not a url", "https://news.example/", "https://www.news.example"} {
		if got := news.LinkKey(none); got != "" {
			t.Errorf("LinkKey(%q) = %q, want none", none, got)
		}
	}
	if !strings.HasPrefix(base, "k:") || len(base) != 34 {
		t.Errorf("LinkKey = %q: want k: and 32 hex digits", base)
	}
}
