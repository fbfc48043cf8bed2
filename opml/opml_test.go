package opml_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ajel-news/ajel/feed"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/opml"
)

// memStore is an in-memory opml.Store.
type memStore struct{ feeds []news.Feed }

func (s *memStore) FeedByAddress(_ context.Context, addr string) (news.Feed, error) {
	for _, f := range s.feeds {
		if f.URL == addr || f.PageURL == addr && addr != "" {
			return f, nil
		}
	}
	return news.Feed{}, news.ErrNotFound
}

func (s *memStore) AddFeed(ctx context.Context, f news.Feed) (news.Feed, error) {
	if got, err := s.FeedByAddress(ctx, f.URL); err == nil {
		return got, news.ErrAlreadyExists
	}
	f.ID = int64(len(s.feeds) + 1)
	s.feeds = append(s.feeds, f)
	return f, nil
}

// check is the app's check without name resolution: the address must be
// http(s), and an IP literal must not be internal.
func check(ctx context.Context, e *opml.Entry) error {
	if err := feed.ValidateURL(ctx, e.URL, true); err != nil {
		return err
	}
	if u, _ := url.Parse(e.URL); u != nil {
		if _, err := netip.ParseAddr(u.Hostname()); err == nil || u.Hostname() == "localhost" {
			return feed.ValidateURL(ctx, e.URL, false)
		}
	}
	return nil
}

func doc(body string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><opml version="2.0"><head><title>feeds</title></head><body>` + body + `</body></opml>`
}

func outline(title, url string) string {
	return fmt.Sprintf(`<outline type="rss" text="%s" title="%s" xmlUrl="%s"/>`, title, title, url)
}

func TestImport(t *testing.T) {
	body := outline("Hespress - Article Feed", "https://www.hespress.com/feed") +
		`<outline text="أخبار عربية" title="أخبار عربية">` +
		outline("الجزيرة نت - آخر الأخبار", "https://www.aljazeera.net/rss") +
		`<outline text="مجلد داخل مجلد">` + outline("Enab Baladi", "https://www.enabbaladi.net/feed") + `</outline>` +
		`</outline>` +
		outline("again", "https://www.hespress.com/feed") + // listed twice
		`<outline text="a bookmark, no feed" url="https://example.com/"/>` +
		outline("loopback", "http://127.0.0.1:8080/rss") +
		outline("metadata", "http://169.254.169.254/latest/meta-data/") +
		outline("intranet", "http://10.1.2.3/feed") +
		outline("not http", "ftp://files.example.com/feed.xml") +
		`<outline text="bad option" xmlUrl="https://bad.example/rss" xmlns:ajel="` + opml.Namespace + `" ajel:fulltext="sometimes"/>` +
		outline("&lt;b&gt;Marked&lt;/b&gt; up", "https://markup.example/rss") +
		outline(strings.Repeat("اسم طويل ", 30), "https://long.example/rss")
	store := &memStore{feeds: []news.Feed{{ID: 1, URL: "https://www.aljazeera.net/rss", Title: "known"}}}
	rep, err := opml.Import(t.Context(), strings.NewReader(doc(body)), store, check)
	if err != nil {
		t.Fatal(err)
	}
	var added []string
	for _, f := range rep.Added {
		added = append(added, f.URL+" "+f.Name)
	}
	want := []string{
		"https://www.hespress.com/feed Hespress",
		"https://www.enabbaladi.net/feed Enab Baladi",
		"https://markup.example/rss Marked up",
	}
	if len(added) != 4 || strings.Join(added[:3], "\n") != strings.Join(want, "\n") {
		t.Fatalf("added:\n%s\nwant the nested feed, names cleaned, and the long one:\n%s", strings.Join(added, "\n"), strings.Join(want, "\n"))
	}
	if long := []rune(rep.Added[3].Name); len(long) > news.MaxFeedNameLen || len(long) < 40 {
		t.Errorf("a 270-character title became the name %q (%d characters), want it cut at a word to at most %d", rep.Added[3].Name, len(long), news.MaxFeedNameLen)
	}
	if len(rep.Known) != 1 || rep.Known[0].URL != "https://www.aljazeera.net/rss" || rep.Repeated != 1 {
		t.Errorf("known %+v, repeated %d; want the one already there, and one repeat", rep.Known, rep.Repeated)
	}
	wantRefused := []struct {
		url string
		err error
	}{
		{"", news.ErrNoFeedURL},
		{"http://127.0.0.1:8080/rss", news.ErrPrivateAddress},
		{"http://169.254.169.254/latest/meta-data/", news.ErrPrivateAddress},
		{"http://10.1.2.3/feed", news.ErrPrivateAddress},
		{"ftp://files.example.com/feed.xml", news.ErrBadURL},
		{"https://bad.example/rss", news.ErrFeedOption},
	}
	if len(rep.Refused) != len(wantRefused) {
		t.Fatalf("refused %d: %+v, want %d", len(rep.Refused), rep.Refused, len(wantRefused))
	}
	for i, w := range wantRefused {
		if r := rep.Refused[i]; r.URL != w.url || !errors.Is(r.Err, w.err) {
			t.Errorf("refused[%d] = %s %v, want %s %v", i, r.URL, r.Err, w.url, w.err)
		}
	}
	if len(store.feeds) != 5 {
		t.Errorf("%d feeds stored, want 5", len(store.feeds))
	}
}

func TestImportRefusesAWholeFileThatIsNoOPML(t *testing.T) {
	big := doc(strings.Repeat(outline("x", "https://a.example/rss")+"<!-- padding -->", 1)) + strings.Repeat(" ", 10<<20)
	var many strings.Builder
	for i := range 5000 {
		many.WriteString(outline(fmt.Sprint("feed ", i), fmt.Sprintf("https://f%d.example/rss", i)))
	}
	for _, tc := range []struct {
		name, data string
		want       error
	}{
		{"not XML", "Hespress,https://www.hespress.com/feed\n", opml.ErrNotOPML},
		{"an HTML page", "<!doctype html><html><body>hi</body></html>", opml.ErrNotOPML},
		{"broken XML", `<opml version="2.0"><body><outline xmlUrl="https://a.example/rss">`, opml.ErrNotOPML},
		{"another root", `<rss version="2.0"><channel></channel></rss>`, opml.ErrNotOPML},
		{"empty", "", opml.ErrNotOPML},
		{"10 MB", big, opml.ErrTooLarge},
		{"5,000 outlines", doc(many.String()), opml.ErrTooManyOutlines},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := &memStore{}
			rep, err := opml.Import(t.Context(), strings.NewReader(tc.data), store, check)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if len(store.feeds) != 0 || len(rep.Added) != 0 {
				t.Errorf("%d feeds added from a refused file", len(store.feeds))
			}
		})
	}
}

func TestExportThenImportKeepsNamesAndOptions(t *testing.T) {
	feeds := []news.Feed{
		{ID: 1, URL: "https://www.hespress.com/feed", Title: "Hespress - Article Feed", Country: "morocco"},
		{ID: 2, URL: "https://a.example/rss?x=1&y=2", Title: "A", Name: "الشرق \"الأوسط\" & <غيره>", FullText: news.FullTextNever,
			Lang: news.LangAny, Breaking: true, PageURL: "https://a.example/"},
		{ID: 3, URL: "https://b.example/atom", Title: "", FullText: news.FullTextAuto, Lang: news.LangArabic},
	}
	// A name with markup cannot be stored; one with quotes and & can.
	feeds[1].Name = `الشرق "الأوسط" & غيره`
	var out bytes.Buffer
	if err := opml.Write(&out, feeds, time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<opml version="2.0"`, `text="Hespress"`, `ajel:country="morocco"`, `xmlUrl="https://a.example/rss?x=1&amp;y=2"`,
		`ajel:fulltext="never"`, `ajel:lang="any"`, `ajel:breaking="yes"`, `htmlUrl="https://a.example/"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("export lacks %s:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), `ajel:fulltext="auto"`) {
		t.Error("a default option was exported")
	}
	store := &memStore{}
	rep, err := opml.Import(t.Context(), bytes.NewReader(out.Bytes()), store, check)
	if err != nil || len(rep.Added) != 3 || len(rep.Refused) != 0 {
		t.Fatalf("import of the export: %+v, %v", rep, err)
	}
	for i, f := range store.feeds {
		w := feeds[i]
		if f.URL != w.URL || f.Name != w.Name || f.Country != w.Country || f.Breaking != w.Breaking ||
			(w.FullText == news.FullTextNever) != (f.FullText == news.FullTextNever) || (w.Lang == news.LangAny) != (f.Lang == news.LangAny) {
			t.Errorf("feed %d after the round trip = %+v, want %+v", i+1, f, w)
		}
	}
	// Imported again: all known, nothing added.
	rep, err = opml.Import(t.Context(), bytes.NewReader(out.Bytes()), store, check)
	if err != nil || len(rep.Added) != 0 || len(rep.Known) != 3 {
		t.Errorf("second import: %+v, %v", rep, err)
	}
}

func TestReadOtherEncodings(t *testing.T) {
	// windows-1256, as some Arabic tools still write.
	data := []byte("<?xml version=\"1.0\" encoding=\"windows-1256\"?><opml version=\"1.0\"><body><outline text=\"\xc7\xe1\xc3\xce\xc8\xc7\xd1\" xmlUrl=\"https://a.example/rss\"/></body></opml>")
	entries, err := opml.Read(bytes.NewReader(data))
	if err != nil || len(entries) != 1 || entries[0].Name != "الأخبار" {
		t.Fatalf("= %+v, %v", entries, err)
	}
}
