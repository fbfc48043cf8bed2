// Package web serves Ajel's HTTP side: GET /healthz, GET /metrics and the
// newsroom's POST /api/v1/articles. Other components (the demo chat page,
// the Telegram webhook) mount their handlers with Handle. It talks to the
// rest of Ajel through the small interfaces declared here.
package web

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/ajel-news/ajel/faults"
	"github.com/ajel-news/ajel/metrics"
	"github.com/ajel-news/ajel/news"
)

// Defaults for the zero fields of Options.
const (
	DefaultMaxBodyBytes   = 64 << 10
	DefaultRequestTimeout = 10 * time.Second
	// DefaultMaxOutboxAge is how old the oldest pending outbox row may be
	// before /healthz says unhealthy: pushes that stay queued this long
	// mean the delivery worker is stuck or Telegram unreachable.
	DefaultMaxOutboxAge = 10 * time.Minute
	// DefaultSource names ingested articles that give no source.
	DefaultSource = "newsroom"
)

// Limits on ingested articles.
const (
	MaxTitleChars  = 1000
	MaxTextBytes   = 100 << 10
	MaxSourceChars = 100
	MaxURLBytes    = 2048
)

// Ingester stores an article and queues its pushes; the pipeline implements
// it. An article already stored yields an error wrapping
// news.ErrAlreadyExists, one it refuses wraps news.ErrInvalid.
type Ingester interface {
	Process(ctx context.Context, a news.Article, push bool) (news.Article, int, error)
}

// Health reports the state /healthz shows. main adapts *storage.DB:
// OutboxDepth is Outbox's Pending and OldestPending.
type Health interface {
	// Ping reports whether the database answers.
	Ping(ctx context.Context) error
	// Feeds lists the feeds with their last success and error.
	Feeds(ctx context.Context) ([]news.Feed, error)
	// OutboxDepth counts pending deliveries and gives the time the oldest
	// was queued (zero when none is pending).
	OutboxDepth(ctx context.Context) (pending int, oldest time.Time, err error)
}

// Metrics is what the server counts and what it reads for /healthz;
// *metrics.Metrics implements it.
type Metrics interface {
	// IngestResult counts one ingest request by its outcome
	// (metrics.IngestCreated…).
	IngestResult(outcome string)
	// SetOutbox sets the outbox gauges; the server calls it before each
	// scrape of /metrics.
	SetOutbox(pending int, oldestAge time.Duration)
	// Upkeep is the database's size and what retention pruned.
	Upkeep() metrics.Upkeep
}

// Faults lists the troubles of the running process; *faults.Tracker
// implements it.
type Faults interface {
	List() []faults.Fault
}

// Options configure a Server. Zero fields take the defaults noted.
type Options struct {
	// Addr is where ListenAndServe listens (HTTP_ADDR).
	Addr string
	// IngestToken is the bearer token of POST /api/v1/articles; empty turns
	// the endpoint off (404).
	IngestToken string
	// Ingester receives ingested articles; required when IngestToken is set.
	Ingester Ingester
	// Health feeds /healthz; without it /healthz only says the process is up.
	Health Health
	// Registry is served at /metrics; nil leaves /metrics unmounted.
	Registry *prometheus.Registry
	// Metrics, when set, counts ingest requests and has its outbox gauges
	// refreshed from Health on each scrape.
	Metrics Metrics
	// Logger logs failures (default: discard).
	Logger *slog.Logger
	// Now is the clock for ages in /healthz (default time.Now).
	Now func() time.Time
	// MaxBodyBytes caps an ingest request body (default 64 KiB).
	MaxBodyBytes int64
	// RequestTimeout bounds the work of one request (default 10s).
	RequestTimeout time.Duration
	// PollInterval is the shortest interval between polls (POLL_INTERVAL):
	// what a feed not polled yet waits.
	PollInterval time.Duration
	// MaxOutboxAge is the oldest a pending delivery may be before /healthz
	// fails (default 10 min).
	MaxOutboxAge time.Duration
	// Faults, when set, are listed by /healthz; an open fault makes the
	// status "degraded" (still 200: the bot copes and catches up, a
	// restart would not help).
	Faults Faults
}

// Server is Ajel's HTTP server.
type Server struct {
	opt      Options
	log      *slog.Logger
	mux      *http.ServeMux
	tokenSum [sha256.Size]byte
}

// New returns a Server with /healthz, /metrics (when opt.Registry is set)
// and /api/v1/articles (when opt.IngestToken is set) mounted.
func New(opt Options) *Server {
	if opt.MaxBodyBytes <= 0 {
		opt.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if opt.RequestTimeout <= 0 {
		opt.RequestTimeout = DefaultRequestTimeout
	}
	if opt.MaxOutboxAge <= 0 {
		opt.MaxOutboxAge = DefaultMaxOutboxAge
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{opt: opt, log: log, mux: http.NewServeMux()}
	s.mux.HandleFunc("/healthz", s.healthz)
	if opt.Registry != nil {
		s.mux.Handle("/metrics", s.metrics(promhttp.HandlerFor(opt.Registry, promhttp.HandlerOpts{})))
	}
	if opt.IngestToken != "" {
		s.tokenSum = sha256.Sum256([]byte(opt.IngestToken))
		s.mux.HandleFunc("/api/v1/articles", s.ingest)
	}
	return s
}

// Handle mounts h at pattern (http.ServeMux syntax), for handlers other
// components add: the demo chat page, the Telegram webhook. It may be
// called while the server runs.
func (s *Server) Handle(pattern string, h http.Handler) { s.mux.Handle(pattern, h) }

// Handler is the server's whole routing, for tests and for embedding.
func (s *Server) Handler() http.Handler { return s.mux }

// ListenAndServe listens on opt.Addr and serves until ctx ends, then shuts
// down gracefully (in-flight requests get a few seconds). Failing to listen
// is reported at once, naming the address and what to change.
func (s *Server) ListenAndServe(ctx context.Context) error {
	ln, err := s.Listen(ctx)
	if err != nil {
		return err
	}
	return s.Serve(ctx, ln)
}

// Listen binds Options.Addr, so a caller can learn the real address (":0")
// or report a taken port before starting anything else. The error names
// the address and says how to choose another.
func (s *Server) Listen(ctx context.Context) (net.Listener, error) {
	if s.opt.Addr == "" {
		return nil, errors.New("web: no address to listen on (HTTP_ADDR is empty)")
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", s.opt.Addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return nil, &listenError{addr: s.opt.Addr, err: err, what: "address already in use"}
		}
		return nil, &listenError{addr: s.opt.Addr, err: err}
	}
	return ln, nil
}

// listenError names the address that could not be bound and says how to
// pick another; it unwraps to the system error.
type listenError struct {
	addr, what string
	err        error
}

func (e *listenError) Error() string {
	what := e.what
	if what == "" {
		what = e.err.Error()
	}
	return fmt.Sprintf("web: cannot listen on %s: %s (set HTTP_ADDR to another address, or empty to disable)", e.addr, what)
}

func (e *listenError) Unwrap() error { return e.err }

// Serve serves on ln until ctx ends, then shuts down gracefully. It closes
// ln.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.mux,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       s.opt.RequestTimeout + 20*time.Second,
		WriteTimeout:      s.opt.RequestTimeout + 20*time.Second,
		IdleTimeout:       2 * time.Minute,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("web: serving on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	shutCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		srv.Close()
		return fmt.Errorf("web: shutting down: %w", err)
	}
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("web: serving on %s: %w", ln.Addr(), err)
	}
	return nil
}

// ingestRequest is the body of POST /api/v1/articles.
type ingestRequest struct {
	Title     string `json:"title"`
	Text      string `json:"text"`
	URL       string `json:"url"`
	Source    string `json:"source"`
	Published string `json:"published"` // RFC 3339, optional
	Breaking  bool   `json:"breaking"`
}

// ingestFields are the fields of an ingest body, spelled exactly so.
var ingestFields = []string{"title", "text", "url", "source", "published", "breaking"}

// bodyField is one field of an ingest body as sent.
type bodyField struct {
	name string
	raw  json.RawMessage
}

// objectFields reads a JSON object's fields in order, and nothing after
// it.
func objectFields(body []byte) ([]bodyField, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errors.New("the body must be one JSON object")
	}
	var fields []bodyField
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return nil, err
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, err
		}
		fields = append(fields, bodyField{name: key.(string), raw: raw}) // object keys are strings
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("unexpected data after the JSON object")
	}
	return fields, nil
}

// checkFields refuses what encoding/json would quietly accept: a field
// it matches without regard to case ("Title" is taken as title, and which
// of "Title" and "title" wins is its rule, not the sender's), a field
// given twice (the last would win), and a string that is not valid text
// (invalid UTF-8 bytes, a lone surrogate escape), which it would store
// with U+FFFD. It returns the field at fault and the message.
func checkFields(fields []bodyField) (field, msg string) {
	seen := map[string]bool{}
	for _, f := range fields {
		if !slices.Contains(ingestFields, f.name) {
			for _, known := range ingestFields {
				if strings.EqualFold(f.name, known) {
					return f.name, fmt.Sprintf("unknown field %q: field names are lower-case, write %q", f.name, known)
				}
			}
			return f.name, fmt.Sprintf("unknown field %q (known: %s)", f.name, strings.Join(ingestFields, ", "))
		}
		if seen[f.name] {
			return f.name, fmt.Sprintf("%s is given twice: send each field once", f.name)
		}
		seen[f.name] = true
		if brokenString(f.raw) {
			return f.name, fmt.Sprintf("%s is not valid UTF-8 text: send the article in UTF-8", f.name)
		}
	}
	return "", ""
}

// brokenString reports whether a raw JSON string is not valid text:
// invalid UTF-8 bytes or a lone surrogate escape, which encoding/json
// turns into U+FFFD. A U+FFFD the sender wrote, as the character or as
// \ufffd, is text.
func brokenString(raw json.RawMessage) bool {
	if len(raw) == 0 || raw[0] != '"' {
		return false
	}
	if !utf8.Valid(raw) {
		return true
	}
	var v string
	if json.Unmarshal(raw, &v) != nil || !strings.ContainsRune(v, utf8.RuneError) {
		return false
	}
	literal := strings.Count(strings.ToLower(string(raw)), `\ufffd`) + strings.Count(string(raw), string(utf8.RuneError))
	return strings.Count(v, string(utf8.RuneError)) > literal
}

// errorBody is every error answer: what went wrong and, for validation,
// which field.
type errorBody struct {
	Error string `json:"error"`
	Field string `json:"field"`
}

// ingest handles POST /api/v1/articles: a newsroom pushes one article.
//
//	201 {"id":1,"story_id":1,"queued":3}   stored and pushed
//	200 {"duplicate":true}                  already stored (same url, or same title+text)
//	400 {"error":"…","field":"title"}       invalid JSON, unknown field, bad value
//	401 {"error":"unauthorized"}            missing or wrong bearer token
//	405, 413 (body over MaxBodyBytes), 415 (not JSON), 500, 503 (timed out)
//
// Unknown fields are refused, naming the field, so a typo ("titel") fails
// loudly instead of storing an article without a title; so are another
// spelling of a field ("Title", which encoding/json would take for the
// title) and a field given twice (see checkFields).
func (s *Server) ingest(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeJSON(w, http.StatusMethodNotAllowed, errorBody{Error: "method not allowed: use POST"})
		return
	}
	if !s.authorized(r) {
		s.countIngest(metrics.IngestUnauthorized)
		w.Header().Set("WWW-Authenticate", `Bearer realm="ajel"`)
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "unauthorized"})
		return
	}
	reject := func(code int, field, format string, args ...any) {
		s.countIngest(metrics.IngestRejected)
		writeJSON(w, code, errorBody{Error: fmt.Sprintf(format, args...), Field: field})
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			reject(http.StatusUnsupportedMediaType, "", "Content-Type must be application/json")
			return
		}
	}
	// The body is read whole and its fields looked at as sent: encoding/json
	// matches names without regard to case and replaces invalid UTF-8 with
	// U+FFFD, and the raw bytes are what tells a broken encoding (refused,
	// naming the field) from a real U+FFFD.
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.opt.MaxBodyBytes))
	var fields []bodyField
	if err == nil {
		fields, err = objectFields(body)
	}
	if err != nil {
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			reject(http.StatusRequestEntityTooLarge, "", "request body is larger than %d bytes", tooBig.Limit)
		case errors.Is(err, io.EOF):
			reject(http.StatusBadRequest, "", "invalid JSON: empty body")
		default:
			reject(http.StatusBadRequest, "", "invalid JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
		}
		return
	}
	if field, msg := checkFields(fields); msg != "" {
		reject(http.StatusBadRequest, field, "%s", msg)
		return
	}
	var req ingestRequest
	if err := json.Unmarshal(body, &req); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			reject(http.StatusBadRequest, typeErr.Field, "invalid JSON: %s must be a %s", typeErr.Field, jsonKind(typeErr.Type.Kind().String()))
		} else {
			reject(http.StatusBadRequest, "", "invalid JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
		}
		return
	}
	a, field, msg := s.article(req)
	if msg != "" {
		reject(http.StatusBadRequest, field, "%s", msg)
		return
	}

	ctx, cancel := context.WithTimeout(r.Context(), s.opt.RequestTimeout)
	defer cancel()
	saved, queued, err := s.opt.Ingester.Process(ctx, a, true)
	switch {
	case err == nil:
		s.countIngest(metrics.IngestCreated)
		s.log.Info("web: article ingested", "id", saved.ID, "story", saved.StoryID, "queued", queued, "source", a.Source)
		writeJSON(w, http.StatusCreated, map[string]any{"id": saved.ID, "story_id": saved.StoryID, "queued": queued})
	case errors.Is(err, news.ErrAlreadyExists):
		s.countIngest(metrics.IngestDuplicate)
		writeJSON(w, http.StatusOK, map[string]bool{"duplicate": true})
	case errors.Is(err, news.ErrInvalid):
		reject(http.StatusBadRequest, "", "%s", strings.TrimPrefix(err.Error(), "pipeline: "))
	case ctx.Err() != nil && r.Context().Err() == nil:
		s.countIngest(metrics.IngestError)
		s.log.Warn("web: ingest timed out", "timeout", s.opt.RequestTimeout, "err", err)
		writeJSON(w, http.StatusServiceUnavailable, errorBody{Error: "timed out; try again"})
	default:
		s.countIngest(metrics.IngestError)
		s.log.Error("web: ingest failed", "err", err)
		writeJSON(w, http.StatusInternalServerError, errorBody{Error: "internal error; try again"})
	}
}

// countIngest counts one ingest request by its outcome, when the server
// has metrics.
func (s *Server) countIngest(outcome string) {
	if s.opt.Metrics != nil {
		s.opt.Metrics.IngestResult(outcome)
	}
}

// authorized compares the bearer token in constant time. Both sides are
// hashed first so the comparison's length, and so its time, says nothing
// about the token's length.
func (s *Server) authorized(r *http.Request) bool {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	sum := sha256.Sum256([]byte(strings.TrimSpace(token)))
	return subtle.ConstantTimeCompare(sum[:], s.tokenSum[:]) == 1
}

// article validates an ingest request and builds the article; a problem
// comes back as the field and a message.
func (s *Server) article(req ingestRequest) (a news.Article, field, msg string) {
	title := strings.TrimSpace(req.Title)
	switch {
	case title == "":
		return a, "title", "title is required"
	case !utf8.ValidString(req.Title) || !utf8.ValidString(req.Text) || !utf8.ValidString(req.Source):
		return a, "", "text fields must be valid UTF-8"
	case utf8.RuneCountInString(title) > MaxTitleChars:
		return a, "title", fmt.Sprintf("title is longer than %d characters", MaxTitleChars)
	case len(req.Text) > MaxTextBytes:
		return a, "text", fmt.Sprintf("text is longer than %d bytes", MaxTextBytes)
	}
	source := strings.TrimSpace(req.Source)
	if source == "" {
		source = DefaultSource
	}
	if utf8.RuneCountInString(source) > MaxSourceChars {
		return a, "source", fmt.Sprintf("source is longer than %d characters", MaxSourceChars)
	}
	link := strings.TrimSpace(req.URL)
	if link != "" {
		u, err := url.Parse(link)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(link) > MaxURLBytes {
			return a, "url", "url must be an absolute http or https URL"
		}
		link = u.String()
	}
	var published time.Time
	if p := strings.TrimSpace(req.Published); p != "" {
		t, err := time.Parse(time.RFC3339, p)
		if err != nil {
			return a, "published", "published must be an RFC 3339 time such as 2024-05-01T12:00:00Z"
		}
		published = t.UTC()
	}
	a = news.Article{Source: source, Title: title, Text: req.Text, Breaking: req.Breaking, PublishedAt: published}
	// The identity a feed's item gets: its link, folded (a correction
	// re-sent with the same link, or the link with a campaign's
	// parameters, is not new), else its title and text.
	a.Identify("", link)
	return a, "", ""
}

// jsonKind names a Go kind the way an integrator knows JSON types.
func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "bool":
		return "boolean (true or false)"
	}
	return goKind
}

// feedHealth is one feed in /healthz.
type feedHealth struct {
	ID          int64      `json:"id"`
	URL         string     `json:"url"`
	LastSuccess *time.Time `json:"last_success"`
	LastError   string     `json:"last_error"`
	Failures    int        `json:"failures"`
	// Held is the last poll's new items stored without being pushed, by
	// reason (omitted when none).
	Held *heldHealth `json:"held,omitempty"`
	// FullText is when the feed's article pages are read (auto, always,
	// never).
	FullText string `json:"full_text"`
	// Lang is which items are pushed by their language (ar, any).
	Lang string `json:"lang"`
	// Pages is the article pages read and not used, with the last reason
	// (omitted when none was read).
	Pages *pagesHealth `json:"pages,omitempty"`
	// PollIntervalSeconds is the feed's current interval between polls,
	// PollReason why (learning, recent, rhythm, quiet, breaking, websub,
	// server_fresh, retry_after, failing; omitted before its first poll).
	PollIntervalSeconds float64 `json:"poll_interval_seconds"`
	PollReason          string  `json:"poll_reason,omitempty"`
	// WebSub is the feed's WebSub subscription (omitted when none).
	WebSub *websubHealth `json:"websub,omitempty"`
}

type websubHealth struct {
	State      string     `json:"state"`
	Hub        string     `json:"hub"`
	Reason     string     `json:"reason,omitempty"`
	LeaseUntil *time.Time `json:"lease_until,omitempty"`
}

type pagesHealth struct {
	Read      int    `json:"read"`
	Failed    int    `json:"teaser_used"`
	LastError string `json:"last_error,omitempty"`
}

type heldHealth struct {
	Old       int `json:"too_old"`
	Future    int `json:"dated_in_future"`
	OverLimit int `json:"over_poll_limit"`
	Language  int `json:"not_arabic"`
}

type outboxHealth struct {
	Pending                int     `json:"pending"`
	OldestPendingAgeSecond float64 `json:"oldest_pending_age_seconds"`
}

// upkeepHealth is the database's upkeep in /healthz.
type upkeepHealth struct {
	Bytes            int64      `json:"database_bytes"`
	PrunedDeliveries int64      `json:"pruned_deliveries"`
	PrunedArticles   int64      `json:"pruned_articles"`
	PrunedStories    int64      `json:"pruned_stories"`
	LastPrune        *time.Time `json:"last_prune"`
}

type healthBody struct {
	Status   string         `json:"status"`
	Database string         `json:"database"`
	Upkeep   *upkeepHealth  `json:"upkeep,omitempty"`
	Reason   string         `json:"reason,omitempty"`
	Feeds    []feedHealth   `json:"feeds"`
	Outbox   *outboxHealth  `json:"outbox,omitempty"`
	Faults   []faults.Fault `json:"faults,omitempty"`
}

// healthz answers GET /healthz with the database, feeds and outbox state:
// 200 with "status":"ok" ("degraded" while Options.Faults has open
// faults, listed under "faults"), or 503 with "status":"unhealthy" and a reason
// when the database does not answer or the oldest pending delivery is older
// than MaxOutboxAge (pushes are stuck). Failing feeds are listed but never
// make the bot unhealthy: a dead source is not a reason to restart it.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeJSON(w, http.StatusMethodNotAllowed, errorBody{Error: "method not allowed: use GET"})
		return
	}
	body := healthBody{Status: "ok", Database: "ok", Feeds: []feedHealth{}}
	if s.opt.Health == nil {
		body.Database = "unknown"
		writeJSON(w, http.StatusOK, body)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.opt.RequestTimeout)
	defer cancel()
	unhealthy := func(reason string) {
		if body.Status == "ok" {
			body.Status, body.Reason = "unhealthy", reason
		}
	}
	if err := s.opt.Health.Ping(ctx); err != nil {
		body.Database = err.Error()
		unhealthy("database does not answer")
	} else {
		if feeds, err := s.opt.Health.Feeds(ctx); err != nil {
			s.log.Warn("web: healthz: listing feeds", "err", err)
		} else {
			for _, f := range feeds {
				fh := feedHealth{ID: f.ID, URL: f.URL, LastError: f.LastError, Failures: f.Failures,
					FullText: string(cmp.Or(f.FullText, news.FullTextAuto)), Lang: string(cmp.Or(f.Lang, news.LangArabic))}
				if f.Pages.Read > 0 {
					fh.Pages = &pagesHealth{Read: f.Pages.Read, Failed: f.Pages.Failed, LastError: f.LastPageError}
				}
				fh.PollIntervalSeconds, fh.PollReason = cmp.Or(f.Interval, s.opt.PollInterval).Seconds(), string(f.PollReason)
				if ws := f.WebSub; ws.State != news.WebSubNone {
					fh.WebSub = &websubHealth{State: string(ws.State), Hub: ws.Hub, Reason: ws.Reason}
					if !ws.LeaseUntil.IsZero() {
						t := ws.LeaseUntil.UTC()
						fh.WebSub.LeaseUntil = &t
					}
				}
				if f.Held.Total() > 0 {
					fh.Held = &heldHealth{Old: f.Held.Old, Future: f.Held.Future, OverLimit: f.Held.OverLimit, Language: f.Held.Language}
				}
				if !f.LastSuccessAt.IsZero() {
					t := f.LastSuccessAt.UTC()
					fh.LastSuccess = &t
				}
				body.Feeds = append(body.Feeds, fh)
			}
		}
		if pending, oldest, err := s.opt.Health.OutboxDepth(ctx); err != nil {
			body.Database = err.Error()
			unhealthy("cannot read the outbox")
		} else {
			age := s.age(oldest)
			body.Outbox = &outboxHealth{Pending: pending, OldestPendingAgeSecond: age.Seconds()}
			if age > s.opt.MaxOutboxAge {
				unhealthy(fmt.Sprintf("the oldest pending push has waited %s (limit %s)", age.Round(time.Second), s.opt.MaxOutboxAge))
			}
		}
	}
	if s.opt.Metrics != nil {
		if u := s.opt.Metrics.Upkeep(); u.Bytes > 0 {
			uh := &upkeepHealth{Bytes: u.Bytes, PrunedDeliveries: u.PrunedDeliveries, PrunedArticles: u.PrunedArticles,
				PrunedStories: u.PrunedStories}
			if !u.LastPrune.IsZero() {
				t := u.LastPrune.UTC()
				uh.LastPrune = &t
			}
			body.Upkeep = uh
		}
	}
	if s.opt.Faults != nil {
		body.Faults = s.opt.Faults.List()
		if len(body.Faults) > 0 && body.Status == "ok" {
			body.Status = "degraded"
		}
	}
	code := http.StatusOK
	if body.Status == "unhealthy" {
		code = http.StatusServiceUnavailable
	}
	writeJSON(w, code, body)
}

// age is how long ago t was, 0 for a zero t.
func (s *Server) age(t time.Time) time.Duration {
	if t.IsZero() {
		return 0
	}
	return max(s.opt.Now().Sub(t), 0)
}

// metrics refreshes the outbox gauges before each scrape, so they need no
// background goroutine.
func (s *Server) metrics(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.opt.Metrics != nil && s.opt.Health != nil {
			ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
			pending, oldest, err := s.opt.Health.OutboxDepth(ctx)
			cancel()
			if err != nil {
				s.log.Warn("web: metrics: reading the outbox", "err", err)
			} else {
				s.opt.Metrics.SetOutbox(pending, s.age(oldest))
			}
		}
		h.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // the client went away; nothing to do
}
