package websub_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ajel-news/ajel/feed"
	"github.com/ajel-news/ajel/feed/websub"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/storage"
)

const notifySecret = "s3cret-of-the-subscription"

// subscribed records an active subscription of the rig's feed, as a hub's
// verification leaves it, and returns its callback path.
func (r *websubRig) subscribed(t *testing.T) string {
	t.Helper()
	if err := r.db.SaveWebSub(t.Context(), news.WebSub{CallbackID: "0123456789abcdef", FeedID: r.feed.ID, Hub: "https://hub.example/",
		Topic: r.feed.URL, Secret: notifySecret, State: news.WebSubActive, LeaseSeconds: 600,
		LeaseUntil: r.clock.Now().Add(10 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	return websub.DefaultCallbackPath + "0123456789abcdef"
}

// notify serves one notification with body and signature straight to the
// subscriber and returns the answer.
func (r *websubRig) notify(path string, body io.Reader, sig string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, path, body)
	req.Header.Set("Content-Type", "application/rss+xml")
	if sig != "" {
		req.Header.Set("X-Hub-Signature", sig)
	}
	rec := httptest.NewRecorder()
	r.sub.ServeHTTP(rec, req)
	return rec
}

// slowDeliverer takes a hub's items only once released, as a pipeline
// busy with 10,000 items would.
type slowDeliverer struct {
	delivered
	release chan struct{}
	entered chan struct{}
	once    sync.Once
}

func (d *slowDeliverer) Deliver(ctx context.Context, feedID int64, items []news.Article) (news.PollOutcome, error) {
	d.once.Do(func() { close(d.entered) })
	select {
	case <-d.release:
	case <-ctx.Done():
		return news.PollOutcome{}, ctx.Err()
	}
	return d.delivered.Deliver(ctx, feedID, items)
}

// The hub is answered as soon as the signed body is kept, not after its
// items went through the pipeline: a notification whose processing takes
// long (10,000 items) still gets its 204 at once, and its items are
// delivered afterwards.
func TestWebSubAnswersOnceKept(t *testing.T) {
	r := newIdleWebSubRig(t, true, nil)
	slow := &slowDeliverer{release: make(chan struct{}), entered: make(chan struct{})}
	r.sub = websub.NewSubscriber(r.db, feed.NewFetcher(feed.Options{AllowPrivate: true}), slow,
		websub.Options{PublicURL: r.cb.URL, AllowPrivate: true, Now: r.clock.Now})
	r.run(t)
	path := r.subscribed(t)
	body := []byte(pushedFeed)
	answered := make(chan int, 1)
	go func() {
		answered <- r.notify(path, strings.NewReader(pushedFeed), sign(sha256.New, "sha256", notifySecret, body)).Code
	}()
	select {
	case code := <-answered:
		if code != http.StatusNoContent {
			t.Fatalf("a signed notification was answered %d, want 204", code)
		}
	case <-time.After(time.Minute):
		t.Fatal("the hub got no answer while the items were being processed")
	}
	<-slow.entered // processed after the answer, through the Deliverer
	close(slow.release)
	r.processed(t)
	if n := slow.count(); n != 1 {
		t.Errorf("%d items delivered, want 1", n)
	}
}

// A notification kept but not processed when the process stopped is
// processed by the next run.
func TestWebSubKeptNotificationOutlivesARestart(t *testing.T) {
	r := newIdleWebSubRig(t, true, nil) // not running: nothing is processed
	path := r.subscribed(t)
	body := []byte(pushedFeed)
	if rec := r.notify(path, strings.NewReader(pushedFeed), sign(sha256.New, "sha256", notifySecret, body)); rec.Code != http.StatusNoContent {
		t.Fatalf("answered %d, want 204", rec.Code)
	}
	if r.got.count() != 0 {
		t.Fatal("delivered before any run")
	}
	r.run(t) // the next start
	r.processed(t)
	if n := r.got.count(); n != 1 {
		t.Errorf("%d items delivered after the restart, want 1", n)
	}
}

// blockingBody is a notification's body that tells when the subscriber
// starts reading it and then waits to be released.
type blockingBody struct {
	started chan struct{}
	release chan struct{}
	rest    io.Reader
	once    sync.Once
}

func (b *blockingBody) Read(p []byte) (int, error) {
	b.once.Do(func() { close(b.started) })
	<-b.release
	return b.rest.Read(p)
}

// Only NotifyReaders notifications are read at once (each may take
// MaxBodyBytes of memory): one more waits NotifyWait for a reader and is
// then told to try again later (503 with Retry-After); those being read
// finish as usual.
func TestWebSubBoundsTheNotificationsReadAtOnce(t *testing.T) {
	r := newIdleWebSubRig(t, true, func(o *websub.Options) { o.NotifyReaders, o.NotifyWait = 2, 50*time.Millisecond })
	path := r.subscribed(t)
	body := []byte(pushedFeed)
	sig := sign(sha256.New, "sha256", notifySecret, body)
	var slow []*blockingBody
	codes := make(chan int, 2)
	for range 2 {
		b := &blockingBody{started: make(chan struct{}), release: make(chan struct{}), rest: strings.NewReader(pushedFeed)}
		slow = append(slow, b)
		go func() { codes <- r.notify(path, b, sig).Code }()
		<-b.started // being read: it holds a reader
	}
	rec := r.notify(path, strings.NewReader(pushedFeed), sig)
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Errorf("a third notification while two are read: %d (Retry-After %q), want 503 with Retry-After", rec.Code, rec.Header().Get("Retry-After"))
	}
	for _, b := range slow {
		close(b.release)
	}
	for range 2 {
		if code := <-codes; code != http.StatusNoContent {
			t.Errorf("a notification being read was answered %d, want 204", code)
		}
	}
}

// failingBody fails the test if the subscriber reads it.
type failingBody struct{ reads atomic.Int32 }

func (b *failingBody) Read(p []byte) (int, error) {
	b.reads.Add(1)
	return 0, io.EOF
}

// A signature header that cannot be right is acknowledged (202, as
// WebSub asks) without the body being read; a wrong signature of the
// right form is read through the HMAC and ignored; nothing is kept.
func TestWebSubSignatureCheckedWhileReading(t *testing.T) {
	r := newIdleWebSubRig(t, true, nil)
	path := r.subscribed(t)
	for _, sig := range []string{"", "sha256=zz", "md5=00", "sha256=00ff"} {
		b := &failingBody{}
		if rec := r.notify(path, b, sig); rec.Code != http.StatusAccepted || b.reads.Load() != 0 {
			t.Errorf("signature %q: %d after %d reads; want 202 and the body left unread", sig, rec.Code, b.reads.Load())
		}
	}
	if rec := r.notify(path, strings.NewReader(pushedFeed), sign(sha256.New, "sha256", "not the secret", []byte(pushedFeed))); rec.Code != http.StatusAccepted {
		t.Errorf("a wrong signature: %d, want 202", rec.Code)
	}
	if _, err := r.db.NextNotification(t.Context()); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("something was kept: %v", err)
	}
}

// When too many notifications wait to be processed, a hub is told to try
// again later and nothing is lost: it sends again.
func TestWebSubTooManyWaitingIsTryAgain(t *testing.T) {
	r := newIdleWebSubRig(t, true, nil)
	path := r.subscribed(t)
	for i := range storage.MaxQueuedNotifications {
		if _, err := r.db.QueueNotification(t.Context(), news.WebSubNotification{FeedID: r.feed.ID, Topic: r.feed.URL,
			Body: []byte(fmt.Sprint(i))}); err != nil {
			t.Fatal(err)
		}
	}
	body := []byte(pushedFeed)
	rec := r.notify(path, strings.NewReader(pushedFeed), sign(sha256.New, "sha256", notifySecret, body))
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Errorf("with %d notifications waiting: %d, want 503 with Retry-After", storage.MaxQueuedNotifications, rec.Code)
	}
}
