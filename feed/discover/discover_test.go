package discover_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ajel-news/ajel/feed"
	"github.com/ajel-news/ajel/feed/discover"
	"github.com/ajel-news/ajel/news"
)

// publicHost stands for a site on the internet: the test server is on
// loopback, which the guard refuses, so requests to this name go to it
// directly, as a public address would pass the guard; every other
// address (127.0.0.1, 169.254.169.254…) goes through the guarded client.
const publicHost = "news.ajel-test.net"

type splitTransport struct {
	public  string // host:port of the test server
	guarded *feed.Fetcher
}

func (t splitTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Hostname() == publicHost {
		r := req.Clone(req.Context())
		r.URL.Host = t.public
		resp, err := http.DefaultTransport.RoundTrip(r)
		if resp != nil {
			resp.Request = req // the client sees the public name
		}
		return resp, err
	}
	return t.guarded.Do(req.Clone(req.Context()))
}

func rss(title string) string {
	return `<?xml version="1.0"?><rss version="2.0"><channel><title>` + title +
		`</title><item><title>خبر</title><link>https://` + publicHost + `/a/1</link></item></channel></rss>`
}

func page(head string) string {
	return `<!doctype html><html><head><title>الموقع</title>` + head + `</head><body><p>أخبار</p></body></html>`
}

// site serves the handlers by path, counting requests per path.
type site struct {
	t      *testing.T
	pages  map[string]string // path -> body (a feed or a page)
	hits   map[string]*atomic.Int32
	finder *discover.Finder
	srv    *httptest.Server
}

func newSite(t *testing.T, pages map[string]string) *site {
	s := &site{t: t, pages: pages, hits: map[string]*atomic.Int32{}}
	for p := range pages {
		s.hits[p] = &atomic.Int32{}
	}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/loop" {
			http.Redirect(w, r, "/loop", http.StatusFound)
			return
		}
		if r.URL.Path == "/to-metadata" {
			http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusFound)
			return
		}
		body, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		s.hits[r.URL.Path].Add(1)
		if strings.HasPrefix(body, "<!doctype") {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
		} else {
			w.Header().Set("Content-Type", "application/rss+xml")
		}
		fmt.Fprint(w, body)
	}))
	t.Cleanup(s.srv.Close)
	guarded := feed.NewFetcher(feed.Options{})
	f := feed.NewFetcher(feed.Options{Client: &http.Client{Transport: splitTransport{
		public: strings.TrimPrefix(s.srv.URL, "http://"), guarded: guarded}}})
	s.finder = discover.New(f, discover.Options{})
	return s
}

func at(path string) string { return "http://" + publicHost + path }

func TestAFeedsOwnAddressIsItself(t *testing.T) {
	s := newSite(t, map[string]string{"/rss": rss("Hespress - Article Feed")})
	got, err := s.finder.Find(t.Context(), at("/rss"))
	if err != nil || !got.Direct || len(got.Feeds) != 1 || got.Feeds[0].URL != at("/rss") || got.Feeds[0].Title != "Hespress - Article Feed" {
		t.Fatalf("= %+v, %v; want the feed itself", got, err)
	}
}

func TestAPageLinkingOneFeed(t *testing.T) {
	s := newSite(t, map[string]string{
		"/":             page(`<link rel="stylesheet" href="/s.css"><LINK REL="Alternate" TYPE="application/rss+xml; charset=utf-8" title="الأخبار" href="news/rss.xml#x">`),
		"/news/rss.xml": rss("الموقع"),
	})
	got, err := s.finder.Find(t.Context(), at("/"))
	if err != nil || got.Direct || len(got.Feeds) != 1 || got.Feeds[0].URL != at("/news/rss.xml") || got.Page != at("/") {
		t.Fatalf("= %+v, %v; want the one linked feed, its relative href resolved", got, err)
	}
}

func TestAPageLinkingTenFeeds(t *testing.T) {
	var head strings.Builder
	pages := map[string]string{}
	// The comments feed first on the page, last in the answer.
	head.WriteString(`<link rel="alternate" type="application/rss+xml" title="Comments Feed" href="/comments/feed">`)
	pages["/comments/feed"] = rss("التعليقات")
	for i := 1; i <= 9; i++ {
		typ := []string{"application/rss+xml", "application/atom+xml", "application/feed+json"}[i%3]
		p := fmt.Sprintf("/section/%d/feed", i)
		fmt.Fprintf(&head, `<link rel="alternate" type="%s" title="قسم %d" href="%s">`, typ, i, p)
		pages[p] = rss(fmt.Sprintf("قسم %d", i))
	}
	pages["/"] = page(head.String())
	s := newSite(t, pages)
	got, err := s.finder.Find(t.Context(), at("/"))
	if err != nil || len(got.Feeds) != 10 {
		t.Fatalf("= %d feeds (%+v), %v; want ten", len(got.Feeds), got, err)
	}
	for i := 1; i <= 9; i++ {
		if want := at(fmt.Sprintf("/section/%d/feed", i)); got.Feeds[i-1].URL != want {
			t.Errorf("feed %d = %s, want %s (the page's order)", i, got.Feeds[i-1].URL, want)
		}
	}
	if got.Feeds[9].URL != at("/comments/feed") {
		t.Errorf("last = %s, want the comments feed", got.Feeds[9].URL)
	}
}

func TestAPageWithNoFeed(t *testing.T) {
	s := newSite(t, map[string]string{"/": page(`<link rel="alternate" hreflang="en" href="/en/">`)})
	got, err := s.finder.Find(t.Context(), at("/"))
	if !errors.Is(err, news.ErrNoFeed) || len(got.Feeds) != 0 {
		t.Fatalf("= %+v, %v; want ErrNoFeed and nothing", got, err)
	}
}

func TestAPageWithAFeedAtAUsualPath(t *testing.T) {
	s := newSite(t, map[string]string{"/": page(""), "/rss.xml": rss("الموقع"), "/atom.xml": rss("آخر")})
	got, err := s.finder.Find(t.Context(), at("/"))
	if err != nil || len(got.Feeds) != 1 || got.Feeds[0].URL != at("/rss.xml") {
		t.Fatalf("= %+v, %v; want /rss.xml, the first usual path that is a feed", got, err)
	}
	if s.hits["/atom.xml"].Load() != 0 {
		t.Error("paths after the first feed were tried")
	}
}

// A page linking a "feed" that is itself a web page: not a feed.
func TestALinkedPageIsNoFeed(t *testing.T) {
	s := newSite(t, map[string]string{
		"/":     page(`<link rel="alternate" type="application/rss+xml" href="/html">`),
		"/html": page(""),
	})
	got, err := s.finder.Find(t.Context(), at("/"))
	if !errors.Is(err, news.ErrNoFeed) || len(got.Feeds) != 0 || len(got.Refused) != 1 || !errors.Is(got.Refused[0].Err, feed.ErrNotAFeed) {
		t.Fatalf("= %+v, %v; want ErrNoFeed with the link refused as not a feed", got, err)
	}
}

func TestFeedLinksToInternalOrScriptAddressesAreRefused(t *testing.T) {
	var internalHits atomic.Int32
	internal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		internalHits.Add(1)
		fmt.Fprint(w, rss("secret"))
	}))
	defer internal.Close()
	s := newSite(t, map[string]string{
		"/": page(`<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">` +
			`<link rel="alternate" type="application/rss+xml" href="data:application/rss+xml;base64,PHJzcz4=">` +
			`<link rel="alternate" type="application/rss+xml" href="` + internal.URL + `/rss">` +
			`<link rel="alternate" type="application/atom+xml" href="http://169.254.169.254/latest/meta-data/">` +
			`<link rel="alternate" type="application/rss+xml" href="/to-metadata">`),
		"/good": page(`<link rel="alternate" type="application/rss+xml" href="javascript:void(0)">` +
			`<link rel="alternate" type="application/rss+xml" href="/feed.rss">`),
		"/feed.rss": rss("الموقع"),
	})
	got, err := s.finder.Find(t.Context(), at("/"))
	if !errors.Is(err, news.ErrNoFeed) || len(got.Feeds) != 0 {
		t.Fatalf("= %+v, %v; want no feed", got, err)
	}
	var bad, private int
	for _, r := range got.Refused {
		switch {
		case errors.Is(r.Err, news.ErrBadURL):
			bad++
		case errors.Is(r.Err, news.ErrPrivateAddress):
			private++
		default:
			t.Errorf("refused %s: %v", r.URL, r.Err)
		}
	}
	if bad != 2 || private != 3 {
		t.Errorf("refused %d as not http(s), %d as internal; want 2 and 3: %+v", bad, private, got.Refused)
	}
	if internalHits.Load() != 0 {
		t.Error("the internal address was reached")
	}
	// The good link beside a bad one is still found.
	got, err = s.finder.Find(t.Context(), at("/good"))
	if err != nil || len(got.Feeds) != 1 || got.Feeds[0].URL != at("/feed.rss") || len(got.Refused) != 1 {
		t.Errorf("= %+v, %v; want the one good feed", got, err)
	}
}

func TestAPageThatRedirectsInALoop(t *testing.T) {
	s := newSite(t, map[string]string{})
	_, err := s.finder.Find(t.Context(), at("/loop"))
	if !errors.Is(err, feed.ErrTooManyRedirects) {
		t.Fatalf("err = %v, want ErrTooManyRedirects", err)
	}
}

func TestAnAddressThatIsNoSite(t *testing.T) {
	s := newSite(t, map[string]string{})
	for _, addr := range []string{"javascript:alert(1)", "ftp://a.example/feed", "news", "http://"} {
		if _, err := s.finder.Find(t.Context(), addr); !errors.Is(err, news.ErrBadURL) {
			t.Errorf("%s: %v, want ErrBadURL", addr, err)
		}
	}
	_, err := s.finder.Find(t.Context(), "http://127.0.0.1:1/")
	if !errors.Is(err, news.ErrPrivateAddress) {
		t.Errorf("loopback: %v, want ErrPrivateAddress", err)
	}
	_, err = s.finder.Find(t.Context(), at("/missing"))
	var fe *feed.FetchError
	if !errors.As(err, &fe) || fe.StatusCode != http.StatusNotFound {
		t.Errorf("a 404: %v, want a FetchError", err)
	}
}

func TestARelativeLinkFollowsTheBase(t *testing.T) {
	s := newSite(t, map[string]string{
		"/ar/index.html": page(`<base href="/ar/news/"><link rel="alternate" type="application/atom+xml" href="atom">`),
		"/ar/news/atom":  rss("الموقع"),
	})
	got, err := s.finder.Find(t.Context(), at("/ar/index.html"))
	if err != nil || len(got.Feeds) != 1 || got.Feeds[0].URL != at("/ar/news/atom") {
		t.Fatalf("= %+v, %v", got, err)
	}
	if u, _ := url.Parse(got.Feeds[0].URL); u.Fragment != "" {
		t.Error("fragment kept")
	}
}
