// Package websub is Ajel's side of WebSub (W3C): it subscribes to the
// hubs feeds name (the poller tells it which, after each poll), answers
// their verifications, renews leases, unsubscribes, and hands the content
// hubs push, once signed and kept, to the feed's path, as a poll's items.
// It talks to hubs through a feed.Fetcher's guarded client.
package websub

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ajel-news/ajel/feed"
	"github.com/ajel-news/ajel/internal/textcut"
	"github.com/ajel-news/ajel/news"
)

// WebSub defaults.
const (
	// DefaultCallbackPath is where hubs reach Ajel, under PUBLIC_URL.
	DefaultCallbackPath = "/websub/"
	// DefaultLeaseSeconds is the lease asked of a hub (ten days).
	DefaultLeaseSeconds = 10 * 24 * 3600
	// MaxLeaseSeconds is the longest lease Ajel counts on (30 days),
	// whatever a hub grants: a lease of 2^63−1 seconds would overflow into
	// one that ended in the past, and a month is long enough to go without
	// renewing.
	MaxLeaseSeconds = 30 * 24 * 3600
	// DefaultVerifyTimeout is how long a hub has to verify a subscription
	// before it is given up (the feed stays polled).
	DefaultVerifyTimeout = 10 * time.Minute
	// DefaultRetryFailed is how long after a failure a hub is asked again.
	DefaultRetryFailed = time.Hour
	// hubRequestTimeout bounds one request to a hub.
	hubRequestTimeout = 10 * time.Second
	// unsubscribeGrace is how long a subscription being ended waits for
	// its hub to confirm before it is forgotten.
	unsubscribeGrace = 24 * time.Hour
	// DefaultNotifyReaders is how many notifications are read at once;
	// each takes up to MaxBodyBytes of memory while it is read.
	DefaultNotifyReaders = 4
	// DefaultNotifyWait is how long a notification waits for a reader
	// before the hub is told to try again later (503, Retry-After).
	DefaultNotifyWait = 10 * time.Second
	// notifyRetry is how long after a failure kept notifications are
	// looked at again; notifyTries how often one is tried before it is
	// given up.
	notifyRetry = time.Minute
	notifyTries = 5
)

// Store keeps the WebSub subscriptions; *storage.DB implements it.
type Store interface {
	SaveWebSub(ctx context.Context, w news.WebSub) error
	// ConfirmWebSub saves a hub's answer (state, reason, lease) only while
	// the subscription is in one of the states from; false when it is not.
	ConfirmWebSub(ctx context.Context, w news.WebSub, from ...news.WebSubState) (bool, error)
	WebSubByCallback(ctx context.Context, callbackID string) (news.WebSub, error)
	// WebSubs lists the subscriptions of a feed, or all with feedID 0.
	WebSubs(ctx context.Context, feedID int64) ([]news.WebSub, error)
	DeleteWebSub(ctx context.Context, callbackID string) error
	// QueueNotification keeps a signed notification until it is
	// processed; it wraps news.ErrTooManyNotifications when too many wait.
	QueueNotification(ctx context.Context, n news.WebSubNotification) (int64, error)
	// NextNotification returns the oldest kept notification, or
	// news.ErrNotFound.
	NextNotification(ctx context.Context) (news.WebSubNotification, error)
	// DeleteNotification forgets a processed notification.
	DeleteNotification(ctx context.Context, id int64) error
}

// Deliverer takes the items a hub pushed for a feed (the feed.Poller).
type Deliverer interface {
	Deliver(ctx context.Context, feedID int64, items []news.Article) (news.PollOutcome, error)
}

// Options configure a Subscriber.
type Options struct {
	// PublicURL is the bot's public base URL; "" turns WebSub off.
	PublicURL string
	// CallbackPath is the path, under PublicURL and on the HTTP server,
	// of the callbacks (default DefaultCallbackPath).
	CallbackPath string
	// AllowPrivate lets hubs be on loopback and private addresses.
	AllowPrivate bool
	// LeaseSeconds is the lease asked for (default DefaultLeaseSeconds).
	LeaseSeconds int
	// VerifyTimeout and RetryFailed: see the defaults.
	VerifyTimeout, RetryFailed time.Duration
	// MaxBodyBytes caps a notification (default feed.DefaultMaxBodyBytes).
	MaxBodyBytes int64
	// NotifyReaders bounds the notifications read at once (default
	// DefaultNotifyReaders); NotifyWait is how long one waits for its
	// turn (default DefaultNotifyWait).
	NotifyReaders int
	NotifyWait    time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Logger (default: discard).
	Logger *slog.Logger
}

// Subscriber is Ajel's side of WebSub (W3C): it subscribes to the hubs
// feeds name, answers their verification of what it asked for and
// nothing else, renews leases before they end, unsubscribes when a feed
// goes or moves to another hub, and hands the content hubs push, once
// its signature is checked and it is kept, to the same path as a poll's
// items (Run processes what was kept).
type Subscriber struct {
	store   Store
	fetcher *feed.Fetcher
	deliver Deliverer
	opt     Options
	log     *slog.Logger
	readers chan struct{} // one token per notification being read
	kept    chan struct{} // a notification was kept: process it

	mu sync.Mutex // one feed's subscription is decided at a time
}

// NewSubscriber returns a Subscriber that talks to hubs through f's
// guarded client and delivers pushed items to d.
func NewSubscriber(store Store, f *feed.Fetcher, d Deliverer, opt Options) *Subscriber {
	if opt.CallbackPath == "" {
		opt.CallbackPath = DefaultCallbackPath
	}
	if opt.LeaseSeconds <= 0 {
		opt.LeaseSeconds = DefaultLeaseSeconds
	}
	opt.LeaseSeconds = min(opt.LeaseSeconds, MaxLeaseSeconds)
	if opt.VerifyTimeout <= 0 {
		opt.VerifyTimeout = DefaultVerifyTimeout
	}
	if opt.RetryFailed <= 0 {
		opt.RetryFailed = DefaultRetryFailed
	}
	if opt.MaxBodyBytes <= 0 {
		opt.MaxBodyBytes = feed.DefaultMaxBodyBytes
	}
	if opt.NotifyReaders <= 0 {
		opt.NotifyReaders = DefaultNotifyReaders
	}
	if opt.NotifyWait <= 0 {
		opt.NotifyWait = DefaultNotifyWait
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	opt.PublicURL = strings.TrimSuffix(opt.PublicURL, "/")
	return &Subscriber{store: store, fetcher: f, deliver: d, opt: opt, log: log,
		readers: make(chan struct{}, opt.NotifyReaders), kept: make(chan struct{}, 1)}
}

// Enabled reports whether Ajel has a public URL hubs can call back.
func (s *Subscriber) Enabled() bool { return s.opt.PublicURL != "" }

// CallbackPath is the path prefix ServeHTTP answers.
func (s *Subscriber) CallbackPath() string { return s.opt.CallbackPath }

func (s *Subscriber) callbackURL(id string) string {
	return s.opt.PublicURL + s.opt.CallbackPath + id
}

// Discovered is told, after each poll that fetched a feed, the hub it
// names ("" for none) and its self URL: it subscribes to a new hub,
// renews a lease that ends soon, gives up on a hub that never verified,
// asks a failed hub again after a while, and drops the subscription to
// a hub the feed no longer names.
func (s *Subscriber) Discovered(ctx context.Context, f news.Feed, hub, self string) {
	if !s.Enabled() {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	subs, err := s.store.WebSubs(ctx, f.ID)
	if err != nil {
		s.log.Warn("feed: websub: listing subscriptions", "feed", f.ID, "err", err)
		return
	}
	var cur *news.WebSub
	for i := range subs {
		if subs[i].State != news.WebSubUnsubscribing {
			cur = &subs[i] // the newest (listed oldest first)
		}
	}
	switch {
	case cur != nil && hub == "":
		s.unsubscribe(ctx, *cur, "the feed no longer names a hub")
		return
	case cur != nil && (cur.Hub != hub || cur.Topic != self):
		s.unsubscribe(ctx, *cur, "the feed names another hub")
		cur = nil
	}
	if hub == "" {
		return
	}
	now := s.opt.Now()
	if cur == nil {
		w := news.WebSub{CallbackID: randomHex(16), FeedID: f.ID, Hub: hub, Topic: self, Secret: randomHex(32)}
		if err := s.hubAllowed(ctx, hub); err != nil {
			w.State, w.Reason, w.RequestedAt = news.WebSubFailed, err.Error(), now
			s.save(ctx, w)
			return
		}
		s.subscribe(ctx, w)
		return
	}
	s.tend(ctx, *cur, now)
}

// tend does what a subscription needs at now: renew, give up, retry.
func (s *Subscriber) tend(ctx context.Context, w news.WebSub, now time.Time) {
	switch w.State {
	case news.WebSubActive:
		if now.After(w.LeaseUntil.Add(-renewBefore(w.LeaseSeconds))) {
			s.subscribe(ctx, w)
		}
	case news.WebSubPending:
		if now.Sub(w.RequestedAt) > s.opt.VerifyTimeout {
			w.State = news.WebSubFailed
			w.Reason = fmt.Sprintf("the hub did not verify the subscription within %s", s.opt.VerifyTimeout)
			s.save(ctx, w)
		}
	case news.WebSubFailed:
		if now.Sub(w.RequestedAt) > s.opt.RetryFailed && s.hubAllowed(ctx, w.Hub) == nil {
			s.subscribe(ctx, w)
		}
	case news.WebSubUnsubscribing:
		if now.Sub(w.RequestedAt) > unsubscribeGrace {
			if err := s.store.DeleteWebSub(ctx, w.CallbackID); err != nil {
				s.log.Warn("feed: websub: forgetting a subscription", "feed", w.FeedID, "err", err)
			}
		}
	}
}

// renewBefore is how long before its lease ends a subscription is
// renewed: a fifth of the lease, between a minute and a day.
func renewBefore(leaseSeconds int) time.Duration {
	return min(max(leaseDuration(leaseSeconds)/5, time.Minute), 24*time.Hour)
}

// leaseDuration is a lease in seconds as a duration, at most
// MaxLeaseSeconds (a lease saved before leases were bounded may be
// larger).
func leaseDuration(leaseSeconds int) time.Duration {
	return time.Duration(min(max(leaseSeconds, 0), MaxLeaseSeconds)) * time.Second
}

// Run tends every subscription once a minute (renewals, timeouts) until
// ctx ends: a feed polled rarely still has its lease renewed in time. It
// also processes the notifications kept (see processNotifications).
func (s *Subscriber) Run(ctx context.Context) error {
	if !s.Enabled() {
		<-ctx.Done()
		return nil
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Go(func() { s.processNotifications(ctx) })
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		subs, err := s.store.WebSubs(ctx, 0)
		if err != nil {
			if ctx.Err() == nil {
				s.log.Warn("feed: websub: listing subscriptions", "err", err)
			}
			continue
		}
		now := s.opt.Now()
		s.mu.Lock()
		for _, w := range subs {
			s.tend(ctx, w, now)
		}
		s.mu.Unlock()
	}
}

// Unsubscribe tells the hubs of a feed that is being deleted to stop.
func (s *Subscriber) Unsubscribe(ctx context.Context, feedID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	subs, err := s.store.WebSubs(ctx, feedID)
	if err != nil {
		s.log.Warn("feed: websub: listing subscriptions", "feed", feedID, "err", err)
		return
	}
	for _, w := range subs {
		if w.State != news.WebSubUnsubscribing {
			s.unsubscribe(ctx, w, "the feed was deleted")
		}
	}
}

// hubAllowed refuses a hub Ajel must not talk to: not http(s), or on an
// internal address unless those are allowed (the guarded client checks
// again at connect time).
func (s *Subscriber) hubAllowed(ctx context.Context, hub string) error {
	if err := feed.ValidateURL(ctx, hub, s.opt.AllowPrivate); err != nil {
		if errors.Is(err, feed.ErrPrivateAddress) {
			return fmt.Errorf("the hub %s is on a private address", hub)
		}
		return fmt.Errorf("the hub address is not usable: %v", err)
	}
	return nil
}

// subscribe asks the hub for w (new, renewed or retried). The row is
// saved first: the hub may verify before its answer arrives.
func (s *Subscriber) subscribe(ctx context.Context, w news.WebSub) {
	renewing := w.State == news.WebSubActive
	if !renewing {
		w.State = news.WebSubPending
	}
	w.RequestedAt, w.Reason = s.opt.Now(), ""
	s.save(ctx, w)
	if err := s.ask(ctx, w, "subscribe"); err != nil {
		w.Reason = err.Error()
		if !renewing {
			w.State = news.WebSubFailed // polled, as before; asked again later
		}
		s.save(ctx, w)
		s.log.Warn("feed: websub: subscription refused", "feed", w.FeedID, "hub", w.Hub, "err", err)
		return
	}
	s.log.Info("feed: websub: subscription asked for", "feed", w.FeedID, "hub", w.Hub, "topic", w.Topic, "renewal", renewing)
}

// unsubscribe asks the hub to stop; the row stays until the hub
// verifies (or a day passes), so the verification finds it.
func (s *Subscriber) unsubscribe(ctx context.Context, w news.WebSub, why string) {
	w.State, w.Reason, w.RequestedAt = news.WebSubUnsubscribing, why, s.opt.Now()
	s.save(ctx, w)
	if err := s.ask(ctx, w, "unsubscribe"); err != nil {
		// Nothing more to do: the lease will run out.
		s.log.Info("feed: websub: unsubscribing failed; the lease will run out", "feed", w.FeedID, "hub", w.Hub, "err", err)
		if err := s.store.DeleteWebSub(ctx, w.CallbackID); err != nil {
			s.log.Warn("feed: websub: forgetting a subscription", "feed", w.FeedID, "err", err)
		}
		return
	}
	s.log.Info("feed: websub: unsubscribing", "feed", w.FeedID, "hub", w.Hub, "why", why)
}

// ask sends a subscribe or unsubscribe request; a hub answers 202 (or
// another 2xx when it verifies at once).
func (s *Subscriber) ask(ctx context.Context, w news.WebSub, mode string) error {
	form := url.Values{
		"hub.mode":     {mode},
		"hub.topic":    {w.Topic},
		"hub.callback": {s.callbackURL(w.CallbackID)},
	}
	if mode == "subscribe" {
		form.Set("hub.secret", w.Secret)
		form.Set("hub.lease_seconds", strconv.Itoa(s.opt.LeaseSeconds))
	}
	ctx, cancel := context.WithTimeout(ctx, hubRequestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.Hub, strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("the hub address is not usable: %v", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := s.fetcher.Do(req)
	if err != nil {
		return fmt.Errorf("the hub could not be reached: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		msg := fmt.Sprintf("the hub answered %s", feed.StatusText(resp))
		if b := strings.TrimSpace(string(body)); b != "" {
			msg += ": " + textcut.Line(b, 160)
		}
		return errors.New(msg)
	}
	return nil
}

func (s *Subscriber) save(ctx context.Context, w news.WebSub) {
	if err := s.store.SaveWebSub(ctx, w); err != nil {
		s.log.Warn("feed: websub: saving a subscription", "feed", w.FeedID, "err", err)
	}
}

// ServeHTTP answers the hubs at CallbackPath<id>: their verification of
// a subscription (GET) and their content notifications (POST).
func (s *Subscriber) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, s.opt.CallbackPath)
	if !s.Enabled() || id == "" || strings.Contains(id, "/") || len(id) > 64 {
		http.NotFound(w, r)
		return
	}
	sub, err := s.store.WebSubByCallback(r.Context(), id)
	if errors.Is(err, news.ErrNotFound) {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		s.log.Warn("feed: websub: reading a subscription", "err", err)
		http.Error(w, "try again later", http.StatusServiceUnavailable)
		return
	}
	switch r.Method {
	case http.MethodGet:
		s.verify(w, r, sub)
	case http.MethodPost:
		s.notified(w, r, sub)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// verify answers a hub's verification: the challenge is echoed only for
// what Ajel asked for (the same topic, the mode it wanted).
func (s *Subscriber) verify(w http.ResponseWriter, r *http.Request, sub news.WebSub) {
	q := r.URL.Query()
	mode, topic, challenge := q.Get("hub.mode"), q.Get("hub.topic"), q.Get("hub.challenge")
	if topic != sub.Topic {
		s.log.Warn("feed: websub: verification for a topic not asked for", "feed", sub.FeedID, "topic", topic)
		http.NotFound(w, r)
		return
	}
	// No lock here: a hub may verify while Ajel's request to it (made
	// under the lock) waits for its answer. So an answer is saved only if
	// Ajel still wants what it answers (confirm): an unsubscription sent
	// since sub was read stands.
	switch {
	case mode == "denied":
		sub.State = news.WebSubFailed
		sub.Reason = "the hub denied the subscription"
		if why := strings.TrimSpace(q.Get("hub.reason")); why != "" {
			sub.Reason += ": " + textcut.Line(why, 160)
		}
		if s.confirm(w, r, sub) {
			w.WriteHeader(http.StatusOK)
		}
		return
	case challenge == "":
		http.Error(w, "no hub.challenge", http.StatusBadRequest)
		return
	case mode == "subscribe" && (sub.State == news.WebSubPending || sub.State == news.WebSubActive):
		// A lease too large for an int, or for a time, is a long one:
		// counted as MaxLeaseSeconds.
		lease, err := strconv.ParseUint(q.Get("hub.lease_seconds"), 10, 64)
		var numErr *strconv.NumError
		switch {
		case errors.As(err, &numErr) && errors.Is(numErr.Err, strconv.ErrRange):
			lease = MaxLeaseSeconds
		case err != nil || lease == 0:
			lease = uint64(s.opt.LeaseSeconds)
		}
		seconds := int(min(lease, MaxLeaseSeconds))
		sub.State, sub.Reason = news.WebSubActive, ""
		sub.LeaseSeconds, sub.LeaseUntil = seconds, s.opt.Now().Add(leaseDuration(seconds))
		if !s.confirm(w, r, sub) {
			return
		}
		s.log.Info("feed: websub: subscription verified", "feed", sub.FeedID, "hub", sub.Hub, "until", sub.LeaseUntil)
	case mode == "unsubscribe" && sub.State == news.WebSubUnsubscribing:
		if err := s.store.DeleteWebSub(r.Context(), sub.CallbackID); err != nil {
			s.log.Warn("feed: websub: forgetting a subscription", "feed", sub.FeedID, "err", err)
		}
	default:
		s.log.Warn("feed: websub: verification of something not asked for", "feed", sub.FeedID, "mode", mode, "state", sub.State)
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, challenge) // the hub's connection is its concern
}

// confirm saves a hub's answer to the verification of a subscription that
// is still pending or active and reports whether it did; otherwise it
// answers the hub itself: 404 when Ajel no longer wants the subscription
// (it sent an unsubscription since sub was read), 503 when the database
// failed (the hub tries again).
func (s *Subscriber) confirm(w http.ResponseWriter, r *http.Request, sub news.WebSub) bool {
	ok, err := s.store.ConfirmWebSub(r.Context(), sub, news.WebSubPending, news.WebSubActive)
	switch {
	case err != nil:
		s.log.Warn("feed: websub: saving a verification", "feed", sub.FeedID, "err", err)
		http.Error(w, "try again later", http.StatusServiceUnavailable)
		return false
	case !ok:
		s.log.Warn("feed: websub: verification of a subscription given up meanwhile", "feed", sub.FeedID, "hub", sub.Hub)
		http.NotFound(w, r)
		return false
	}
	return true
}

// notified takes a hub's content notification: under the size cap,
// signed with the subscription's secret. A signature header that cannot
// be right (none, an unknown method, not hex) is acknowledged (as WebSub
// asks) and ignored without reading the body. Otherwise the body is read
// — a few notifications at a time, so their memory is bounded — through
// the HMAC, and once the signature matches it is kept and the hub
// answered 204 at once; Run hands its items to the feed's path
// afterwards. A body with a wrong signature is acknowledged and ignored.
// A hub that finds every reader busy, or too many notifications waiting,
// is told to try again later (503 with Retry-After).
func (s *Subscriber) notified(w http.ResponseWriter, r *http.Request, sub news.WebSub) {
	if sub.State != news.WebSubActive && sub.State != news.WebSubPending {
		http.Error(w, "no such subscription", http.StatusGone)
		return
	}
	if r.ContentLength > s.opt.MaxBodyBytes {
		http.Error(w, "notification too large", http.StatusRequestEntityTooLarge)
		return
	}
	mac, want, err := parseSignature(r.Header.Get("X-Hub-Signature"), sub.Secret)
	if err != nil {
		s.log.Warn("feed: websub: notification ignored", "feed", sub.FeedID, "err", err)
		w.WriteHeader(http.StatusAccepted)
		return
	}
	wait := time.NewTimer(s.opt.NotifyWait)
	defer wait.Stop()
	select {
	case s.readers <- struct{}{}:
		defer func() { <-s.readers }()
	case <-wait.C:
		s.log.Warn("feed: websub: every notification reader is busy; the hub is told to try again", "feed", sub.FeedID)
		tryLater(w)
		return
	case <-r.Context().Done():
		return
	}
	body, err := readNotification(w, r, s.opt.MaxBodyBytes, mac)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "notification too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "could not read the notification", http.StatusBadRequest)
		return
	}
	if !hmac.Equal(mac.Sum(nil), want) {
		s.log.Warn("feed: websub: notification ignored", "feed", sub.FeedID, "err", "X-Hub-Signature does not match")
		w.WriteHeader(http.StatusAccepted)
		return
	}
	_, err = s.store.QueueNotification(r.Context(), news.WebSubNotification{
		FeedID: sub.FeedID, Topic: sub.Topic, ContentType: r.Header.Get("Content-Type"), Body: body, ReceivedAt: s.opt.Now(),
	})
	if err != nil {
		// Not kept: the hub retries, nothing is lost.
		s.log.Warn("feed: websub: notification not kept; the hub is told to try again", "feed", sub.FeedID, "err", err)
		tryLater(w)
		return
	}
	signal(s.kept)
	w.WriteHeader(http.StatusNoContent)
}

// tryLater answers a hub 503 with a Retry-After: it sends the
// notification again later.
func tryLater(w http.ResponseWriter) {
	w.Header().Set("Retry-After", "60")
	http.Error(w, "busy; try again later", http.StatusServiceUnavailable)
}

// signal wakes whoever waits on ch without blocking.
func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// readNotification reads a notification's body of at most limit bytes,
// writing it through mac as it comes, so the signature is computed while
// reading; a body announcing its length is read into a buffer of that
// size, with no copy on the way.
func readNotification(w http.ResponseWriter, r *http.Request, limit int64, mac hash.Hash) ([]byte, error) {
	var buf bytes.Buffer
	if n := r.ContentLength; n > 0 && n <= limit {
		buf.Grow(int(n) + bytes.MinRead)
	}
	_, err := buf.ReadFrom(io.TeeReader(http.MaxBytesReader(w, r.Body, limit), mac))
	return buf.Bytes(), err
}

// processNotifications processes the notifications kept, oldest first,
// one at a time, until ctx ends: those a previous run left at once, then
// each as soon as it is kept. Their items go to the Deliverer, the
// feed's path under its lock, as a poll's. A notification that is not a
// feed, or whose feed is gone, is dropped; one the Deliverer fails on
// (the database) is tried again a minute later, notifyTries times at most.
func (s *Subscriber) processNotifications(ctx context.Context) {
	fails := map[int64]int{}
	for {
		for s.processOne(ctx, fails) {
		}
		wait := time.NewTimer(notifyRetry)
		select {
		case <-ctx.Done():
			wait.Stop()
			return
		case <-s.kept:
		case <-wait.C:
		}
		wait.Stop()
	}
}

// processOne processes the oldest kept notification and reports whether
// the next may be looked at at once.
func (s *Subscriber) processOne(ctx context.Context, fails map[int64]int) bool {
	if ctx.Err() != nil {
		return false
	}
	n, err := s.store.NextNotification(ctx)
	if errors.Is(err, news.ErrNotFound) {
		return false
	}
	if err != nil {
		if ctx.Err() == nil {
			s.log.Warn("feed: websub: reading kept notifications; trying again later", "err", err)
		}
		return false
	}
	forget := func() bool {
		delete(fails, n.ID)
		if err := s.store.DeleteNotification(ctx, n.ID); err != nil {
			if ctx.Err() == nil {
				s.log.Warn("feed: websub: forgetting a processed notification", "feed", n.FeedID, "err", err)
			}
			return false
		}
		return true
	}
	base, _ := url.Parse(n.Topic)
	res, err := feed.ParseBytes(n.Body, n.ContentType, base)
	if err != nil {
		s.log.Warn("feed: websub: notification is not a feed; ignored", "feed", n.FeedID, "err", err)
		return forget()
	}
	out, err := s.deliver.Deliver(ctx, n.FeedID, res.Items)
	switch {
	case errors.Is(err, news.ErrNotFound):
		s.log.Info("feed: websub: notification for a feed that is gone; ignored", "feed", n.FeedID)
		return forget()
	case err != nil && ctx.Err() != nil:
		return false // processed again after the restart; its items are known by then
	case err != nil:
		fails[n.ID]++
		if fails[n.ID] >= notifyTries {
			s.log.Error("feed: websub: notification given up", "feed", n.FeedID, "tries", fails[n.ID], "err", err)
			return forget()
		}
		s.log.Warn("feed: websub: notification not processed; trying again later", "feed", n.FeedID, "err", err)
		return false
	}
	s.log.Info("feed: websub: notification", "feed", n.FeedID, "items", len(res.Items), "new", out.New,
		"waited", s.opt.Now().Sub(n.ReceivedAt).Round(time.Millisecond))
	return forget()
}

// parseSignature reads X-Hub-Signature ("sha256=<hex>"; sha1, sha384 and
// sha512 too, as WebSub allows): the HMAC to compute with secret and the
// value it must come to.
func parseSignature(header, secret string) (mac hash.Hash, want []byte, err error) {
	alg, sig, ok := strings.Cut(strings.TrimSpace(header), "=")
	if !ok || sig == "" {
		return nil, nil, errors.New("no X-Hub-Signature")
	}
	var h func() hash.Hash
	switch strings.ToLower(alg) {
	case "sha1":
		h = sha1.New
	case "sha256":
		h = sha256.New
	case "sha384":
		h = sha512.New384
	case "sha512":
		h = sha512.New
	default:
		return nil, nil, fmt.Errorf("X-Hub-Signature uses an unknown method %q", textcut.Line(alg, 20))
	}
	want, err = hex.DecodeString(sig)
	if err != nil || len(want) != h().Size() {
		return nil, nil, errors.New("X-Hub-Signature is not a hex HMAC of its method's size")
	}
	return hmac.New(h, []byte(secret)), want, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}
