package websub_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ajel-news/ajel/feed"
	"github.com/ajel-news/ajel/feed/websub"
	"github.com/ajel-news/ajel/internal/testclock"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/storage"
	"github.com/ajel-news/ajel/storage/storagetest"
)

// fakeHub is a WebSub hub: it records what it is asked and verifies the
// way a test tells it to.
type fakeHub struct {
	srv *httptest.Server

	mu       sync.Mutex
	behave   string // verify, sync-verify, never, wrong-topic, deny, 500, 400
	lease    string // the hub.lease_seconds it grants (default 600)
	requests []url.Values
	answers  []int    // status of the callback's answer to each verification
	echoed   []string // the callback's body for each verification
}

func newFakeHub(t *testing.T, behave string) *fakeHub {
	h := &fakeHub{behave: behave}
	h.srv = httptest.NewServer(http.HandlerFunc(h.serve))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *fakeHub) serve(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", 400)
		return
	}
	h.mu.Lock()
	h.requests = append(h.requests, r.PostForm)
	behave := h.behave
	h.mu.Unlock()
	form := r.PostForm
	switch behave {
	case "500":
		http.Error(w, "internal error", 500)
		return
	case "400":
		http.Error(w, "hub.topic is not allowed here", 400)
		return
	case "sync-verify":
		h.verify(form, form.Get("hub.topic"), form.Get("hub.mode"))
		w.WriteHeader(http.StatusNoContent)
		return
	}
	w.WriteHeader(http.StatusAccepted)
	switch behave {
	case "verify":
		go h.verify(form, form.Get("hub.topic"), form.Get("hub.mode"))
	case "wrong-topic":
		go h.verify(form, "https://other.example/feed", form.Get("hub.mode"))
	case "deny":
		go h.verify(form, form.Get("hub.topic"), "denied")
	}
}

// verify calls the subscriber back as a hub does.
func (h *fakeHub) verify(form url.Values, topic, mode string) {
	h.mu.Lock()
	lease := h.lease
	h.mu.Unlock()
	if lease == "" {
		lease = "600"
	}
	q := url.Values{"hub.mode": {mode}, "hub.topic": {topic}, "hub.challenge": {"challenge-" + mode}, "hub.lease_seconds": {lease}}
	if mode == "denied" {
		q.Del("hub.challenge")
		q.Set("hub.reason", "topic not found")
	}
	resp, err := http.Get(form.Get("hub.callback") + "?" + q.Encode())
	if err != nil {
		// The test may be over (a retry's verification): nothing to check.
		return
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	h.mu.Lock()
	h.answers = append(h.answers, resp.StatusCode)
	h.echoed = append(h.echoed, string(b))
	h.mu.Unlock()
}

func (h *fakeHub) asked() []url.Values {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]url.Values(nil), h.requests...)
}

// answered waits until the hub has had n answers to its verifications:
// the subscriber saves what it learnt before it answers, so its state can
// be seen before the hub has the answer.
func (h *fakeHub) answered(t *testing.T, n int) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(10 * time.Millisecond) {
		if codes, _ := h.verifications(); len(codes) >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the hub never had %d answers to its verifications", n)
		}
	}
}

func (h *fakeHub) verifications() ([]int, []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]int(nil), h.answers...), append([]string(nil), h.echoed...)
}

// delivered records what the subscriber hands over.
type delivered struct {
	mu    sync.Mutex
	items []news.Article
}

func (d *delivered) Deliver(_ context.Context, _ int64, items []news.Article) (news.PollOutcome, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.items = append(d.items, items...)
	return news.PollOutcome{New: len(items)}, nil
}

func (d *delivered) count() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.items)
}

type websubRig struct {
	db    *storage.DB
	sub   *websub.Subscriber
	cb    *httptest.Server
	got   *delivered
	feed  news.Feed
	clock *testclock.Clock
}

func newWebSubRig(t *testing.T, allowPrivate bool) *websubRig {
	r := newIdleWebSubRig(t, allowPrivate, nil)
	r.run(t)
	return r
}

// newIdleWebSubRig is newWebSubRig with options changed by mod, and not
// running: notifications are kept and not processed until run.
func newIdleWebSubRig(t *testing.T, allowPrivate bool, mod func(*websub.Options)) *websubRig {
	r := &websubRig{db: storagetest.Open(t), got: &delivered{}, clock: testclock.New(time.Now())}
	var h http.Handler = http.NotFoundHandler()
	r.cb = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) { h.ServeHTTP(w, req) }))
	t.Cleanup(r.cb.Close)
	opt := websub.Options{PublicURL: r.cb.URL, AllowPrivate: allowPrivate, Now: r.clock.Now, MaxBodyBytes: 1 << 20}
	if mod != nil {
		mod(&opt)
	}
	r.sub = websub.NewSubscriber(r.db, feed.NewFetcher(feed.Options{AllowPrivate: true}), r.got, opt)
	h = r.sub
	f, err := r.db.AddFeed(t.Context(), news.Feed{URL: "https://news.example/rss"})
	if err != nil {
		t.Fatal(err)
	}
	r.feed = f
	return r
}

// run runs the subscriber (tending, and processing what hubs push) until
// the test ends.
func (r *websubRig) run(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- r.sub.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
}

// processed waits until every notification kept has been processed.
func (r *websubRig) processed(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		if _, err := r.db.NextNotification(t.Context()); errors.Is(err, news.ErrNotFound) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("kept notifications were not processed")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// state is the feed's subscription as /feeds and /healthz read it.
func (r *websubRig) state(t *testing.T) news.WebSubStatus {
	t.Helper()
	f, err := r.db.Feed(t.Context(), r.feed.ID)
	if err != nil {
		t.Fatal(err)
	}
	return f.WebSub
}

func (r *websubRig) waitState(t *testing.T, want news.WebSubState) news.WebSubStatus {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		st := r.state(t)
		if st.State == want {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("subscription state %q (%s), want %q", st.State, st.Reason, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (r *websubRig) callback(t *testing.T) news.WebSub {
	t.Helper()
	subs, err := r.db.WebSubs(t.Context(), r.feed.ID)
	if err != nil || len(subs) == 0 {
		t.Fatalf("subscriptions %+v, %v", subs, err)
	}
	return subs[len(subs)-1]
}

func sign(newHash func() hash.Hash, alg, secret string, body []byte) string {
	m := hmac.New(newHash, []byte(secret))
	m.Write(body)
	return alg + "=" + hex.EncodeToString(m.Sum(nil))
}

const pushedFeed = `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title>
<item><guid>p1</guid><title>خبر دفعه المركز</title><link>https://news.example/p1</link><description>نص الخبر.</description></item>
</channel></rss>`

func TestWebSubSubscribeVerifyAndNotify(t *testing.T) {
	for _, behave := range []string{"verify", "sync-verify"} {
		t.Run(behave, func(t *testing.T) {
			r := newWebSubRig(t, true)
			hub := newFakeHub(t, behave)
			r.sub.Discovered(t.Context(), r.feed, hub.srv.URL, "https://news.example/rss")
			st := r.waitState(t, news.WebSubActive)
			if d := time.Until(st.LeaseUntil); d < 590*time.Second || d > 610*time.Second {
				t.Errorf("lease until %s, want about 600 s from now (the hub's lease)", st.LeaseUntil)
			}
			req := hub.asked()[0]
			if req.Get("hub.mode") != "subscribe" || req.Get("hub.topic") != "https://news.example/rss" ||
				!strings.HasPrefix(req.Get("hub.callback"), r.cb.URL+"/websub/") || len(req.Get("hub.secret")) != 64 {
				t.Errorf("subscribe request %v", req)
			}
			hub.answered(t, 1)
			if codes, bodies := hub.verifications(); len(codes) != 1 || codes[0] != 200 || bodies[0] != "challenge-subscribe" {
				t.Errorf("verification answered %v %q", codes, bodies)
			}

			w := r.callback(t)
			post := func(body []byte, sig, ct string) int {
				req, _ := http.NewRequest(http.MethodPost, r.cb.URL+"/websub/"+w.CallbackID, strings.NewReader(string(body)))
				if sig != "" {
					req.Header.Set("X-Hub-Signature", sig)
				}
				req.Header.Set("Content-Type", ct)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				return resp.StatusCode
			}
			body := []byte(pushedFeed)
			rss := "application/rss+xml"
			for _, tc := range []struct {
				name, sig, ct string
				body          []byte
				want, items   int
			}{
				{"no signature", "", rss, body, 202, 0},
				{"wrong signature", sign(sha256.New, "sha256", "not the secret", body), rss, body, 202, 0},
				{"garbled signature", "sha256=zz", rss, body, 202, 0},
				{"unknown method", "md5=00", rss, body, 202, 0},
				{"short signature", "sha256=00ff", rss, body, 202, 0},
				{"not a feed", sign(sha256.New, "sha256", w.Secret, []byte("<html><body>hi</body></html>")), "text/html", []byte("<html><body>hi</body></html>"), 204, 0},
				{"signed sha256", sign(sha256.New, "sha256", w.Secret, body), rss, body, 204, 1},
				{"signed sha1", sign(sha1.New, "sha1", w.Secret, body), rss, body, 204, 2},
			} {
				got := post(tc.body, tc.sig, tc.ct)
				r.processed(t)
				if got != tc.want || r.got.count() != tc.items {
					t.Errorf("%s: status %d, %d items delivered; want %d and %d", tc.name, got, r.got.count(), tc.want, tc.items)
				}
			}
			// 50 MB is refused without being read whole; an unknown
			// callback is not found.
			big := strings.NewReader(strings.Repeat("x", 50<<20))
			resp, err := http.Post(r.cb.URL+"/websub/"+w.CallbackID, rss, big)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusRequestEntityTooLarge {
				t.Errorf("50 MB notification: %d", resp.StatusCode)
			}
			resp, err = http.Post(r.cb.URL+"/websub/0123456789abcdef", rss, strings.NewReader(pushedFeed))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusNotFound || r.got.count() != 2 {
				t.Errorf("unknown subscription: %d, %d items", resp.StatusCode, r.got.count())
			}
		})
	}
}

func TestWebSubHubsThatFail(t *testing.T) {
	tests := []struct {
		behave string
		wait   time.Duration // how long the clock moves before the next poll
		want   news.WebSubState
		reason string
	}{
		{"500", 0, news.WebSubFailed, "the hub answered 500 Internal Server Error: internal error"},
		{"400", 0, news.WebSubFailed, "the hub answered 400 Bad Request: hub.topic is not allowed here"},
		{"deny", 0, news.WebSubFailed, "the hub denied the subscription: topic not found"},
		{"never", 11 * time.Minute, news.WebSubFailed, "the hub did not verify the subscription within 10m0s"},
		{"wrong-topic", 0, news.WebSubPending, ""},
	}
	for _, tt := range tests {
		t.Run(tt.behave, func(t *testing.T) {
			r := newWebSubRig(t, true)
			hub := newFakeHub(t, tt.behave)
			r.sub.Discovered(t.Context(), r.feed, hub.srv.URL, r.feed.URL)
			if tt.behave == "deny" {
				r.waitState(t, news.WebSubFailed)
			}
			if tt.behave == "wrong-topic" {
				hub.answered(t, 1)
				if codes, bodies := hub.verifications(); codes[0] != 404 || bodies[0] == "challenge-subscribe" {
					t.Errorf("a verification of a topic never asked for was answered %d %q", codes[0], bodies[0])
				}
			}
			r.clock.Add(tt.wait)
			r.sub.Discovered(t.Context(), r.feed, hub.srv.URL, r.feed.URL)
			st := r.state(t)
			if st.State != tt.want || st.Reason != tt.reason {
				t.Errorf("state %q %q, want %q %q", st.State, st.Reason, tt.want, tt.reason)
			}
			// A failed hub is asked again only after a while.
			if tt.want == news.WebSubFailed {
				n := len(hub.asked())
				r.sub.Discovered(t.Context(), r.feed, hub.srv.URL, r.feed.URL)
				if len(hub.asked()) != n {
					t.Error("a failed hub was asked again at once")
				}
				r.clock.Add(61 * time.Minute)
				r.sub.Discovered(t.Context(), r.feed, hub.srv.URL, r.feed.URL)
				if len(hub.asked()) != n+1 {
					t.Error("a failed hub was not asked again an hour later")
				}
			}
		})
	}
}

func TestWebSubVerificationsNotAskedFor(t *testing.T) {
	r := newWebSubRig(t, true)
	get := func(path string, q url.Values) (int, string) {
		resp, err := http.Get(r.cb.URL + path + "?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	q := url.Values{"hub.mode": {"subscribe"}, "hub.topic": {r.feed.URL}, "hub.challenge": {"c"}}
	if code, body := get("/websub/feedfacefeedfacefeedfacefeedface", q); code != 404 || body == "c" {
		t.Errorf("a subscription never asked for: %d %q", code, body)
	}
	subs, _ := r.db.WebSubs(t.Context(), 0)
	if len(subs) != 0 {
		t.Errorf("a verification created %+v", subs)
	}
	hub := newFakeHub(t, "verify")
	r.sub.Discovered(t.Context(), r.feed, hub.srv.URL, r.feed.URL)
	r.waitState(t, news.WebSubActive)
	w := r.callback(t)
	q.Set("hub.mode", "unsubscribe")
	if code, body := get("/websub/"+w.CallbackID, q); code != 404 || body == "c" {
		t.Errorf("an unsubscription never asked for: %d %q", code, body)
	}
	if st := r.state(t); st.State != news.WebSubActive {
		t.Errorf("after a forged unsubscription: %q", st.State)
	}
}

func TestWebSubPrivateHubNotUsed(t *testing.T) {
	r := newWebSubRig(t, false)
	hub := newFakeHub(t, "verify") // on loopback
	r.sub.Discovered(t.Context(), r.feed, hub.srv.URL, r.feed.URL)
	st := r.state(t)
	if st.State != news.WebSubFailed || !strings.Contains(st.Reason, "private address") {
		t.Errorf("state %q %q, want failed on a private address", st.State, st.Reason)
	}
	if n := len(hub.asked()); n != 0 {
		t.Errorf("the private hub was asked %d times", n)
	}
}

func TestWebSubHubChangesRenewalsAndDeletion(t *testing.T) {
	r := newWebSubRig(t, true)
	a, b := newFakeHub(t, "verify"), newFakeHub(t, "verify")
	r.sub.Discovered(t.Context(), r.feed, a.srv.URL, r.feed.URL)
	r.waitState(t, news.WebSubActive)
	first := r.callback(t)

	// The lease (600 s) is renewed in its last fifth.
	r.sub.Discovered(t.Context(), r.feed, a.srv.URL, r.feed.URL)
	if n := len(a.asked()); n != 1 {
		t.Fatalf("renewed a fresh lease: %d requests", n)
	}
	r.clock.Add(490 * time.Second)
	r.sub.Discovered(t.Context(), r.feed, a.srv.URL, r.feed.URL)
	if reqs := a.asked(); len(reqs) != 2 || reqs[1].Get("hub.mode") != "subscribe" || reqs[1].Get("hub.callback") != reqs[0].Get("hub.callback") {
		t.Fatalf("renewal: %v", reqs)
	}

	// The feed now names hub b: a is told to stop, b is asked.
	r.sub.Discovered(t.Context(), r.feed, b.srv.URL, r.feed.URL)
	if reqs := a.asked(); reqs[len(reqs)-1].Get("hub.mode") != "unsubscribe" {
		t.Errorf("the old hub was not told to stop: %v", reqs[len(reqs)-1])
	}
	deadline := time.Now().Add(time.Minute)
	for {
		if _, err := r.db.WebSubByCallback(t.Context(), first.CallbackID); err != nil {
			break // the old hub verified the unsubscription: forgotten
		}
		if time.Now().After(deadline) {
			t.Fatal("the old subscription was never forgotten")
		}
		time.Sleep(10 * time.Millisecond)
	}
	st := r.waitState(t, news.WebSubActive)
	if st.Hub != b.srv.URL {
		t.Errorf("subscribed to %s, want the new hub", st.Hub)
	}

	// Deleting the feed unsubscribes it.
	if err := r.db.DeleteFeed(t.Context(), r.feed.ID); err != nil {
		t.Fatal(err)
	}
	r.sub.Unsubscribe(t.Context(), r.feed.ID)
	if reqs := b.asked(); reqs[len(reqs)-1].Get("hub.mode") != "unsubscribe" {
		t.Errorf("the hub of a deleted feed was not told to stop: %v", reqs[len(reqs)-1])
	}
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(10 * time.Millisecond) {
		if subs, _ := r.db.WebSubs(t.Context(), 0); len(subs) == 0 {
			break
		}
		if time.Now().After(deadline) {
			subs, _ := r.db.WebSubs(t.Context(), 0)
			t.Fatalf("subscriptions left after the feed went: %+v", subs)
		}
	}
}

func TestFetchFindsTheHubAndFreshness(t *testing.T) {
	rssWithHub := `<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>t</title>
<atom:link rel="hub" href="https://hub.example/"/><atom:link rel="self" href="/rss"/>
<item><title>x</title><link>https://news.example/1</link><atom:link rel="hub" href="https://item-hub.example/"/></item></channel></rss>`
	atom := `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>x</id><updated>2026-12-01T00:00:00Z</updated>
<link rel="self" href="https://news.example/atom"/><link rel="hub" href="https://pubsubhubbub.appspot.com/"/>
<entry><title>e</title><id>1</id><updated>2026-12-01T00:00:00Z</updated></entry></feed>`
	jsonFeed := `{"version":"https://jsonfeed.org/version/1.1","title":"j","feed_url":"https://news.example/feed.json","hubs":[{"type":"WebSub","url":"https://hub.example/json"}],"items":[{"id":"1","title":"t"}]}`
	tests := []struct {
		name, body, ct string
		header         http.Header
		hub, self      string
		fresh          time.Duration
	}{
		{"rss atom:link", rssWithHub, "application/rss+xml", nil, "https://hub.example/", "/rss", 0},
		{"atom link", atom, "application/atom+xml", http.Header{"Cache-Control": {"public, max-age=300"}},
			"https://pubsubhubbub.appspot.com/", "https://news.example/atom", 5 * time.Minute},
		{"json hubs", jsonFeed, "application/feed+json", nil, "https://hub.example/json", "https://news.example/feed.json", 0},
		{"Link headers win", rssWithHub, "application/rss+xml",
			http.Header{"Link": {`<https://header-hub.example/>; rel="hub", <https://news.example/canonical>; rel="self"`}},
			"https://header-hub.example/", "https://news.example/canonical", 0},
		{"expires", atom, "application/atom+xml", http.Header{"Expires": {time.Now().Add(10 * time.Minute).UTC().Format(http.TimeFormat)}},
			"https://pubsubhubbub.appspot.com/", "https://news.example/atom", 10 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tt.header {
					w.Header()[k] = v
				}
				w.Header().Set("Content-Type", tt.ct)
				io.WriteString(w, tt.body)
			}))
			defer srv.Close()
			res, err := feed.NewFetcher(feed.Options{AllowPrivate: true}).Fetch(t.Context(), news.Feed{URL: srv.URL + "/rss"})
			if err != nil {
				t.Fatal(err)
			}
			self := tt.self
			if strings.HasPrefix(self, "/") {
				self = srv.URL + self
			}
			if res.Hub != tt.hub || res.Self != self {
				t.Errorf("hub %q self %q, want %q %q", res.Hub, res.Self, tt.hub, self)
			}
			if d := res.MaxAge - tt.fresh; d < -2*time.Second || d > 2*time.Second {
				t.Errorf("fresh for %s, want %s", res.MaxAge, tt.fresh)
			}
		})
	}
}

// A hub that grants an absurd lease (2^63−1 seconds, or more than any
// integer) gets a subscription of 30 days, not one that overflowed into
// the past: it is not asked again at every tend, and /healthz shows the
// real end.
func TestWebSubHugeLeasesAreBounded(t *testing.T) {
	for _, lease := range []string{"9223372036854775807", "99999999999999999999999", "2592001"} {
		t.Run(lease, func(t *testing.T) {
			r := newWebSubRig(t, true)
			hub := newFakeHub(t, "verify")
			hub.lease = lease
			r.sub.Discovered(t.Context(), r.feed, hub.srv.URL, r.feed.URL)
			st := r.waitState(t, news.WebSubActive)
			want := r.clock.Now().Add(websub.MaxLeaseSeconds * time.Second)
			if d := st.LeaseUntil.Sub(want); d < -time.Minute || d > time.Minute {
				t.Errorf("lease until %s, want %s (30 days)", st.LeaseUntil, want)
			}
			r.clock.Add(time.Hour)
			r.sub.Discovered(t.Context(), r.feed, hub.srv.URL, r.feed.URL)
			if n := len(hub.asked()); n != 1 {
				t.Errorf("the hub was asked %d times; a lease of 30 days is not renewed after an hour", n)
			}
			// It is renewed near its end (a fifth of it, at most a day), like any other.
			r.clock.Add(30*24*time.Hour - 13*time.Hour)
			r.sub.Discovered(t.Context(), r.feed, hub.srv.URL, r.feed.URL)
			if n := len(hub.asked()); n != 2 {
				t.Errorf("the hub was asked %d times; want a renewal near the end of the lease", n)
			}
		})
	}
}

// givingUpStore runs between once, right after the first subscription it
// is asked for was read: Ajel changing its mind while a hub's answer is
// being handled.
type givingUpStore struct {
	*storage.DB
	between func()
	once    sync.Once
}

func (s *givingUpStore) WebSubByCallback(ctx context.Context, callbackID string) (news.WebSub, error) {
	w, err := s.DB.WebSubByCallback(ctx, callbackID)
	s.once.Do(s.between)
	return w, err
}

// A hub's answer to a renewal that Ajel gave up while the answer was
// being handled (it sent the unsubscription meanwhile) does not bring the
// subscription back: the unsubscription's answer then forgets it. Before,
// the late answer saved the subscription active again, and the old hub's
// subscription was never forgotten.
func TestWebSubLateVerificationDoesNotUndoAnUnsubscription(t *testing.T) {
	r := newIdleWebSubRig(t, true, nil)
	path := r.subscribed(t)
	id := strings.TrimPrefix(path, websub.DefaultCallbackPath)
	store := &givingUpStore{DB: r.db, between: func() {
		w, err := r.db.WebSubByCallback(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		w.State = news.WebSubUnsubscribing
		if err := r.db.SaveWebSub(t.Context(), w); err != nil {
			t.Fatal(err)
		}
	}}
	sub := websub.NewSubscriber(store, feed.NewFetcher(feed.Options{AllowPrivate: true}), r.got,
		websub.Options{PublicURL: r.cb.URL, AllowPrivate: true, Now: r.clock.Now})
	verify := func(mode string) (int, string) {
		q := url.Values{"hub.mode": {mode}, "hub.topic": {r.feed.URL}, "hub.challenge": {"c-" + mode}, "hub.lease_seconds": {"600"}}
		rec := httptest.NewRecorder()
		sub.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path+"?"+q.Encode(), nil))
		return rec.Code, rec.Body.String()
	}
	if code, body := verify("subscribe"); code != http.StatusNotFound || body == "c-subscribe" {
		t.Errorf("a renewal given up meanwhile was confirmed: %d %q", code, body)
	}
	if w, err := r.db.WebSubByCallback(t.Context(), id); err != nil || w.State != news.WebSubUnsubscribing {
		t.Errorf("state %q (%v) after the late answer, want it still unsubscribing", w.State, err)
	}
	if code, body := verify("unsubscribe"); code != http.StatusOK || body != "c-unsubscribe" {
		t.Errorf("the unsubscription's answer: %d %q", code, body)
	}
	if _, err := r.db.WebSubByCallback(t.Context(), id); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("the subscription was not forgotten: %v", err)
	}
}
