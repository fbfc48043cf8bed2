// Package demo holds what `ajel demo` needs besides the real bot: sample
// Arabic news written for Ajel, a feed server that releases it a few items
// at a time, and a chat page that looks like Telegram and talks to the
// in-process fake Bot API.
package demo

import (
	_ "embed"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"time"
)

//go:embed articles.json
var articlesJSON []byte

//go:embed archive.json
var archiveJSON []byte

// Article is one sample news item.
type Article struct {
	Outlet string `json:"outlet"` // which sample feed carries it
	Title  string `json:"title"`
	Text   string `json:"text"`
	Link   string `json:"link"`
	// Teaser: the feed carries only the first words; the whole text is on
	// the article page the feed server serves, which Ajel reads.
	Teaser bool `json:"teaser,omitempty"`
	// Picture names one of the demo's pictures (see pictures.go): the
	// item's enclosure, or the og:image of its page when Teaser.
	Picture string `json:"picture,omitempty"`
}

// teaserWords is how many words a teaser item of the sample feeds keeps.
const teaserWords = 15

// Articles returns the sample news, in release order.
func Articles() []Article { return mustArticles("articles.json", articlesJSON) }

// Archive returns yesterday's sample news, oldest first: what the sample
// feeds already list when Ajel first reads them. Ajel records it without
// pushing it, and from it learns which words are common in the news, so
// that it can tell when two outlets report one event in their own words
// (event matching weighs words only once it has seen some thirty
// articles).
func Archive() []Article { return mustArticles("archive.json", archiveJSON) }

func mustArticles(name string, data []byte) []Article {
	var as []Article
	if err := json.Unmarshal(data, &as); err != nil {
		panic("demo: embedded " + name + " is broken: " + err.Error()) // guarded by a test
	}
	return as
}

// archiveSpan is how long before the demo starts the archive was
// published: its items are spread over the day before.
const archiveSpan = 20 * time.Hour

// outletTitles names the sample outlets; they are invented.
var outletTitles = map[string]string{
	"wire":   "وكالة الخبر",
	"levant": "الشام اليوم",
}

// FeedServer serves one RSS feed per sample outlet on loopback and releases
// the sample articles one at a time.
type FeedServer struct {
	srv      *httptest.Server
	articles []Article
	start    time.Time

	mu       sync.Mutex
	released int
	// published is when each released article came out: its date in the
	// feed, as an outlet dates an item when it publishes it.
	published []time.Time
}

// NewFeedServer starts serving with the archive and the first initial
// articles already published (they are what a new feed holds when Ajel
// first sees it, so they are recorded and never pushed): the archive
// over the day before, the initial articles in the minutes before.
func NewFeedServer(archive, articles []Article, initial int) *FeedServer {
	initial = min(initial, len(articles))
	fs := &FeedServer{articles: append(slices.Clone(archive), articles...), released: len(archive) + initial, start: time.Now().UTC()}
	for i := range archive {
		fs.published = append(fs.published, fs.start.Add(-archiveSpan+time.Duration(i)*archiveSpan/time.Duration(len(archive))))
	}
	for i := range initial {
		fs.published = append(fs.published, fs.start.Add(time.Duration(i-initial)*time.Minute))
	}
	fs.srv = httptest.NewServer(http.HandlerFunc(fs.serve))
	return fs
}

// URLs are the feed addresses, one per outlet.
func (fs *FeedServer) URLs() []string {
	return []string{fs.srv.URL + "/wire.xml", fs.srv.URL + "/levant.xml"}
}

// Release publishes the next article and returns it; ok is false when
// everything is out.
func (fs *FeedServer) Release() (a Article, ok bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.released >= len(fs.articles) {
		return Article{}, false
	}
	a = fs.articles[fs.released]
	fs.released++
	fs.published = append(fs.published, time.Now().UTC())
	return a, true
}

// Remaining is how many articles are still to be released.
func (fs *FeedServer) Remaining() int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return len(fs.articles) - fs.released
}

// Close stops the server.
func (fs *FeedServer) Close() { fs.srv.Close() }

type rssDoc struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	Channel rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title string    `xml:"title"`
	Link  string    `xml:"link"`
	Items []rssItem `xml:"item"`
}

type rssItem struct {
	Title       string        `xml:"title"`
	Link        string        `xml:"link"`
	GUID        string        `xml:"guid"`
	Description string        `xml:"description"`
	PubDate     string        `xml:"pubDate"`
	Enclosure   *rssEnclosure `xml:"enclosure,omitempty"`
}

type rssEnclosure struct {
	URL    string `xml:"url,attr"`
	Type   string `xml:"type,attr"`
	Length int    `xml:"length,attr"`
}

// pagePath is where the feed server serves article i's page.
func pagePath(i int) string { return fmt.Sprintf("/articles/%d.html", i) }

func (fs *FeedServer) serve(w http.ResponseWriter, r *http.Request) {
	switch {
	case strings.HasPrefix(r.URL.Path, "/pictures/"):
		servePicture(w, r, strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/pictures/"), ".png"))
		return
	case strings.HasPrefix(r.URL.Path, "/articles/"):
		fs.servePage(w, r)
		return
	}
	outlet := map[string]string{"/wire.xml": "wire", "/levant.xml": "levant"}[r.URL.Path]
	if outlet == "" {
		http.NotFound(w, r)
		return
	}
	fs.mu.Lock()
	released := fs.released
	fs.mu.Unlock()
	doc := rssDoc{Version: "2.0", Channel: rssChannel{Title: outletTitles[outlet], Link: "https://" + outlet + ".example/"}}
	// Newest first, as real feeds are.
	for i := released - 1; i >= 0; i-- {
		a := fs.articles[i]
		if a.Outlet != outlet {
			continue
		}
		it := rssItem{
			Title: a.Title, Link: a.Link, GUID: fmt.Sprintf("%s-%d", outlet, i),
			Description: a.Text,
			PubDate:     fs.published[i].Format(time.RFC1123Z),
		}
		switch {
		case a.Teaser:
			words := strings.Fields(a.Text)
			it.Description = strings.Join(words[:min(teaserWords, len(words))], " ") + "…"
			it.Link = fs.srv.URL + pagePath(i)
		case a.Picture != "":
			it.Enclosure = &rssEnclosure{URL: fs.srv.URL + "/pictures/" + a.Picture + ".png", Type: "image/png", Length: 1}
		}
		doc.Channel.Items = append(doc.Channel.Items, it)
	}
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	fmt.Fprint(w, xml.Header)
	enc := xml.NewEncoder(w)
	enc.Indent("", " ")
	_ = enc.Encode(doc) // a broken connection is the client's problem
}

// servePage serves a released teaser article's page, as a news site
// would: a menu, the article with its picture in og:image, a footer.
func (fs *FeedServer) servePage(w http.ResponseWriter, r *http.Request) {
	var i int
	if _, err := fmt.Sscanf(r.URL.Path, "/articles/%d.html", &i); err != nil || pagePath(i) != r.URL.Path {
		http.NotFound(w, r)
		return
	}
	fs.mu.Lock()
	released := fs.released
	fs.mu.Unlock()
	if i < 0 || i >= released || !fs.articles[i].Teaser {
		http.NotFound(w, r)
		return
	}
	a := fs.articles[i]
	var body strings.Builder
	for _, p := range strings.Split(a.Text, "\n") {
		body.WriteString("<p>" + html.EscapeString(p) + "</p>\n")
	}
	img := ""
	if a.Picture != "" {
		img = `<meta property="og:image" content="` + fs.srv.URL + "/pictures/" + a.Picture + `.png">`
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, `<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>%[1]s</title>%[2]s</head>
<body><nav><a href="/">الرئيسية</a> · <a href="/syria">سوريا</a> · <a href="/world">العالم</a></nav>
<article><h1>%[1]s</h1>
%[3]s</article>
<footer>%[4]s · موقع تجريبي كتبه فريق عاجل</footer></body></html>`,
		html.EscapeString(a.Title), img, body.String(), html.EscapeString(outletTitles[a.Outlet]))
}
