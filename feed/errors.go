package feed

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ajel-news/ajel/internal/textcut"
	"github.com/ajel-news/ajel/news"
)

// Sentinel errors. Every error this package returns says what went wrong in
// its own words and matches one of these with errors.Is.
var (
	// ErrNotAFeed means the body is neither RSS, Atom nor JSON Feed (an HTML
	// page, a plain text file).
	ErrNotAFeed = errors.New("feed: not a feed")
	// ErrMalformed means the body looked like a feed but could not be parsed.
	ErrMalformed = errors.New("feed: malformed feed")
	// ErrEmptyBody means the server sent nothing (zero items is not an error).
	ErrEmptyBody = errors.New("feed: empty body")
	// ErrTooLarge means the body, after decompression, passed the size cap.
	ErrTooLarge = errors.New("feed: body too large")
	// ErrTimeout means the server did not answer in time. It is
	// news.ErrTimeout, so the bot can tell it apart.
	ErrTimeout = news.ErrTimeout
	// ErrTooManyRedirects means more than MaxRedirects redirects, or a
	// loop. It is news.ErrRedirectLoop, so the bot can tell it apart.
	ErrTooManyRedirects = news.ErrRedirectLoop
	// ErrPrivateAddress means the host is (or resolves to) a loopback,
	// private, link-local or otherwise internal address and AllowPrivate is
	// off. It is news.ErrPrivateAddress, so packages that must not import
	// feed (bot) can tell it apart.
	ErrPrivateAddress = news.ErrPrivateAddress
	// ErrBadURL means the URL is not an absolute http or https URL. It is
	// news.ErrBadURL.
	ErrBadURL = news.ErrBadURL
	// ErrNotHTML means an article page is not a web page (a PDF, an image).
	ErrNotHTML = errors.New("feed: page is not HTML")
	// ErrNoText means an article page has no main text worth reading (a
	// video page, an empty template) or no more than the feed said.
	ErrNoText = errors.New("feed: page has no main text")
	// ErrNotTheStory means the text extracted from a page is not the item's
	// story (the site's navigation, a cookie banner, a login wall).
	ErrNotTheStory = errors.New("feed: page text is not the story")
	// ErrHTTPStatus means the server answered with a status other than 2xx or 304.
	ErrHTTPStatus = errors.New("feed: unexpected HTTP status")
)

// kindError carries a human message, the sentinel it matches and an
// optional cause, so messages stay short while errors.Is still works.
type kindError struct {
	msg   string
	kind  error
	cause error
}

func (e *kindError) Error() string        { return e.msg }
func (e *kindError) Is(target error) bool { return target == e.kind }
func (e *kindError) Unwrap() error        { return e.cause }

func newErr(kind error, cause error, format string, args ...any) error {
	return &kindError{msg: fmt.Sprintf(format, args...), kind: kind, cause: cause}
}

// FetchError is returned by Fetch when the server answered with an error
// status. RetryAfter is what the server's Retry-After header asked for
// (zero when absent), so the poller can wait at least that long.
type FetchError struct {
	StatusCode int
	Status     string // e.g. "404 Not Found"
	RetryAfter time.Duration
}

func (e *FetchError) Error() string {
	msg := "feed: server answered " + e.Status
	if e.RetryAfter > 0 {
		msg += " (retry after " + e.RetryAfter.String() + ")"
	}
	return msg
}

// Is makes a FetchError match ErrHTTPStatus.
func (e *FetchError) Is(target error) bool { return target == ErrHTTPStatus }

// HTTPStatus is the server's answer ("404 Not Found"), for a package that
// reads it without importing this one (errors.As to an interface).
func (e *FetchError) HTTPStatus() string { return e.Status }

// RetryAfter returns the Retry-After a failed Fetch carried, or zero.
func RetryAfter(err error) time.Duration {
	var fe *FetchError
	if errors.As(err, &fe) {
		return fe.RetryAfter
	}
	return 0
}

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP-date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 {
			return 0
		}
		if n > int64(MaxRetryAfter/time.Second) {
			return MaxRetryAfter
		}
		return time.Duration(n) * time.Second
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0
	}
	d := t.Sub(now)
	if d <= 0 {
		return 0
	}
	return min(d.Round(time.Second), MaxRetryAfter)
}

// oneLine turns an error into the single short line kept in Feed.LastError.
func oneLine(err error) string { return textcut.Line(err.Error(), 300) }
