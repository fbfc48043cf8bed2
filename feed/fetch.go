// Package feed fetches and parses news feeds (RSS, Atom, JSON Feed) safely
// and politely: conditional GET, size and time limits, a guard against
// internal addresses, charset conversion to UTF-8, each item's identity
// (news.Identify), the hub a feed names, and a per-feed schedule with
// jitter and exponential backoff (Poller). Article pages (feed/page) and
// WebSub (feed/websub) live beside it and reach other sites only through
// a Fetcher's guarded client (Fetcher.Do).
package feed

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ajel-news/ajel/news"
)

// Defaults for Options.
const (
	DefaultTimeout        = 20 * time.Second
	DefaultConnectTimeout = 5 * time.Second
	// MaxRedirects is how many redirects a fetch follows.
	MaxRedirects = 5
)

// UserAgent is the User-Agent Ajel sends, for the given version.
func UserAgent(version string) string {
	if version == "" {
		version = "dev"
	}
	return "Ajel/" + version + " (+https://github.com/ajel-news/ajel)"
}

// Options configure a Fetcher. The zero value is usable.
type Options struct {
	// UserAgent defaults to UserAgent("dev").
	UserAgent string
	// Timeout bounds the whole request, body included (default 20s).
	Timeout time.Duration
	// ConnectTimeout bounds the TCP connect (default 5s).
	ConnectTimeout time.Duration
	// MaxBodyBytes caps the body after decompression (default 10 MiB).
	MaxBodyBytes int64
	// AllowPrivate lets fetches reach loopback and private addresses
	// (tests, intranets).
	AllowPrivate bool
	// Client, if set, is used instead of a client built from the options.
	// Its redirect policy is replaced by ours; when its Transport is nil or
	// an *http.Transport, a clone of it gets the private-address guard and
	// the connect timeout; any other RoundTripper is used as it is.
	Client *http.Client
	// Now is the clock used to read Retry-After dates (default time.Now).
	Now func() time.Time
}

// Fetcher fetches feeds. It is safe for concurrent use.
type Fetcher struct {
	opt    Options
	client *http.Client
}

// NewFetcher returns a Fetcher with opt's defaults filled in.
func NewFetcher(opt Options) *Fetcher {
	if opt.UserAgent == "" {
		opt.UserAgent = UserAgent("")
	}
	if opt.Timeout <= 0 {
		opt.Timeout = DefaultTimeout
	}
	if opt.ConnectTimeout <= 0 {
		opt.ConnectTimeout = DefaultConnectTimeout
	}
	if opt.MaxBodyBytes <= 0 {
		opt.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	dialer := &net.Dialer{Timeout: opt.ConnectTimeout, KeepAlive: 30 * time.Second}
	if !opt.AllowPrivate {
		dialer.Control = dialControl
	}
	var c http.Client
	if opt.Client != nil {
		c = *opt.Client
	}
	var base *http.Transport
	switch t := c.Transport.(type) {
	case nil:
		base = http.DefaultTransport.(*http.Transport).Clone()
		// Environment proxies would move the connection, and so the
		// address guard, to the proxy: feeds are fetched directly.
		base.Proxy = nil
	case *http.Transport:
		base = t.Clone()
	}
	if base != nil {
		base.DialContext = dialer.DialContext
		base.TLSHandshakeTimeout = min(10*time.Second, opt.Timeout)
		base.ResponseHeaderTimeout = 0 // the request context bounds it
		c.Transport = base
	}
	c.CheckRedirect = checkRedirect
	return &Fetcher{opt: opt, client: &c}
}

// checkRedirect follows at most MaxRedirects http(s) redirects and no loop.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return newErr(ErrBadURL, nil, "feed: redirected to a non-http(s) URL: %s", req.URL.Redacted())
	}
	for _, v := range via {
		if v.URL.String() == req.URL.String() {
			return newErr(ErrTooManyRedirects, nil, "feed: redirect loop at %s", req.URL.Redacted())
		}
	}
	if len(via) > MaxRedirects {
		return newErr(ErrTooManyRedirects, nil, "feed: more than %d redirects", MaxRedirects)
	}
	return nil
}

const acceptHeader = "application/rss+xml, application/atom+xml, application/feed+json, " +
	"application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"

// Fetch does one conditional GET of fd.URL using fd.ETag and
// fd.LastModified, and parses the answer. A 304 gives a Result with
// NotModified set and no items. Items get FeedID = fd.ID and Breaking when
// fd.Breaking; Source falls back to the URL's host. Errors match the
// package's sentinels; an error status is a *FetchError carrying
// Retry-After.
func (f *Fetcher) Fetch(ctx context.Context, fd news.Feed) (*Result, error) {
	u, err := url.Parse(strings.TrimSpace(fd.URL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, newErr(ErrBadURL, err, "feed: not an http(s) URL: %q", fd.URL)
	}
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, f.opt.Timeout)
	defer cancel()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, newErr(ErrBadURL, err, "feed: not an http(s) URL: %q", fd.URL)
	}
	req.Header.Set("Accept", acceptHeader)
	if fd.ETag != "" {
		req.Header.Set("If-None-Match", fd.ETag)
	}
	if fd.LastModified != "" {
		req.Header.Set("If-Modified-Since", fd.LastModified)
	}
	resp, err := f.Do(req)
	if err != nil {
		return nil, f.requestError(parent, err)
	}
	defer resp.Body.Close()

	etag, lastMod := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	if resp.StatusCode == http.StatusNotModified {
		return &Result{NotModified: true, ETag: or(etag, fd.ETag), LastModified: or(lastMod, fd.LastModified),
			MaxAge: freshFor(resp.Header, f.opt.Now())}, nil
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, &FetchError{
			StatusCode: resp.StatusCode,
			Status:     StatusText(resp),
			RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), f.opt.Now()),
		}
	}
	if resp.ContentLength > f.opt.MaxBodyBytes {
		return nil, newErr(ErrTooLarge, nil, "feed: body larger than %s", SizeString(f.opt.MaxBodyBytes))
	}
	data, err := ReadLimited(resp.Body, f.opt.MaxBodyBytes)
	if err != nil {
		if errors.Is(err, ErrTooLarge) {
			return nil, err
		}
		return nil, f.requestError(parent, err)
	}
	res, err := ParseBytes(data, resp.Header.Get("Content-Type"), resp.Request.URL)
	if err != nil {
		return nil, err
	}
	res.ETag, res.LastModified = etag, lastMod
	res.MaxAge = freshFor(resp.Header, f.opt.Now())
	// A hub named in the Link headers wins over the document's (WebSub's
	// own order of discovery).
	hHub, hSelf := linkHeaders(resp.Header.Values("Link"))
	res.Hub = resolveLink(resp.Request.URL, or(hHub, res.Hub))
	res.Self = resolveLink(resp.Request.URL, or(hSelf, res.Self))
	host := strings.TrimPrefix(u.Hostname(), "www.")
	for i := range res.Items {
		a := &res.Items[i]
		a.FeedID = fd.ID
		a.Breaking = a.Breaking || fd.Breaking
		if a.Source == "" {
			a.Source = host
		}
		a.ImageURL, _ = PictureURL(a.ImageURL, f.opt.AllowPrivate)
	}
	return res, nil
}

// requestError turns a transport error of a feed fetch into one clear
// error.
func (f *Fetcher) requestError(parent context.Context, err error) error {
	return f.RequestError(parent, err, "feed: ", f.opt.Timeout)
}

func isDialTimeout(err error) bool {
	var oe *net.OpError
	return errors.As(err, &oe) && oe.Op == "dial" && oe.Timeout()
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
