package feed

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/ajel-news/ajel/news"
)

// Every test server here is on loopback, which the guard refuses, so to
// play a public host these tests put one exception in front of the guarded
// dialer: connections to "public.ajel-test.net" (and, while dns says so, to
// "rebind.ajel-test.net") go to the public server without the guard, the way a
// real public address would pass it. Everything else, including whatever
// a redirect or a changed DNS answer points at, goes through the guard.
func TestGuardAfterRedirectsAndChangingDNS(t *testing.T) {
	var internalHits atomic.Int32
	internal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		internalHits.Add(1)
		w.Write([]byte(`<rss version="2.0"><channel><title>secret</title></channel></rss>`))
	}))
	defer internal.Close()
	public := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/to-loopback":
			http.Redirect(w, r, internal.URL+"/latest/meta-data", http.StatusFound)
		case "/to-metadata":
			http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusMovedPermanently)
		case "/to-name":
			http.Redirect(w, r, "http://rebind.ajel-test.net/rss", http.StatusFound)
		default:
			w.Write([]byte(`<rss version="2.0"><channel><title>public</title></channel></rss>`))
		}
	}))
	defer public.Close()

	// dns is what "rebind.ajel-test.net" resolves to now: public, then loopback.
	var rebound atomic.Bool
	fetcher := NewFetcher(Options{Client: &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}})
	tr := fetcher.client.Transport.(*http.Transport)
	guarded := tr.DialContext
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, _, _ := net.SplitHostPort(addr)
		switch {
		case host == "public.ajel-test.net", host == "rebind.ajel-test.net" && !rebound.Load():
			var d net.Dialer
			return d.DialContext(ctx, network, public.Listener.Addr().String())
		case host == "rebind.ajel-test.net":
			_, port, _ := net.SplitHostPort(internal.Listener.Addr().String())
			addr = net.JoinHostPort("127.0.0.1", port) // the new DNS answer
		}
		return guarded(ctx, network, addr)
	}
	fetch := func(u string) error {
		_, err := fetcher.Fetch(t.Context(), news.Feed{URL: u})
		return err
	}

	if err := fetch("http://public.ajel-test.net/rss"); err != nil {
		t.Fatalf("the public host itself: %v", err)
	}
	for _, path := range []string{"/to-loopback", "/to-metadata"} {
		if err := fetch("http://public.ajel-test.net" + path); !errors.Is(err, ErrPrivateAddress) {
			t.Errorf("redirect %s: %v, want ErrPrivateAddress", path, err)
		}
	}
	// Article pages and hubs go through the same guard (Do, which
	// feed/page and feed/websub use).
	for _, path := range []string{"/to-loopback", "/to-metadata"} {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://public.ajel-test.net"+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if resp, err := fetcher.Do(req); !errors.Is(err, ErrPrivateAddress) {
			if err == nil {
				resp.Body.Close()
			}
			t.Errorf("page redirect %s: %v, want ErrPrivateAddress", path, err)
		}
	}
	if err := fetch("http://rebind.ajel-test.net/rss"); err != nil {
		t.Fatalf("rebind.ajel-test.net while public: %v", err)
	}
	rebound.Store(true)
	if err := fetch("http://rebind.ajel-test.net/rss"); !errors.Is(err, ErrPrivateAddress) {
		t.Errorf("rebind.ajel-test.net after its DNS answer changed to loopback: %v, want ErrPrivateAddress", err)
	}
	if err := fetch("http://public.ajel-test.net/to-name"); !errors.Is(err, ErrPrivateAddress) {
		t.Errorf("redirect to a name that now resolves to loopback: %v, want ErrPrivateAddress", err)
	}
	if n := internalHits.Load(); n != 0 {
		t.Errorf("the internal server was reached %d times", n)
	}
}
