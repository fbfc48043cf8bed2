package page

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/ajel-news/ajel/feed"
	"github.com/ajel-news/ajel/internal/clean"
	"github.com/ajel-news/ajel/news"
)

// DefaultGap is the least time between two requests for pages of one
// host: a feed that lists twenty teasers must not look like a crawler.
const DefaultGap = 500 * time.Millisecond

// Options bound the reading of pages. The zero value is usable.
type Options struct {
	// Timeout bounds one page, body included (default DefaultTimeout).
	Timeout time.Duration
	// MaxBytes caps a page after decompression (default DefaultMaxBytes).
	MaxBytes int64
	// Gap is the least time between two pages of one host (default
	// DefaultGap).
	Gap time.Duration
}

// Reader completes teaser items from their article pages, politely: at
// most one request at a time to a host, Options.Gap apart, each bounded by
// Options.Timeout. It is safe for concurrent use.
type Reader struct {
	fetcher *feed.Fetcher
	opt     Options
	now     func() time.Time

	mu    sync.Mutex
	hosts map[string]*hostSlot
}

// hostSlot is one host's turn: a token passed from request to request,
// and when the last one started.
type hostSlot struct {
	turn chan struct{}
	last time.Time
}

// NewReader returns a Reader fetching through f's guarded client, with
// opt's defaults filled in.
func NewReader(f *feed.Fetcher, opt Options) *Reader {
	if opt.Timeout <= 0 {
		opt.Timeout = DefaultTimeout
	}
	if opt.MaxBytes <= 0 {
		opt.MaxBytes = DefaultMaxBytes
	}
	if opt.Gap <= 0 {
		opt.Gap = DefaultGap
	}
	return &Reader{fetcher: f, opt: opt, now: time.Now, hosts: map[string]*hostSlot{}}
}

// Complete reads the article page of an item when mode asks for it: every
// item under news.FullTextAlways, only a teaser (IsTeaser, or a text the
// outlet cut with "[…]") under
// news.FullTextAuto, none under news.FullTextNever. read says whether a
// page was read. When it was and it gave the story, the returned article
// has the page's main text as Text, the feed's text as Teaser, and the
// page's picture when the item had none; on any failure (err says why)
// the article comes back as it was, and its teaser is used.
func (r *Reader) Complete(ctx context.Context, a news.Article, mode news.FullTextMode) (out news.Article, read bool, err error) {
	if a.URL == "" || mode == news.FullTextNever {
		return a, false, nil
	}
	// The text as readers would get it: share prompts, "read also" lines
	// and credits at its end say nothing of whether it is whole; a cut
	// ("[…]", gone from the text) says it is not.
	c := clean.Read(a.Text)
	if mode != news.FullTextAlways && !c.Cut && !IsTeaser(a.Title, c.Text) {
		return a, false, nil
	}
	p, err := r.Read(ctx, a.URL)
	if err == nil {
		err = Check(p, a.Title, c.Text)
	}
	if err != nil {
		return a, true, err
	}
	a.Teaser, a.Text = a.Text, p.Text
	if a.ImageURL == "" {
		a.ImageURL = p.Image
	}
	return a, true, nil
}

// Read fetches and extracts one page, waiting for its host's turn.
func (r *Reader) Read(ctx context.Context, rawURL string) (Page, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return Page{}, feed.Errorf(feed.ErrBadURL, err, "feed: page: not an http(s) URL: %q", rawURL)
	}
	slot := r.slot(strings.ToLower(u.Hostname()))
	select {
	case <-slot.turn:
	case <-ctx.Done():
		return Page{}, ctx.Err()
	}
	defer func() { slot.turn <- struct{}{} }()
	if wait := slot.last.Add(r.opt.Gap).Sub(r.now()); wait > 0 {
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return Page{}, ctx.Err()
		}
	}
	slot.last = r.now()
	return r.Fetch(ctx, rawURL)
}

// Failure names, in a word, why a page gave nothing usable: timeout,
// too_large, not_html, no_text, not_the_story, refused (an internal
// address, a redirect loop, a bad address), http_status or error; "used"
// for nil. The set is closed, for metrics labels.
func Failure(err error) string {
	switch {
	case err == nil:
		return "used"
	case errors.Is(err, feed.ErrTimeout):
		return "timeout"
	case errors.Is(err, feed.ErrTooLarge):
		return "too_large"
	case errors.Is(err, feed.ErrNotHTML):
		return "not_html"
	case errors.Is(err, feed.ErrNoText):
		return "no_text"
	case errors.Is(err, feed.ErrNotTheStory):
		return "not_the_story"
	case errors.Is(err, feed.ErrPrivateAddress), errors.Is(err, feed.ErrTooManyRedirects), errors.Is(err, feed.ErrBadURL):
		return "refused"
	case errors.Is(err, feed.ErrHTTPStatus):
		return "http_status"
	}
	return "error"
}

// maxIdleHosts bounds the host table: hosts not asked for since a minute
// are forgotten once it is this large.
const maxIdleHosts = 1000

func (r *Reader) slot(host string) *hostSlot {
	r.mu.Lock()
	defer r.mu.Unlock()
	if s, ok := r.hosts[host]; ok {
		return s
	}
	if len(r.hosts) >= maxIdleHosts {
		for h, s := range r.hosts {
			select {
			case <-s.turn: // free: nobody is reading
				if r.now().Sub(s.last) > time.Minute {
					delete(r.hosts, h)
				}
				s.turn <- struct{}{} // for whoever still holds it
			default:
			}
		}
	}
	s := &hostSlot{turn: make(chan struct{}, 1)}
	s.turn <- struct{}{}
	r.hosts[host] = s
	return s
}
