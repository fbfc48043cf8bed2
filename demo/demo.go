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
	"net/http"
	"net/http/httptest"
	"sync"
	"time"
)

//go:embed articles.json
var articlesJSON []byte

// Article is one sample news item.
type Article struct {
	Outlet string `json:"outlet"` // which sample feed carries it
	Title  string `json:"title"`
	Text   string `json:"text"`
	Link   string `json:"link"`
}

// Articles returns the sample news, in release order.
func Articles() []Article {
	var as []Article
	if err := json.Unmarshal(articlesJSON, &as); err != nil {
		panic("demo: embedded articles.json is broken: " + err.Error()) // guarded by a test
	}
	return as
}

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
}

// NewFeedServer starts serving with the first initial articles already
// published (they are what a new feed holds when Ajel first sees it, so
// they are recorded and never pushed).
func NewFeedServer(articles []Article, initial int) *FeedServer {
	fs := &FeedServer{articles: articles, released: min(initial, len(articles)), start: time.Now().UTC()}
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
	Title       string `xml:"title"`
	Link        string `xml:"link"`
	GUID        string `xml:"guid"`
	Description string `xml:"description"`
	PubDate     string `xml:"pubDate"`
}

func (fs *FeedServer) serve(w http.ResponseWriter, r *http.Request) {
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
		doc.Channel.Items = append(doc.Channel.Items, rssItem{
			Title: a.Title, Link: a.Link, GUID: fmt.Sprintf("%s-%d", outlet, i),
			Description: a.Text,
			PubDate:     fs.start.Add(time.Duration(i) * time.Minute).Format(time.RFC1123Z),
		})
	}
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	fmt.Fprint(w, xml.Header)
	enc := xml.NewEncoder(w)
	enc.Indent("", " ")
	_ = enc.Encode(doc) // a broken connection is the client's problem
}
