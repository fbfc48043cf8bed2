package feed

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// What the rooms beside feed (article pages in feed/page, WebSub in
// feed/websub) share of a Fetcher: its guarded client, how its errors are
// told, and the size cap. They reach other sites only through Do, so the
// address guard, the redirect policy and the User-Agent are the feeds'.

// Do sends req through the fetcher's guarded client: internal addresses
// refused at connect time (unless Options.AllowPrivate), at most
// MaxRedirects http(s) redirects and no loop, no proxy, Ajel's
// User-Agent when req names none. A refusal of the guard or of the
// redirect policy comes back as the refusal itself (it matches
// ErrPrivateAddress, ErrTooManyRedirects or ErrBadURL), not wrapped in a
// *url.Error. req's context bounds the request; the caller closes the
// body.
func (f *Fetcher) Do(req *http.Request) (*http.Response, error) {
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", f.opt.UserAgent)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		var ke *kindError
		if errors.As(err, &ke) {
			return nil, ke // its message says it all
		}
		return nil, err
	}
	return resp, nil
}

// AllowPrivate reports whether the fetcher may reach loopback and private
// addresses (Options.AllowPrivate): pictures are checked by the same rule.
func (f *Fetcher) AllowPrivate() bool { return f.opt.AllowPrivate }

// RequestError turns an error of Do (or of reading the body) into one
// clear error whose message starts with prefix ("feed: page: "): the
// guard's own refusal, parent ending, no connection within the connect
// timeout, or no complete answer within timeout, the request's bound.
// Time-outs match ErrTimeout.
func (f *Fetcher) RequestError(parent context.Context, err error, prefix string, timeout time.Duration) error {
	var ke *kindError
	switch {
	case errors.As(err, &ke):
		// Our own guard or redirect policy: its message says it all.
		return ke
	case parent.Err() != nil:
		return fmt.Errorf("%sfetch cancelled: %w", prefix, parent.Err())
	case isDialTimeout(err):
		return newErr(ErrTimeout, err, "%scould not connect within %s", prefix, f.opt.ConnectTimeout)
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return newErr(ErrTimeout, err, "%sno complete answer within %s", prefix, timeout)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return fmt.Errorf("%srequest failed: %w", prefix, err)
}

// Errorf returns an error whose message is format with args, that matches
// kind with errors.Is and unwraps to cause (which may be nil): a short
// message that still tells its kind.
func Errorf(kind, cause error, format string, args ...any) error {
	return newErr(kind, cause, format, args...)
}

// ReadLimited reads all of r but refuses more than limit bytes with an
// error matching ErrTooLarge.
func ReadLimited(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if int64(len(data)) > limit {
		return nil, newErr(ErrTooLarge, nil, "feed: body larger than %s", SizeString(limit))
	}
	if err != nil {
		return nil, fmt.Errorf("feed: reading body: %w", err)
	}
	return data, nil
}

// StatusText names an answer's status the way people read it: "404 Not
// Found".
func StatusText(resp *http.Response) string {
	if t := http.StatusText(resp.StatusCode); t != "" {
		return fmt.Sprintf("%d %s", resp.StatusCode, t)
	}
	if resp.Status != "" {
		return resp.Status
	}
	return fmt.Sprint(resp.StatusCode)
}

// SizeString prints a byte count the way people read it: "10 MiB", "64 KiB".
func SizeString(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	default:
		return fmt.Sprintf("%d bytes", n)
	}
}
