// Package telegram is Ajel's transport to the Telegram Bot API, and the
// only package that imports the Bot API library (tgbotapi v5.5.1):
//
//   - Client (client.go) makes every call under a context, the one way
//     requests are made; its errors are *Error (errors.go), with the bot
//     token redacted from every error it returns.
//   - Requests (requests.go): Send, Edit, Answer and the rest, with the
//     parameters the library predates (link_preview_options,
//     reply_parameters, message_thread_id, allow_paid_broadcast).
//   - Updates (update.go) are decoded once, forum thread included; bot
//     reads them, and builds keyboards, through the aliases there.
//   - The inbox (inbox.go) keeps every update Telegram sends, by long
//     polling or through the webhook receiver (webhook.go), until it is
//     handled, so a restart neither loses nor repeats one.
package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/ajel-news/ajel/internal/textcut"
	"github.com/ajel-news/ajel/internal/wait"
)

// DefaultEndpoint is the public Bot API, in tgbotapi's endpoint format:
// the token, then the method.
const DefaultEndpoint = "https://api.telegram.org/bot%s/%s"

// Throttle paces what the bot sends on its own — replies, callback
// answers, keyboards, notices — within the one rate budget it shares with
// the delivery worker, replies first; *delivery.Budget implements it.
type Throttle interface {
	// WaitReply waits for the reply's turn.
	WaitReply(ctx context.Context) error
	// PauseFor stops every message for d (Telegram's retry_after).
	PauseFor(d time.Duration)
}

// Options configure a Client. Token is required.
type Options struct {
	// Token is the Bot API token; it never appears in errors or logs.
	Token string
	// Endpoint is tgbotapi's endpoint format (DefaultEndpoint when empty).
	Endpoint string
	// HTTPClient makes the requests; nil means a client whose timeout
	// leaves room for long polling. A client's Timeout must exceed
	// PollTimeout.
	HTTPClient *http.Client
	// PollTimeout is getUpdates' long-polling timeout; 0 means 30s.
	PollTimeout time.Duration
	// Throttle paces the calls of Replies(); nil sends at once (tests).
	Throttle Throttle
	// ReplyRetry is how long a call of Replies() is retried after 429s and
	// network errors before it is given up; 0 means 2 minutes.
	ReplyRetry time.Duration
	// Logger receives the transport's logs; nil discards them.
	Logger *slog.Logger
}

// Client calls the Bot API. It is safe for concurrent use. A Client from
// New makes each call once; the one from Replies paces and retries them.
type Client struct {
	conn *conn
	// paced marks the Client of Replies: calls wait for the throttle and
	// are retried.
	paced bool
}

// conn is what the two Clients share.
type conn struct {
	token, endpoint string
	// fileEndpoint is where files are downloaded (the endpoint with
	// file/ before bot%s), "" when the endpoint has no bot%s.
	fileEndpoint string
	http         *http.Client
	pollTimeout  time.Duration
	throttle     Throttle
	replyRetry   time.Duration
	log          *slog.Logger
	self         atomic.Pointer[User] // who the bot is, once Connect learnt it
	replies      *Client              // the Client of Replies
}

// New returns a client, not yet connected: Connect checks the token.
func New(o Options) (*Client, error) {
	if o.Token == "" {
		return nil, errors.New("telegram: empty token")
	}
	endpoint := o.Endpoint
	if endpoint == "" {
		endpoint = DefaultEndpoint
	}
	if strings.Count(endpoint, "%s") != 2 {
		return nil, fmt.Errorf("telegram: endpoint %q must contain %%s twice (token, method)", endpoint)
	}
	c := &conn{token: o.Token, endpoint: endpoint, http: o.HTTPClient, pollTimeout: o.PollTimeout,
		fileEndpoint: fileEndpoint(endpoint),
		throttle:     o.Throttle, replyRetry: o.ReplyRetry, log: o.Logger}
	if c.pollTimeout <= 0 {
		c.pollTimeout = 30 * time.Second
	}
	if c.http == nil {
		c.http = &http.Client{Timeout: c.pollTimeout + 30*time.Second}
	}
	if c.replyRetry <= 0 {
		c.replyRetry = 2 * time.Minute
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	c.replies = &Client{conn: c, paced: true}
	return &Client{conn: c}, nil
}

// fileEndpoint is the address format of files for an endpoint format, as
// Telegram's: https://api.telegram.org/bot%s/%s gives
// https://api.telegram.org/file/bot%s/%s.
func fileEndpoint(endpoint string) string {
	i := strings.LastIndex(endpoint, "bot%s")
	if i < 0 {
		return ""
	}
	return endpoint[:i] + "file/" + endpoint[i:]
}

// Replies is the client for calls that answer a reader — a reply, a
// callback answer, a keyboard edit, a notice: each waits for its turn in
// the Throttle (replies go before pushes) and is retried after a 429
// (waiting its retry_after, which pauses every other message too) or a
// network or server error, for at most ReplyRetry; then its error wraps
// ErrGaveUp. A refusal that retrying cannot change (400, 403) is returned
// at once.
func (c *Client) Replies() *Client { return c.conn.replies }

// ErrGaveUp marks a reply that could not be sent within ReplyRetry (429s,
// network errors): there is no point telling the reader about it in
// another reply.
var ErrGaveUp = errors.New("telegram: gave up on a reply")

// Call makes one Bot API call under ctx — the one way this package talks to
// Telegram — and decodes its result into result (unless nil). A refusal is
// an *Error; no error holds the token.
func (c *Client) Call(ctx context.Context, method string, p tgbotapi.Params, result any) error {
	return c.send(ctx, method, p, nil, result)
}

// send makes a call, with a file to upload when up is set, once or (for
// Replies) paced and retried.
func (c *Client) send(ctx context.Context, method string, p tgbotapi.Params, up *upload, result any) error {
	if c.paced {
		return c.callPaced(ctx, method, p, up, result)
	}
	return c.conn.call(ctx, method, p, up, result)
}

// callPaced is a call of Replies.
func (c *Client) callPaced(ctx context.Context, method string, p tgbotapi.Params, up *upload, result any) error {
	cn := c.conn
	ctx, cancel := context.WithTimeout(ctx, cn.replyRetry)
	defer cancel()
	began := time.Now()
	backoff := time.Second
	for tries := 1; ; tries++ {
		if cn.throttle != nil {
			if err := cn.throttle.WaitReply(ctx); err != nil {
				return fmt.Errorf("%w: no turn within %s: %w", ErrGaveUp, time.Since(began).Round(time.Second), err)
			}
		}
		err := cn.call(ctx, method, p, up, result)
		if err == nil {
			return nil
		}
		pause, again := retryAfter(err, backoff)
		if !again {
			return err
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < pause || ctx.Err() != nil {
			return fmt.Errorf("%w after %d tries in %s: %w", ErrGaveUp, tries, time.Since(began).Round(time.Second), err)
		}
		if te := asError(err); te != nil && te.RateLimited() && cn.throttle != nil {
			cn.throttle.PauseFor(pause) // Telegram's limit is per bot
		}
		cn.log.Debug("telegram: reply refused for now; trying again", "in", pause, "err", err)
		if !wait.Sleep(ctx, pause) {
			return fmt.Errorf("%w after %d tries in %s: %w", ErrGaveUp, tries, time.Since(began).Round(time.Second), err)
		}
		backoff = min(backoff*2, 16*time.Second)
	}
}

// retryAfter says whether a failed reply is worth sending again, and when:
// a 429 after its retry_after, a server or network error after backoff.
func retryAfter(err error, backoff time.Duration) (time.Duration, bool) {
	te := asError(err)
	switch {
	case te == nil:
		return backoff, true // the network: the request may not have arrived
	case te.RateLimited():
		return te.Wait(), true
	case te.Code >= 500:
		return backoff, true
	}
	return 0, false
}

// maxAnswer bounds an answer read (getUpdates with 100 updates is well
// under 1 MiB).
const maxAnswer = 16 << 20

// upload is a file sent with a call (sendDocument), as multipart form data.
type upload struct {
	field, name string
	data        []byte
}

// call makes one request: the parameters form-encoded, as the library
// sends them (multipart with a file to upload), and the answer read
// whatever the HTTP status.
func (c *conn) call(ctx context.Context, method string, p tgbotapi.Params, up *upload, result any) error {
	reqBody, contentType, err := encode(p, up)
	if err != nil {
		return fmt.Errorf("telegram: %s: %w", method, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, fmt.Sprintf(c.endpoint, c.token, method), reqBody)
	if err != nil {
		return c.redact(err)
	}
	req.Header.Set("Content-Type", contentType)
	resp, err := c.http.Do(req)
	if err != nil {
		return c.redact(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
	var answer struct {
		Ok          *bool           `json:"ok"`
		Result      json.RawMessage `json:"result"`
		ErrorCode   int             `json:"error_code"`
		Description string          `json:"description"`
		Parameters  *struct {
			MigrateToChatID int64 `json:"migrate_to_chat_id"`
			RetryAfter      int   `json:"retry_after"`
		} `json:"parameters"`
	}
	if err != nil || len(body) > maxAnswer || json.Unmarshal(body, &answer) != nil || answer.Ok == nil {
		return c.notBotAPI(method, resp, body, err)
	}
	if !*answer.Ok {
		e := &Error{Method: method, Code: answer.ErrorCode, Description: answer.Description}
		if pr := answer.Parameters; pr != nil {
			e.RetryAfter, e.MigrateTo = time.Duration(pr.RetryAfter)*time.Second, pr.MigrateToChatID
		}
		return e
	}
	if result != nil {
		if err := json.Unmarshal(answer.Result, result); err != nil {
			return fmt.Errorf("telegram: %s: read the result: %w", method, err)
		}
	}
	return nil
}

// encode is a call's body: the parameters form-encoded, or multipart form
// data with the file.
func encode(p tgbotapi.Params, up *upload) (io.Reader, string, error) {
	if up == nil {
		form := url.Values{}
		for k, v := range p {
			form.Set(k, v)
		}
		return strings.NewReader(form.Encode()), "application/x-www-form-urlencoded", nil
	}
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, v := range p {
		if err := w.WriteField(k, v); err != nil {
			return nil, "", err
		}
	}
	fw, err := w.CreateFormFile(up.field, up.name)
	if err != nil {
		return nil, "", err
	}
	if _, err := fw.Write(up.data); err != nil {
		return nil, "", err
	}
	if err := w.Close(); err != nil {
		return nil, "", err
	}
	return &b, w.FormDataContentType(), nil
}

// notBotAPI is the *Error for an answer that is not the Bot API's JSON
// envelope ({"ok":…}): a wrong TELEGRAM_API_ENDPOINT answering 500
// {"message":"Route not found"}, a proxy's 502 page. It names the status,
// the host and the start of the body, so the log and /healthz say what
// went wrong instead of an empty reason.
func (c *conn) notBotAPI(method string, resp *http.Response, body []byte, readErr error) error {
	what := textcut.Line(strings.ToValidUTF8(string(body), "?"), 200)
	switch {
	case readErr != nil:
		what = "the answer could not be read: " + readErr.Error()
	case len(body) > maxAnswer:
		what = fmt.Sprintf("an answer over %d MiB", maxAnswer>>20)
	case strings.TrimSpace(what) == "":
		what = "an empty body"
	}
	code := resp.StatusCode
	if code < 400 {
		code = http.StatusBadGateway // not an error status, but no answer either
	}
	host := "the endpoint"
	if resp.Request != nil && resp.Request.URL != nil {
		host = resp.Request.URL.Host
	}
	return &Error{Method: method, Code: code, Description: c.redactText(fmt.Sprintf(
		"not a Bot API answer: HTTP %s from %s: %s (is TELEGRAM_API_ENDPOINT right?)", resp.Status, host, what))}
}

// redactedError carries a message with the token removed. It unwraps to
// the cause only when the cause's own text is free of the token, so no
// errors.As can dig the token back out.
type redactedError struct {
	msg   string
	cause error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.cause }

// redact removes the bot token from err's text: a network failure is a
// *url.Error whose URL holds it.
func (c *conn) redact(err error) error {
	msg := err.Error()
	esc := url.PathEscape(c.token)
	if !strings.Contains(msg, c.token) && !strings.Contains(msg, esc) {
		return err
	}
	var cause error
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil && !strings.Contains(ue.Err.Error(), c.token) && !strings.Contains(ue.Err.Error(), esc) {
		cause = ue.Err
	}
	return &redactedError{msg: c.redactText(msg), cause: cause}
}

// Redact removes the bot token from a text shown to someone (an admin's
// /feeds, a log line), also in its URL-escaped form.
func (c *Client) Redact(s string) string { return c.conn.redactText(s) }

func (c *conn) redactText(s string) string {
	s = strings.ReplaceAll(s, c.token, "<token>")
	return strings.ReplaceAll(s, url.PathEscape(c.token), "<token>")
}

// Connect checks the token with Telegram (getMe) and learns who the bot is.
// While Telegram cannot be reached, or answers with a server error, it
// tries again, waiting longer each time up to a minute, and tells retrying
// (when set) the error and the wait. A token Telegram refuses is returned
// at once: an *Error whose TokenRefused is true. It returns nil once
// connected (at once when it already was), or ctx's error.
func (c *Client) Connect(ctx context.Context, retrying func(err error, wait time.Duration)) error {
	cn := c.conn
	if cn.self.Load() != nil {
		return nil
	}
	backoff := time.Second
	for {
		var me User
		err := cn.call(ctx, "getMe", nil, nil, &me)
		if err == nil {
			cn.self.Store(&me)
			cn.log.Info("telegram: connected", "bot", me.UserName)
			return nil
		}
		if te := asError(err); te != nil && te.TokenRefused() {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if retrying != nil {
			retrying(err, backoff)
		}
		cn.log.Warn("telegram: Telegram cannot be reached; trying again", "err", err, "retry_in", backoff)
		if !wait.Sleep(ctx, backoff) {
			return ctx.Err()
		}
		backoff = min(backoff*2, time.Minute)
	}
}

// Self is the bot's own user, once Connect learnt it (ok false before).
func (c *Client) Self() (me User, ok bool) {
	if p := c.conn.self.Load(); p != nil {
		return *p, true
	}
	return User{}, false
}
