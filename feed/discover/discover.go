// Package discover finds the feeds of an address an operator typed: a
// feed's own address is itself; a site's page names its feeds in
// <link rel="alternate" type="application/rss+xml|atom+xml|feed+json">,
// and a site that names none may still answer at the usual paths (/feed,
// /rss, /rss.xml, /feed.xml, /atom.xml, /index.xml). Every request goes
// through a feed.Fetcher's guarded client (internal addresses refused at
// connect time, also after a redirect; a redirect loop refused), and a
// candidate counts only once it was fetched and parsed as a feed: a page
// that is not a feed is never given back as one.
package discover

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"

	"github.com/ajel-news/ajel/feed"
	"github.com/ajel-news/ajel/internal/parallel"
	"github.com/ajel-news/ajel/internal/textcut"
	"github.com/ajel-news/ajel/news"
)

// Defaults for Options.
const (
	// DefaultTimeout bounds each request (the page, each candidate).
	DefaultTimeout = 15 * time.Second
	// DefaultMaxLinks is how many of the feeds a page links to are
	// checked: a page linking more names its main ones first.
	DefaultMaxLinks = 12
	// DefaultMaxBytes caps a page or a candidate, after decompression.
	DefaultMaxBytes int64 = 5 << 20
	// checkAtOnce is how many candidates are fetched at the same time.
	checkAtOnce = 4
)

// UsualPaths are tried, in order, on the site of a page that links to no
// feed (or to none that works); the first that is a feed is taken.
var UsualPaths = []string{"/feed", "/rss", "/rss.xml", "/feed.xml", "/atom.xml", "/index.xml"}

// feedTypes are the link types of a feed (<link type>), without parameters.
var feedTypes = map[string]bool{
	"application/rss+xml":   true,
	"application/atom+xml":  true,
	"application/feed+json": true,
	"application/rdf+xml":   true,
}

// Options tune a Finder. The zero value is usable.
type Options struct {
	Timeout  time.Duration
	MaxLinks int
	MaxBytes int64
}

// Finder finds feeds through a Fetcher. It is safe for concurrent use.
type Finder struct {
	f   *feed.Fetcher
	opt Options
}

// New returns a Finder that reaches sites through f.
func New(f *feed.Fetcher, opt Options) *Finder {
	if opt.Timeout <= 0 {
		opt.Timeout = DefaultTimeout
	}
	if opt.MaxLinks <= 0 {
		opt.MaxLinks = DefaultMaxLinks
	}
	if opt.MaxBytes <= 0 {
		opt.MaxBytes = DefaultMaxBytes
	}
	return &Finder{f: f, opt: opt}
}

// answer is one fetched address: where it ended after redirects, its
// content type and body.
type answer struct {
	url         *url.URL
	contentType string
	body        []byte
}

// Find says what rawURL is: a feed (Direct, with its title), or a web
// page and the feeds it links to, each fetched and parsed, in the page's
// order (comment feeds last), with the links refused and why. A page
// with no feed is news.ErrNoFeed (the search still says what was
// refused); an address that is not http(s) is news.ErrBadURL; an
// internal one news.ErrPrivateAddress; a redirect loop
// feed.ErrTooManyRedirects; a server error a *feed.FetchError.
func (d *Finder) Find(ctx context.Context, rawURL string) (news.FeedSearch, error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return news.FeedSearch{}, feed.Errorf(news.ErrBadURL, err, "feed: not an http(s) URL: %q", rawURL)
	}
	a, err := d.get(ctx, u.String())
	if err != nil {
		return news.FeedSearch{}, err
	}
	res, err := feed.ParseBytes(a.body, a.contentType, a.url)
	if err == nil {
		return news.FeedSearch{Direct: true, Page: a.url.String(),
			Feeds: []news.FeedLink{{URL: a.url.String(), Title: res.Title}}}, nil
	}
	if !errors.Is(err, feed.ErrNotAFeed) {
		return news.FeedSearch{}, err
	}
	search := news.FeedSearch{Page: a.url.String()}
	links, refused := d.links(a)
	search.Refused = refused
	found, failed := d.check(ctx, links)
	search.Feeds, search.Refused = found, append(search.Refused, failed...)
	if len(search.Feeds) == 0 {
		// A site that names no feed may still have one where feeds usually are.
		for _, p := range UsualPaths {
			if ctx.Err() != nil {
				return search, ctx.Err()
			}
			cand := &url.URL{Scheme: a.url.Scheme, Host: a.url.Host, Path: p}
			if f, err := d.feedAt(ctx, news.FeedLink{URL: cand.String()}); err == nil {
				search.Feeds = append(search.Feeds, f)
				break
			}
		}
	}
	if len(search.Feeds) == 0 {
		return search, fmt.Errorf("feed: %s is a web page with no feed: %w", redacted(a.url), news.ErrNoFeed)
	}
	return search, nil
}

// get fetches one address through the guard, reading at most MaxBytes.
func (d *Finder) get(ctx context.Context, rawURL string) (answer, error) {
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, d.opt.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return answer{}, feed.Errorf(news.ErrBadURL, err, "feed: not an http(s) URL: %q", rawURL)
	}
	req.Header.Set("Accept", "text/html, application/xhtml+xml, application/rss+xml, application/atom+xml, "+
		"application/feed+json, application/xml;q=0.9, */*;q=0.5")
	resp, err := d.f.Do(req)
	if err != nil {
		return answer{}, d.f.RequestError(parent, err, "feed: ", d.opt.Timeout)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return answer{}, &feed.FetchError{StatusCode: resp.StatusCode, Status: feed.StatusText(resp)}
	}
	body, err := feed.ReadLimited(resp.Body, d.opt.MaxBytes)
	if err != nil {
		if errors.Is(err, feed.ErrTooLarge) {
			return answer{}, err
		}
		return answer{}, d.f.RequestError(parent, err, "feed: ", d.opt.Timeout)
	}
	return answer{url: resp.Request.URL, contentType: resp.Header.Get("Content-Type"), body: body}, nil
}

// feedAt fetches a candidate and parses it: the link with the feed's
// address after redirects and its title (the link's own when the feed
// has none), or why it is no feed.
func (d *Finder) feedAt(ctx context.Context, l news.FeedLink) (news.FeedLink, error) {
	a, err := d.get(ctx, l.URL)
	if err != nil {
		return news.FeedLink{}, err
	}
	res, err := feed.ParseBytes(a.body, a.contentType, a.url)
	if err != nil {
		return news.FeedLink{}, err
	}
	title := res.Title
	if title == "" {
		title = l.Title
	}
	return news.FeedLink{URL: a.url.String(), Title: title}, nil
}

// check fetches the candidates, a few at a time, and keeps those that are
// feeds, in order, each address once.
func (d *Finder) check(ctx context.Context, links []news.FeedLink) ([]news.FeedLink, []news.RefusedLink) {
	type outcome struct {
		link news.FeedLink
		err  error
	}
	out := make([]outcome, len(links))
	parallel.For(len(links), checkAtOnce, func(i int) {
		f, err := d.feedAt(ctx, links[i])
		out[i] = outcome{f, err}
	})
	var found []news.FeedLink
	var refused []news.RefusedLink
	seen := map[string]bool{}
	for i, o := range out {
		switch {
		case o.err != nil:
			refused = append(refused, news.RefusedLink{URL: links[i].URL, Err: o.err})
		case !seen[o.link.URL]:
			seen[o.link.URL] = true
			found = append(found, o.link)
		}
	}
	return found, refused
}

// links reads the feed links of a page: <link rel="alternate"> of a feed
// type, resolved against the page (or its <base>), each address once, at
// most MaxLinks, comment feeds last. A link that is not http(s) after
// resolving (javascript:, data:) is refused.
func (d *Finder) links(a answer) ([]news.FeedLink, []news.RefusedLink) {
	r, err := charset.NewReader(bytes.NewReader(a.body), a.contentType)
	if err != nil {
		r = bytes.NewReader(a.body)
	}
	base := a.url
	var links []news.FeedLink
	var refused []news.RefusedLink
	seen := map[string]bool{}
	z := html.NewTokenizer(r)
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break // the end, or broken HTML: what was read is what there is
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		name, hasAttr := z.TagName()
		switch string(name) {
		case "body":
			// Feed links belong in <head>; a body may be huge.
			return d.firstLinks(links), refused
		case "base":
			if href := attrs(z, hasAttr)["href"]; href != "" {
				if b, err := base.Parse(strings.TrimSpace(href)); err == nil && (b.Scheme == "http" || b.Scheme == "https") {
					base = b
				}
			}
		case "link":
			at := attrs(z, hasAttr)
			if !hasToken(at["rel"], "alternate") || !isFeedType(at["type"]) {
				continue
			}
			href := strings.TrimSpace(at["href"])
			if href == "" {
				continue
			}
			u, err := base.Parse(href)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				refused = append(refused, news.RefusedLink{URL: shorten(href),
					Err: feed.Errorf(news.ErrBadURL, err, "feed: the page links to a feed that is not an http(s) address: %q", shorten(href))})
				continue
			}
			u.Fragment = ""
			if s := u.String(); !seen[s] {
				seen[s] = true
				links = append(links, news.FeedLink{URL: s, Title: strings.TrimSpace(at["title"])})
			}
		}
	}
	return d.firstLinks(links), refused
}

// firstLinks are the links to check: comment feeds last, at most MaxLinks.
func (d *Finder) firstLinks(links []news.FeedLink) []news.FeedLink {
	links = orderLinks(links)
	return links[:min(len(links), d.opt.MaxLinks)]
}

// orderLinks puts the comment feeds (a blog's "Comments Feed") after the
// others, keeping the page's order otherwise.
func orderLinks(links []news.FeedLink) []news.FeedLink {
	slices.SortStableFunc(links, func(a, b news.FeedLink) int {
		switch ca, cb := isComments(a), isComments(b); {
		case ca == cb:
			return 0
		case ca:
			return 1
		}
		return -1
	})
	return links
}

func isComments(l news.FeedLink) bool {
	t := strings.ToLower(l.Title + " " + l.URL)
	return strings.Contains(t, "comments") || strings.Contains(t, "تعليقات")
}

// attrs are the attributes of the current tag, keys lower-case.
func attrs(z *html.Tokenizer, more bool) map[string]string {
	m := map[string]string{}
	for more {
		var k, v []byte
		k, v, more = z.TagAttr()
		m[strings.ToLower(string(k))] = string(v)
	}
	return m
}

// hasToken reports whether a space-separated list (rel) holds tok.
func hasToken(list, tok string) bool {
	for _, f := range strings.Fields(list) {
		if strings.EqualFold(f, tok) {
			return true
		}
	}
	return false
}

func isFeedType(t string) bool {
	mt, _, err := mime.ParseMediaType(t)
	return err == nil && feedTypes[mt]
}

// shorten keeps an address fit for a message: a data: URL can be long.
func shorten(s string) string { return textcut.Line(s, 120) }

// redacted is an address without its password, for errors.
func redacted(u *url.URL) string { return u.Redacted() }
