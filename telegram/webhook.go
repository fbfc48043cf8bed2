package telegram

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime/debug"
	"sync"
	"time"

	"github.com/ajel-news/ajel/internal/wait"
	"github.com/ajel-news/ajel/news"
)

// Webhook mode: Telegram POSTs each update to WEBHOOK_URL; a reverse proxy
// terminates TLS and forwards it to the local HTTP server, where
// WebhookHandler is mounted (at config's WebhookPath).
//
// Delivery is at least once, as with long polling: an update is answered
// 200 only once it is kept in the inbox, with update_id+1 saved as the
// update offset, so a crash before that makes Telegram deliver it again,
// and a delivery Telegram repeats after that (a lost 200) is skipped. It is
// handled from the inbox, as in long polling, so Telegram's next update
// does not wait for this one's replies.

// SecretTokenHeader is the header in which Telegram echoes setWebhook's
// secret_token on every webhook request.
const SecretTokenHeader = "X-Telegram-Bot-Api-Secret-Token"

const (
	// maxWebhookBody bounds one update; real ones are a few KiB.
	maxWebhookBody = 1 << 20
	// replayWindow is how far below the saved offset an update_id may be
	// and still count as a repeat. Telegram numbers updates in sequence but
	// starts from a random id after a week without updates; an id far below
	// the offset is such a new sequence, not a repeat, and is handled.
	replayWindow = 1000
)

// webhookState serializes webhook updates so the saved offset only grows
// (and two copies of one update cannot both be kept).
type webhookState struct {
	mu     sync.Mutex
	offset int
	loaded bool // offset was read from the store
}

// WebhookSecret is the secret_token the bot uses: configured when not
// empty, else one derived from the bot token (hex SHA-256 of
// "ajel-webhook:"+token), stable across restarts without extra
// configuration and useless to anyone who lacks the token.
func WebhookSecret(token, configured string) string {
	if configured != "" {
		return configured
	}
	sum := sha256.Sum256([]byte("ajel-webhook:" + token))
	return hex.EncodeToString(sum[:])
}

// Listen receives updates by webhook instead of Poll: it registers the
// webhook at publicURL with the secret (WebhookSecret of the token and
// secret), retrying while Telegram is unreachable, then handles what
// WebhookHandler keeps until ctx ends. The webhook stays set on shutdown:
// Telegram keeps the updates of a restart for the next run, and Poll
// deletes it when the bot goes back to long polling. It returns nil when
// ctx ends, and the *Error when Telegram refuses the token (TokenRefused)
// or the URL (BadRequest).
func (in *Inbox) Listen(ctx context.Context, publicURL, secret string) error {
	stop := in.start(ctx)
	defer stop()
	backoff := time.Second
	for {
		err := in.tg.SetWebhook(ctx, publicURL, secret)
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			return nil
		}
		pause := backoff
		if te := asError(err); te != nil {
			switch {
			case te.TokenRefused(), te.BadRequest():
				// "bad webhook: …": the URL or secret is wrong; retrying cannot help.
				return te
			case te.RetryAfter > 0:
				pause = te.RetryAfter
			}
		}
		in.log.Warn("telegram: setWebhook failed", "err", err, "retry_in", pause)
		if !wait.Sleep(ctx, pause) {
			return nil
		}
		backoff = min(backoff*2, time.Minute)
	}
	in.log.Info("telegram: receiving updates by webhook", "origin", Origin(publicURL))
	<-ctx.Done()
	return nil
}

// Origin is a URL's scheme and host, for logs and errors: webhook paths
// sometimes hold the token.
func Origin(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "<invalid URL>"
	}
	return u.Scheme + "://" + u.Host
}

// WebhookHandler serves Telegram's webhook requests: POST only (405), the
// secret (WebhookSecret(token, secret)) in SecretTokenHeader (401 without
// it, 403 when wrong; compared in constant time), one JSON update of at most
// 1 MiB (413 when larger, 400 when not an update). The update is kept in
// the inbox with its offset and only then answered 200; Listen handles it
// from there. A repeat of an update already kept is answered 200 without
// keeping it again; 500 (Telegram retries) when the database does not take
// it. Mount one handler per Inbox.
func (in *Inbox) WebhookHandler(secret string) http.Handler {
	want := sha256.Sum256([]byte(WebhookSecret(in.tg.conn.token, secret)))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		got := r.Header.Get(SecretTokenHeader)
		if got == "" {
			in.log.Warn("telegram: webhook request without the secret token", remoteAttrs(r)...)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		// Hashing first makes the comparison constant-time in the length too.
		sum := sha256.Sum256([]byte(got))
		if subtle.ConstantTimeCompare(sum[:], want[:]) != 1 {
			in.log.Warn("telegram: webhook request with a wrong secret token", remoteAttrs(r)...)
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		raw, status, err := decodeUpdate(w, r)
		if err != nil {
			in.log.Warn("telegram: webhook request refused", append(remoteAttrs(r), "status", status, "err", err)...)
			http.Error(w, http.StatusText(status), status)
			return
		}
		w.WriteHeader(in.takeWebhookUpdate(r.Context(), raw))
	})
}

// takeWebhookUpdate keeps one update Telegram posted and returns the
// status to answer. An update Ajel cannot use is answered 200 with its
// offset saved, as is one that made the bot panic (parked): any other
// answer makes Telegram send it again and again.
func (in *Inbox) takeWebhookUpdate(ctx context.Context, raw json.RawMessage) (status int) {
	var u news.InboundUpdate
	defer func() {
		if p := recover(); p != nil {
			if u.Raw == nil {
				u.Raw = raw
			}
			in.park(ctx, u, fmt.Sprintf("keeping it panicked: %v", p), debug.Stack())
			status = http.StatusOK
		}
	}()
	u, skip, inline := in.receive(ctx, raw)
	if u.UpdateID <= 0 {
		in.log.Warn("telegram: webhook request refused: not an update (no update_id)")
		return http.StatusBadRequest
	}
	if inline {
		// Answered apart, at once or never: nothing to keep, and a repeat
		// is only answered twice (Telegram refuses the second).
		return http.StatusOK
	}
	return in.keepWebhookUpdate(ctx, u, skip)
}

// remoteAttrs describe a request's sender for logs (never its headers'
// secrets).
func remoteAttrs(r *http.Request) []any {
	attrs := []any{"remote", r.RemoteAddr}
	if f := r.Header.Get("X-Forwarded-For"); f != "" {
		attrs = append(attrs, "forwarded_for", f)
	}
	return attrs
}

// decodeUpdate reads the one JSON value of a webhook request, or says
// which status refuses it.
func decodeUpdate(w http.ResponseWriter, r *http.Request) (json.RawMessage, int, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBody))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, http.StatusRequestEntityTooLarge, fmt.Errorf("body over %d bytes", tooBig.Limit)
	}
	if err != nil {
		return nil, http.StatusBadRequest, fmt.Errorf("read body: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	var raw json.RawMessage
	err = dec.Decode(&raw)
	if err == nil {
		// Exactly one JSON value: anything after it is not Telegram's.
		if _, terr := dec.Token(); terr != io.EOF {
			err = errors.New("data after the update")
			if terr != nil {
				err = terr
			}
		}
	}
	if err != nil {
		return nil, http.StatusBadRequest, fmt.Errorf("not a JSON update: %w", err)
	}
	return raw, http.StatusOK, nil
}

// keepWebhookUpdate keeps one update in the inbox unless it is a repeat
// or one to skip, with the next offset, hands it to its chat's handler,
// and returns the status to answer.
func (in *Inbox) keepWebhookUpdate(ctx context.Context, u news.InboundUpdate, skip bool) int {
	h := &in.hook
	h.mu.Lock()
	defer h.mu.Unlock()
	// Once begun, keeping an update is finished even when the request is
	// cut off: Telegram then sends it again, and it is a repeat.
	ctx = context.WithoutCancel(ctx)
	if !h.loaded {
		lctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		off, err := in.store.UpdateOffset(lctx)
		cancel()
		if err != nil {
			in.log.Error("telegram: read update offset", "err", err)
			return http.StatusInternalServerError
		}
		h.offset, h.loaded = off, true
	}
	if u.UpdateID < h.offset && h.offset-u.UpdateID <= replayWindow {
		in.log.Debug("telegram: webhook update already handled", "update_id", u.UpdateID, "offset", h.offset)
		return http.StatusOK
	}
	keep := []news.InboundUpdate{u}
	if skip {
		keep = nil // only its offset is saved
	}
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	queued, err := in.store.QueueUpdates(sctx, keep, u.UpdateID+1)
	cancel()
	if err != nil {
		// Not kept: Telegram sends it again after a 500.
		in.log.Error("telegram: keep webhook update", "update_id", u.UpdateID, "err", err)
		return http.StatusInternalServerError
	}
	h.offset = u.UpdateID + 1
	in.add(queued...)
	return http.StatusOK
}
