package feed_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ajel-news/ajel/feed"
	"github.com/ajel-news/ajel/news"
)

func TestFetchRefusesPrivateAddresses(t *testing.T) {
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		fmt.Fprint(w, `<rss version="2.0"><channel><title>x</title></channel></rss>`)
	}))
	defer srv.Close()
	_, err := feed.NewFetcher(feed.Options{}).Fetch(t.Context(), news.Feed{URL: srv.URL})
	if !errors.Is(err, feed.ErrPrivateAddress) {
		t.Fatalf("err = %v, want ErrPrivateAddress", err)
	}
	if want := "feed: refusing to connect to 127.0.0.1: loopback address"; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("message %q, want prefix %q", err.Error(), want)
	}
	if hits != 0 {
		t.Errorf("the server was reached %d times", hits)
	}
	// "localhost" resolves through the hosts file and is refused too.
	lh := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	if _, err := feed.NewFetcher(feed.Options{}).Fetch(t.Context(), news.Feed{URL: lh}); !errors.Is(err, feed.ErrPrivateAddress) {
		t.Errorf("localhost: err = %v", err)
	}
}

// A caller's own *http.Transport gets the guard as well.
func TestFetchGuardAppliesToCustomTransport(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{}}
	_, err := feed.NewFetcher(feed.Options{Client: client}).Fetch(t.Context(), news.Feed{URL: srv.URL})
	if !errors.Is(err, feed.ErrPrivateAddress) {
		t.Fatalf("err = %v, want the guard on a cloned *http.Transport", err)
	}
}

func TestValidateURL(t *testing.T) {
	tests := []struct {
		raw          string
		allowPrivate bool
		want         error
		msg          string
	}{
		{"ftp://x", false, feed.ErrBadURL, `feed: not an http(s) URL: "ftp://x"`},
		{"not a url", false, feed.ErrBadURL, `feed: not an http(s) URL: "not a url"`},
		{"http://", false, feed.ErrBadURL, `feed: not an http(s) URL: "http://" has no host`},
		{"://nope", false, feed.ErrBadURL, `feed: not an http(s) URL`},
		{"http://127.0.0.1:99999/", true, feed.ErrBadURL, `feed: not an http(s) URL`},
		{"http://169.254.169.254/", false, feed.ErrPrivateAddress, "feed: refusing to connect to 169.254.169.254: link-local address"},
		{"http://10.0.0.1/", false, feed.ErrPrivateAddress, "feed: refusing to connect to 10.0.0.1: private address"},
		{"http://192.168.1.1/rss", false, feed.ErrPrivateAddress, "feed: refusing to connect to 192.168.1.1: private address"},
		{"http://172.16.5.4/", false, feed.ErrPrivateAddress, "feed: refusing to connect to 172.16.5.4: private address"},
		{"http://100.64.1.1/", false, feed.ErrPrivateAddress, "feed: refusing to connect to 100.64.1.1: shared (CGNAT) address"},
		{"http://[::1]/", false, feed.ErrPrivateAddress, "feed: refusing to connect to ::1: loopback address"},
		{"http://[fe80::1]/", false, feed.ErrPrivateAddress, "feed: refusing to connect to fe80::1: link-local address"},
		{"http://[fd00::1]/", false, feed.ErrPrivateAddress, "feed: refusing to connect to fd00::1: private address"},
		{"http://[::ffff:127.0.0.1]/", false, feed.ErrPrivateAddress, "feed: refusing to connect to 127.0.0.1: loopback address"},
		{"http://[64:ff9b::a00:1]/", false, feed.ErrPrivateAddress, "feed: refusing to connect to 64:ff9b::a00:1: private address"},
		{"http://[64:ff9b::7f00:1]/", false, feed.ErrPrivateAddress, "feed: refusing to connect to 64:ff9b::7f00:1: loopback address"},
		{"http://[64:ff9b::a9fe:a9fe]/", false, feed.ErrPrivateAddress, "feed: refusing to connect to 64:ff9b::a9fe:a9fe: link-local address"},
		{"http://[64:ff9b:1::a00:1]/", false, feed.ErrPrivateAddress, "feed: refusing to connect to 64:ff9b:1::a00:1: local-use NAT64 address"},
		{"http://[64:ff9b:1:ffff::808:808]/", false, feed.ErrPrivateAddress, "feed: refusing to connect to 64:ff9b:1:ffff::808:808: local-use NAT64 address"},
		{"http://[::127.0.0.1]/", false, feed.ErrPrivateAddress, "feed: refusing to connect to ::7f00:1: IPv4-compatible address"},
		{"http://[::8.8.8.8]/", false, feed.ErrPrivateAddress, "feed: refusing to connect to ::808:808: IPv4-compatible address"},
		{"http://[::a9fe:a9fe]/", false, feed.ErrPrivateAddress, "feed: refusing to connect to ::a9fe:a9fe: IPv4-compatible address"},
		{"http://[100::1]/", false, feed.ErrPrivateAddress, "feed: refusing to connect to 100::1: reserved address"},
		{"http://[2001:db8::1]/", false, feed.ErrPrivateAddress, "feed: refusing to connect to 2001:db8::1: reserved address"},
		{"http://[64:ff9b::808:808]/", false, nil, ""}, // NAT64 of a public address
		{"http://0.0.0.0/", false, feed.ErrPrivateAddress, "feed: refusing to connect to 0.0.0.0: unspecified address"},
		{"http://224.0.0.1/", false, feed.ErrPrivateAddress, "feed: refusing to connect to 224.0.0.1: multicast address"},
		{"http://255.255.255.255/", false, feed.ErrPrivateAddress, "feed: refusing to connect to 255.255.255.255: reserved address"},
		{"http://localhost:8080/feed", false, feed.ErrPrivateAddress, "feed: refusing localhost: it resolves to"},
		{"http://127.0.0.1/", true, nil, ""},
		{"http://localhost/", true, nil, ""},
		{"https://93.184.215.14/rss.xml", false, nil, ""},
		{"http://[2001:4860:4860::8888]/", false, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			err := feed.ValidateURL(t.Context(), tt.raw, tt.allowPrivate)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if !errors.Is(err, tt.want) || !strings.HasPrefix(err.Error(), tt.msg) {
				t.Fatalf("err = %v, want %v starting %q", err, tt.want, tt.msg)
			}
		})
	}
}
