// Package bot is Ajel's Telegram side: the Bot API client, the long-polling
// update loop, the command router with its keyboards, the rendering of
// pushed stories and Send, which the delivery worker calls.
//
// Every reply is Arabic HTML with every outside string escaped; every error
// leaving the package has the bot token replaced by "<token>".
package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"golang.org/x/time/rate"

	"github.com/ajel-news/ajel/internal/textcut"
	"github.com/ajel-news/ajel/internal/wait"
	"github.com/ajel-news/ajel/news"
)

// Store is the storage the bot needs; *storage.DB implements it.
type Store interface {
	ChatStore
	Inbox
	ChannelStore
	// LatestStories and SearchArticles serve /latest and /search.
	LatestStories(ctx context.Context, topicSlug string, limit int) ([]news.Article, error)
	SearchArticles(ctx context.Context, terms []string, limit int) ([]news.Article, error)
}

// ChatStore keeps chats, their settings and what they (or their forum
// topic threads) follow.
type ChatStore interface {
	SaveChat(ctx context.Context, c news.Chat) error
	Chat(ctx context.Context, id int64) (news.Chat, error)
	SetPaused(ctx context.Context, chatID int64, paused bool) error
	SetQuietHours(ctx context.Context, chatID int64, q news.QuietHours) error
	SetMaxPerHour(ctx context.Context, chatID int64, n int) error
	SetPictures(ctx context.Context, chatID int64, on bool) error
	SetRings(ctx context.Context, chatID int64, m news.RingMode) error
	DeleteChat(ctx context.Context, chatID int64) error
	Subscribe(ctx context.Context, s news.Subscription) (news.Subscription, error)
	Unsubscribe(ctx context.Context, of news.Target, kind news.SubscriptionKind, key string) error
	Subscriptions(ctx context.Context, of news.Target) ([]news.Subscription, error)
}

// Inbox keeps the updates Telegram sent until they are handled, so that a
// restart neither loses nor repeats them, and the offset of the next one.
type Inbox interface {
	UpdateOffset(ctx context.Context) (int, error)
	// QueueUpdates keeps updates and saves offset in one transaction and
	// returns those really queued (not kept already), with their Seq.
	QueueUpdates(ctx context.Context, ups []news.InboundUpdate, offset int) ([]news.InboundUpdate, error)
	// PendingUpdates returns up to limit kept updates after Seq after, in
	// order.
	PendingUpdates(ctx context.Context, after int64, limit int) ([]news.InboundUpdate, error)
	// FinishUpdate forgets a handled update.
	FinishUpdate(ctx context.Context, seq int64) error
	// BeginUpdate counts an attempt at handling a kept update (its
	// Attempts when PendingUpdates returns it again).
	BeginUpdate(ctx context.Context, seq int64) error
	// ParkUpdate sets an update aside for a look, with the reason: out of
	// the inbox when it was kept there (Seq set), never handled again.
	ParkUpdate(ctx context.Context, u news.InboundUpdate, reason string) error
}

// UpdateObserver hears about the updates the bot set aside, for metrics;
// *web.Metrics implements it.
type UpdateObserver interface {
	// UpdateSkipped: an update Ajel cannot use was skipped (its offset
	// saved).
	UpdateSkipped()
	// UpdateParked: handling an update panicked, or began again and again
	// without finishing; it was parked and the bot went on.
	UpdateParked()
}

// ChannelStore keeps the topic channels (/channel, CHANNELS).
type ChannelStore interface {
	Channels(ctx context.Context) ([]news.Channel, error)
	SetChannel(ctx context.Context, ch news.Channel) error
	DeleteChannel(ctx context.Context, chatID int64) (int, error)
}

// Throttle paces everything the bot sends on its own — replies, callback
// answers, keyboards, notices — within the one rate budget it shares with
// the delivery worker, replies first; *delivery.Budget implements it.
type Throttle interface {
	// WaitReply waits for the reply's turn.
	WaitReply(ctx context.Context) error
	// PauseFor stops every message for d (Telegram's retry_after).
	PauseFor(d time.Duration)
}

// Catalogue is the topic catalogue readers pick from.
type Catalogue interface {
	// All lists the topics in display order.
	All() []news.Topic
	// BySlug finds a topic by its stable Latin slug.
	BySlug(slug string) (news.Topic, bool)
	// Lookup finds the topic a reader means by free text ("سوريا", "syria").
	Lookup(text string) (news.Topic, bool)
}

// FeedAdmin manages feeds for the admin commands; main wires it to storage
// and feed validation. Errors from AddFeed are shown to the admin.
type FeedAdmin interface {
	// AddFeed adds f (its URL and FullText mode); an address already
	// there returns that feed with news.ErrAlreadyExists.
	AddFeed(ctx context.Context, f news.Feed) (news.Feed, error)
	// SetFeedOptions changes the options given (a zero field stays) and
	// returns the feed as it now stands.
	SetFeedOptions(ctx context.Context, id int64, opts news.FeedOptions) (news.Feed, error)
	DeleteFeed(ctx context.Context, id int64) error
	Feeds(ctx context.Context) ([]news.Feed, error)
}

// Stats are the totals /stats shows (main fills them from storage.Stats).
type Stats struct {
	Chats, ActiveChats, PausedChats int
	Subscriptions, Feeds, Articles  int
	Stories, Channels               int
	Pending, Sent, Failed, Dropped  int
	// PaidSent counts messages sent with allow_paid_broadcast (0.1 Star
	// each); PaidEnabled says whether PAID_BROADCAST_RATE is on.
	PaidSent      int
	PaidEnabled   bool
	OldestPending time.Time // zero when nothing is pending
	// DatabaseBytes is the database's size on disk; PrunedDeliveries and
	// PrunedArticles count what retention deleted since the start.
	DatabaseBytes                    int64
	PrunedDeliveries, PrunedArticles int64
}

// Options configure a Bot. Token and Store and Topics are required.
type Options struct {
	// Token is the Bot API token; it never appears in errors or logs.
	Token string
	// Endpoint is tgbotapi's endpoint format ("https://api.telegram.org/bot%s/%s"
	// when empty).
	Endpoint string
	// HTTPClient makes the requests; nil means a client whose timeout leaves
	// room for long polling. A client's Timeout must exceed PollTimeout.
	HTTPClient *http.Client
	// AdminIDs are the Telegram user ids allowed to use admin commands.
	AdminIDs []int64
	Store    Store
	Topics   Catalogue
	// Feeds serves /feeds, /addfeed and /delfeed; nil disables them.
	Feeds FeedAdmin
	// Follows keeps who follows which story (the follow buttons under
	// pushes and /following); nil disables them.
	Follows FollowStore
	// Stats serves /stats; nil disables it.
	Stats func(ctx context.Context) (Stats, error)
	// KeywordKey gives a keyword's matching form (arabic normalization);
	// nil means lower-casing.
	KeywordKey func(string) string
	// SearchTerms gives the normalized, non-stop-word terms of a /search
	// query; nil means its lower-cased words.
	SearchTerms func(string) []string
	// Location is the operator's TIMEZONE (quiet hours, times in messages);
	// nil means UTC.
	Location *time.Location
	// Logger receives the bot's logs; nil discards them.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// PollTimeout is getUpdates' long-polling timeout; 0 means 30s.
	PollTimeout time.Duration
	// ChatRate and ChatBurst bound how many updates one chat may have
	// handled: a token bucket per chat. 0 means 1 a second, burst 10.
	ChatRate  rate.Limit
	ChatBurst int
	// AdminCacheTTL is how long a group member's admin status is trusted; 0
	// means 5 minutes.
	AdminCacheTTL time.Duration
	// Throttle paces what the bot sends on its own; nil sends at once
	// (tests).
	Throttle Throttle
	// ReplyRetry is how long a reply is retried after 429s and network
	// errors before the bot gives up on it; 0 means 2 minutes.
	ReplyRetry time.Duration
	// Handlers bounds how many chats have an update handled at once; 0
	// means 64. One chat's updates are always handled in order.
	Handlers int
	// Faults hears of trouble the bot keeps working through (another
	// process polling with the same token), for /healthz; nil: none.
	Faults Faults
	// Updates hears about updates skipped or parked, for /metrics; nil:
	// nobody.
	Updates UpdateObserver
	// BurstPerHour is the delivery worker's automatic hourly cap for a
	// chat without /limit, which /limit mentions; 0: there is none.
	BurstPerHour int
}

// Faults is where the bot reports trouble it keeps working through;
// *web.Faults implements it.
type Faults interface {
	Report(component, message string)
	Clear(component string)
}

// Components the bot reports faults under: getting updates from
// Telegram, and handling one of them.
const (
	faultUpdates  = "telegram_updates"
	faultHandling = "update_handling"
)

// Bot talks to Telegram for Ajel. It is safe for concurrent use: the
// delivery worker may Send while Run handles updates.
type Bot struct {
	api    *tgbotapi.BotAPI
	client *http.Client
	token  string
	self   atomic.Pointer[tgbotapi.User] // who the bot is, once Connect learnt it

	store     Store
	topics    Catalogue
	feeds     FeedAdmin
	follows   FollowStore
	stats     func(context.Context) (Stats, error)
	admins    map[int64]bool
	keyword   func(string) string
	terms     func(string) []string
	loc       *time.Location
	log       *slog.Logger
	now       func() time.Time
	pollEvery time.Duration

	throttle   Throttle
	replyRetry time.Duration
	faults     Faults
	updates    UpdateObserver
	burst      int // the automatic hourly cap, for /limit's text

	limiter  *chatLimiter
	groups   *adminCache
	hook     webhookState
	inbox    *dispatcher
	table    []*command          // in /help's order
	commands map[string]*command // by name and alias
}

// defaultEndpoint is the public Bot API.
const defaultEndpoint = "https://api.telegram.org/bot%s/%s"

// New returns the bot, not yet connected: Connect (which Run and
// RunWebhook call) checks the token with Telegram.
func New(ctx context.Context, o Options) (*Bot, error) {
	if o.Token == "" {
		return nil, errors.New("bot: empty token")
	}
	if o.Store == nil || o.Topics == nil {
		return nil, errors.New("bot: Store and Topics are required")
	}
	b := &Bot{
		client:    o.HTTPClient,
		token:     o.Token,
		store:     o.Store,
		topics:    o.Topics,
		feeds:     o.Feeds,
		follows:   o.Follows,
		stats:     o.Stats,
		admins:    map[int64]bool{},
		keyword:   o.KeywordKey,
		terms:     o.SearchTerms,
		loc:       o.Location,
		log:       o.Logger,
		now:       o.Now,
		pollEvery: o.PollTimeout,
		throttle:  o.Throttle,
		faults:    o.Faults,
		updates:   o.Updates,
		burst:     o.BurstPerHour,
	}
	for _, id := range o.AdminIDs {
		b.admins[id] = true
	}
	if b.pollEvery <= 0 {
		b.pollEvery = 30 * time.Second
	}
	if b.client == nil {
		b.client = &http.Client{Timeout: b.pollEvery + 30*time.Second}
	}
	if b.keyword == nil {
		b.keyword = func(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
	}
	if b.terms == nil {
		b.terms = defaultTerms
	}
	if b.loc == nil {
		b.loc = time.UTC
	}
	if b.log == nil {
		b.log = slog.New(slog.DiscardHandler)
	}
	if b.now == nil {
		b.now = time.Now
	}
	if b.updates == nil {
		b.updates = nopUpdates{}
	}
	chatRate, burst := o.ChatRate, o.ChatBurst
	if chatRate <= 0 {
		chatRate = 1
	}
	if burst <= 0 {
		burst = 10
	}
	b.limiter = newChatLimiter(chatRate, burst)
	ttl := o.AdminCacheTTL
	if ttl <= 0 {
		ttl = 5 * time.Minute
	}
	b.groups = newAdminCache(ttl)
	b.replyRetry = o.ReplyRetry
	if b.replyRetry <= 0 {
		b.replyRetry = 2 * time.Minute
	}
	handlers := o.Handlers
	if handlers <= 0 {
		handlers = 64
	}
	b.inbox = newDispatcher(b, handlers)
	b.table = commandTable()
	b.commands = commandIndex(b.table)

	endpoint := o.Endpoint
	if endpoint == "" {
		endpoint = defaultEndpoint
	}
	if strings.Count(endpoint, "%s") != 2 {
		return nil, fmt.Errorf("bot: endpoint %q must contain %%s twice (token, method)", endpoint)
	}
	// Built by hand: the library's constructor calls getMe at once, and a
	// start must survive Telegram being unreachable (see Connect).
	api := &tgbotapi.BotAPI{Token: o.Token, Client: ctxClient{ctx: ctx, c: b.client, token: o.Token}, Buffer: 100}
	api.SetAPIEndpoint(endpoint)
	b.api = api
	return b, nil
}

// Connect checks the token with Telegram (getMe) and learns who the bot is.
// While Telegram cannot be reached, or answers with a server error, it
// tries again, waiting longer each time up to a minute, and tells retrying
// (when set) the error and the wait, so /healthz can say why the bot is
// not up yet. A token Telegram refuses (401, 404) is returned at once. It
// returns nil once connected (at once when it already was), or ctx's
// error. Run and RunWebhook connect first.
func (b *Bot) Connect(ctx context.Context, retrying func(err error, wait time.Duration)) error {
	if b.self.Load() != nil {
		return nil
	}
	backoff := time.Second
	for {
		me, err := b.apiFor(ctx).GetMe()
		if err == nil {
			b.self.Store(&me)
			b.log.Info("bot: connected to Telegram", "bot", me.UserName)
			return nil
		}
		err = b.redact(err)
		var te *tgbotapi.Error
		if errors.As(err, &te) && (te.Code == http.StatusUnauthorized || te.Code == http.StatusNotFound) {
			return fmt.Errorf("bot: telegram refused the token (getMe): %w", err)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if retrying != nil {
			retrying(err, backoff)
		}
		b.log.Warn("bot: Telegram cannot be reached; trying again", "err", err, "retry_in", backoff)
		if !wait.Sleep(ctx, backoff) {
			return ctx.Err()
		}
		backoff = min(backoff*2, time.Minute)
	}
}

// Username is the bot's @username without the "@" ("" before Connect).
func (b *Bot) Username() string {
	if me := b.self.Load(); me != nil {
		return me.UserName
	}
	return ""
}

// selfID is the bot's own user id (0 before Connect).
func (b *Bot) selfID() int64 {
	if me := b.self.Load(); me != nil {
		return me.ID
	}
	return 0
}

// ctxClient makes a request under a context, which tgbotapi cannot pass,
// and makes sure the library reads an answer that says what went wrong
// (see botAPIAnswer).
type ctxClient struct {
	ctx   context.Context
	c     *http.Client
	token string // kept out of what an answer's text repeats
}

func (c ctxClient) Do(req *http.Request) (*http.Response, error) {
	resp, err := c.c.Do(req.WithContext(c.ctx))
	if err != nil {
		return resp, err
	}
	return botAPIAnswer(resp, c.token), nil
}

// maxAnswer bounds an answer read to check it is the Bot API's (getUpdates
// with 100 updates is well under 1 MiB).
const maxAnswer = 16 << 20

// botAPIAnswer hands tgbotapi an answer it can tell the reason of. The
// library reads every body as the Bot API's JSON ({"ok":…,"description":…})
// and drops the HTTP status, so an endpoint that is not the Bot API — a
// wrong TELEGRAM_API_ENDPOINT answering 500 {"message":"Route not found"},
// a proxy's 502 page — became an error with no code and an empty
// description, retried for ever with nothing in the log or /healthz. Such
// an answer is replaced by a Bot API error that names the status, the
// host and the start of the body. A 200 in JSON, every successful call,
// is passed on as it is.
func botAPIAnswer(resp *http.Response, token string) *http.Response {
	if resp.StatusCode == http.StatusOK && strings.Contains(resp.Header.Get("Content-Type"), "json") {
		return resp
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
	resp.Body.Close()
	var probe struct {
		Ok *bool `json:"ok"`
	}
	if err == nil && len(body) <= maxAnswer && json.Unmarshal(body, &probe) == nil && probe.Ok != nil {
		resp.Body = io.NopCloser(bytes.NewReader(body))
		return resp
	}
	what := textcut.Line(strings.ToValidUTF8(string(body), "?"), 200)
	switch {
	case err != nil:
		what = "the answer could not be read: " + err.Error()
	case len(body) > maxAnswer:
		what = fmt.Sprintf("an answer over %d MiB", maxAnswer>>20)
	case strings.TrimSpace(what) == "":
		what = "an empty body"
	}
	if token != "" {
		what = strings.ReplaceAll(what, token, "<token>")
	}
	code := resp.StatusCode
	if code < 400 {
		code = http.StatusBadGateway // not an error status, but no answer either
	}
	host := "the endpoint"
	if resp.Request != nil && resp.Request.URL != nil {
		host = resp.Request.URL.Host
	}
	synth, _ := json.Marshal(struct {
		Ok          bool   `json:"ok"`
		ErrorCode   int    `json:"error_code"`
		Description string `json:"description"`
	}{false, code, fmt.Sprintf("not a Bot API answer: HTTP %s from %s: %s (is TELEGRAM_API_ENDPOINT right?)", resp.Status, host, what)})
	resp.Body = io.NopCloser(bytes.NewReader(synth))
	resp.ContentLength = int64(len(synth))
	return resp
}

// apiFor returns a copy of the tgbotapi client whose requests honour ctx.
// BotAPI holds no locks, so a shallow copy is a cheap per-call client.
func (b *Bot) apiFor(ctx context.Context) *tgbotapi.BotAPI {
	a := *b.api
	a.Client = ctxClient{ctx: ctx, c: b.client, token: b.token}
	return &a
}

// request makes one Bot API call with the token redacted from any error.
func (b *Bot) request(ctx context.Context, c tgbotapi.Chattable) (*tgbotapi.APIResponse, error) {
	resp, err := b.apiFor(ctx).Request(c)
	if err != nil {
		return resp, b.redact(err)
	}
	return resp, nil
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

// redact removes the bot token from err's text. tgbotapi reports network
// failures as *url.Error whose URL contains the token.
func (b *Bot) redact(err error) error {
	if err == nil || b.token == "" {
		return err
	}
	msg := err.Error()
	esc := url.PathEscape(b.token)
	if !strings.Contains(msg, b.token) && !strings.Contains(msg, esc) {
		return err
	}
	msg = strings.ReplaceAll(msg, b.token, "<token>")
	msg = strings.ReplaceAll(msg, esc, "<token>")
	var cause error
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil && !strings.Contains(ue.Err.Error(), b.token) && !strings.Contains(ue.Err.Error(), esc) {
		cause = ue.Err
	}
	return &redactedError{msg: msg, cause: cause}
}

// Run receives updates by long polling until ctx is done. Each batch is
// kept in the inbox, with the next offset, before Telegram is asked for
// more (which confirms it), and handled from there: updates of different
// chats at once, one chat's in order. A restart thus neither loses nor
// repeats an update (one being handled when the process died is handled
// again). It returns nil when ctx ends, after the updates being handled
// finished (or a grace period ran out), and an error only when Telegram
// refuses the token.
func (b *Bot) Run(ctx context.Context) error {
	if err := b.Connect(ctx, nil); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	offset, err := b.store.UpdateOffset(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("bot: read update offset: %w", err)
	}
	if err := b.SetCommands(ctx); err != nil && ctx.Err() == nil {
		b.log.Warn("bot: set commands", "err", err)
	}
	// A webhook left by a webhook-mode run makes getUpdates answer 409;
	// deleting it keeps its pending updates for the polls below.
	if err := b.DeleteWebhook(ctx); err != nil && ctx.Err() == nil {
		b.log.Warn("bot: delete webhook", "err", err)
	}
	stop := b.inbox.start(ctx)
	defer stop()
	backoff := time.Second
	for {
		if ctx.Err() != nil {
			return nil
		}
		cfg := tgbotapi.UpdateConfig{
			Offset:         offset,
			Timeout:        max(int(b.pollEvery/time.Second), 1),
			AllowedUpdates: allowedUpdates(),
		}
		resp, err := b.request(ctx, cfg)
		var raws []json.RawMessage
		if err == nil {
			err = json.Unmarshal(resp.Result, &raws)
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			pause := backoff
			var te *tgbotapi.Error
			if errors.As(err, &te) {
				if te.Code == http.StatusUnauthorized || te.Code == http.StatusNotFound {
					return fmt.Errorf("bot: getUpdates: telegram refused the token: %w", err)
				}
				if te.RetryAfter > 0 {
					pause = time.Duration(te.RetryAfter) * time.Second
				}
			}
			switch {
			case isWebhookConflict(err):
				// The deletion at start failed (or another process set one).
				if derr := b.DeleteWebhook(ctx); derr != nil && ctx.Err() == nil {
					b.log.Warn("bot: delete webhook", "err", derr)
				}
				b.fault("409 Conflict: a webhook is set for this token (another process in webhook mode?); deleting it and polling again")
			case isConflict(err):
				// Telegram gives updates to one poller: with two, each
				// misses what the other takes.
				b.fault("409 Conflict: another process is polling Telegram with this bot's token; stop it, or this bot misses the updates it takes")
				b.log.Error("bot: another process is polling Telegram with this bot's token (409 Conflict); retrying", "retry_in", pause)
			default:
				b.fault("getUpdates failed; trying again: " + textcut.Line(err.Error(), 300))
			}
			b.log.Warn("bot: getUpdates failed", "err", err, "retry_in", pause)
			if !wait.Sleep(ctx, pause) {
				return nil
			}
			backoff = min(backoff*2, time.Minute)
			continue
		}
		backoff = time.Second
		if b.faults != nil {
			b.faults.Clear(faultUpdates)
		}
		if len(raws) == 0 {
			continue
		}
		ups := make([]news.InboundUpdate, 0, len(raws))
		next := offset
		for _, raw := range raws {
			u, skip := b.receive(ctx, raw)
			if u.UpdateID <= 0 {
				continue // no update_id: nothing to confirm
			}
			if u.UpdateID < offset {
				// The offset confirmed every update below it, so this is
				// not a repeat: after a week without updates Telegram
				// numbers them again from a random id. Skipping it would
				// leave the bot deaf, asking for it again and again.
				b.log.Info("bot: update ids restarted below the offset", "update_id", u.UpdateID, "offset", offset)
			}
			next = u.UpdateID + 1
			if !skip {
				ups = append(ups, u)
			}
		}
		// Kept even while stopping: Telegram has sent them, and the next
		// run handles what this one does not get to.
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		queued, err := b.store.QueueUpdates(sctx, ups, next)
		cancel()
		if err != nil {
			// Not confirmed to Telegram: the same updates come again.
			b.log.Error("bot: keep updates; asking Telegram for them again", "updates", len(ups), "err", err)
			if !wait.Sleep(ctx, backoff) {
				return nil
			}
			continue
		}
		offset = next
		b.inbox.add(queued...)
	}
}

// fault tells Faults what keeps updates from coming.
func (b *Bot) fault(msg string) {
	if b.faults != nil {
		b.faults.Report(faultUpdates, msg)
	}
}

// isConflict is Telegram's 409: another getUpdates or a webhook.
func isConflict(err error) bool {
	var te *tgbotapi.Error
	return errors.As(err, &te) && te.Code == http.StatusConflict
}

// inbound reads what the inbox keeps of one raw update: its id, the chat
// it is handled in, and its JSON. An error says why Ajel cannot use it
// (unreadable, or see usable); UpdateID is then still set when the update
// has one, so its offset can be confirmed.
func inbound(raw json.RawMessage) (news.InboundUpdate, error) {
	var id struct {
		UpdateID int `json:"update_id"`
	}
	_ = json.Unmarshal(raw, &id) // an unreadable update has no id to confirm
	in := news.InboundUpdate{UpdateID: max(id.UpdateID, 0), Raw: append([]byte(nil), raw...)}
	var u tgbotapi.Update
	if err := json.Unmarshal(raw, &u); err != nil {
		return in, fmt.Errorf("not readable: %w", err)
	}
	if u.UpdateID <= 0 {
		return in, errors.New("no update_id")
	}
	chatID, err := usable(&u, raw)
	in.ChatID = chatID
	return in, err
}

// usable says which chat an update is handled in (its handler's queue),
// or why Ajel cannot use it. Ajel acts on messages in a chat and on
// buttons pressed under its own messages; anything else — a kind of
// update it does not handle, a button under an inline-mode message (which
// carries inline_message_id instead of the message) — is skipped. A kind
// Ajel learns to handle (inline queries, keyed by their sender) is one
// more case here, in allowedUpdates and in handleRaw.
func usable(u *tgbotapi.Update, raw json.RawMessage) (chatID int64, err error) {
	switch {
	case u.Message != nil && u.Message.Chat != nil:
		return u.Message.Chat.ID, nil
	case u.CallbackQuery != nil && u.CallbackQuery.Message != nil && u.CallbackQuery.Message.Chat != nil:
		return u.CallbackQuery.Message.Chat.ID, nil
	case u.CallbackQuery != nil:
		return 0, errors.New("callback_query without the message it was pressed under (an inline-mode message)")
	case u.Message != nil:
		return 0, errors.New("message without a chat")
	}
	return 0, fmt.Errorf("%s: a kind of update Ajel does not handle", updateKind(raw))
}

// updateKind names an update's kind: the field beside update_id.
func updateKind(raw json.RawMessage) string {
	var fields map[string]json.RawMessage
	if json.Unmarshal(raw, &fields) == nil {
		for k := range fields {
			if k != "update_id" {
				return textcut.Line(k, 40)
			}
		}
	}
	return "an update of no kind"
}

// receive reads one update Telegram sent (long polling or webhook) for
// the inbox. An update Ajel cannot use is logged once, counted and
// skipped (skip): only its offset is saved. Reading never stops the bot:
// a panic is recovered and the update parked instead.
func (b *Bot) receive(ctx context.Context, raw json.RawMessage) (u news.InboundUpdate, skip bool) {
	defer func() {
		if p := recover(); p != nil {
			b.park(ctx, u, fmt.Sprintf("reading it panicked: %v", p), debug.Stack())
			skip = true
		}
	}()
	u, err := inbound(raw)
	if err != nil {
		b.log.Warn("bot: an update Ajel cannot use; skipped", "update_id", u.UpdateID, "why", err)
		b.updates.UpdateSkipped()
		return u, true
	}
	return u, false
}

// park sets an update aside that made the bot panic (or that never
// finished): logged with the stack, counted, kept in the database for a
// look and never handled again, and listed in /healthz for a while.
func (b *Bot) park(ctx context.Context, u news.InboundUpdate, reason string, stack []byte) {
	attrs := []any{"update_id", u.UpdateID, "chat", u.ChatID, "reason", reason}
	if len(stack) > 0 {
		attrs = append(attrs, "stack", string(stack))
	}
	b.log.Error("bot: an update could not be handled; parked, not retried", attrs...)
	b.updates.UpdateParked()
	if b.faults != nil {
		b.faults.Report(faultHandling, fmt.Sprintf("update %d parked: %s", u.UpdateID, textcut.Line(reason, 200)))
	}
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := b.store.ParkUpdate(pctx, u, textcut.Line(reason, 500)); err != nil {
		b.log.Error("bot: park an update", "update_id", u.UpdateID, "err", err)
	}
}

// nopUpdates is the UpdateObserver of a bot nobody observes.
type nopUpdates struct{}

func (nopUpdates) UpdateSkipped() {}
func (nopUpdates) UpdateParked()  {}

// SetCommands registers the public commands with their Arabic
// descriptions, from the command table.
func (b *Bot) SetCommands(ctx context.Context) error {
	var cmds []tgbotapi.BotCommand
	for _, c := range b.table {
		if c.listed(false) {
			cmds = append(cmds, tgbotapi.BotCommand{Command: c.name, Description: c.desc})
		}
	}
	if _, err := b.request(ctx, tgbotapi.NewSetMyCommands(cmds...)); err != nil {
		return fmt.Errorf("bot: setMyCommands: %w", err)
	}
	return nil
}

// chatLimiter is a token bucket per user within a chat, so one member
// flooding commands slows neither the other chats nor the other members
// of a group; an admin's settings commands (command.settings) draw on a
// bucket of their own.
type chatLimiter struct {
	mu    sync.Mutex
	rate  rate.Limit
	burst int
	chats map[bucketKey]*chatBucket
}

// bucketKey names one bucket: a user's in a chat (in a private chat the
// user is the chat), and apart from it, when the user may change the
// chat, that user's settings commands.
type bucketKey struct {
	chat, user int64
	settings   bool
}

type chatBucket struct {
	lim    *rate.Limiter
	warned bool // told to slow down; silent until the bucket recovers
	last   time.Time
}

func newChatLimiter(r rate.Limit, burst int) *chatLimiter {
	return &chatLimiter{rate: r, burst: burst, chats: map[bucketKey]*chatBucket{}}
}

// verdict of the limiter for one update.
type verdict int

const (
	allow verdict = iota
	warnOnce
	drop
)

func (l *chatLimiter) check(key bucketKey, now time.Time) verdict {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.chats[key]
	if c == nil {
		if len(l.chats) >= 10000 {
			l.sweep(now)
		}
		c = &chatBucket{lim: rate.NewLimiter(l.rate, l.burst)}
		l.chats[key] = c
	}
	c.last = now
	if c.lim.AllowN(now, 1) {
		// One token back is not recovery: a chat that keeps flooding
		// gets one answer a second and no notice after each.
		if c.lim.TokensAt(now) >= float64(l.burst)/2 {
			c.warned = false
		}
		return allow
	}
	if c.warned {
		return drop
	}
	c.warned = true
	return warnOnce
}

// sweep forgets chats quiet long enough for their bucket to be full again.
func (l *chatLimiter) sweep(now time.Time) {
	full := time.Duration(float64(l.burst)/float64(l.rate)*float64(time.Second)) + time.Second
	for id, c := range l.chats {
		if now.Sub(c.last) > full {
			delete(l.chats, id)
		}
	}
}

// adminCache remembers whether a user administers a group for a while, so
// a burst of button presses costs one getChatMember.
type adminCache struct {
	mu  sync.Mutex
	ttl time.Duration
	m   map[[2]int64]adminEntry
}

type adminEntry struct {
	admin bool
	at    time.Time
}

func newAdminCache(ttl time.Duration) *adminCache {
	return &adminCache{ttl: ttl, m: map[[2]int64]adminEntry{}}
}

func (c *adminCache) get(chatID, userID int64, now time.Time) (admin, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[[2]int64{chatID, userID}]
	if !ok || now.Sub(e.at) > c.ttl || now.Before(e.at) {
		return false, false
	}
	return e.admin, true
}

func (c *adminCache) put(chatID, userID int64, admin bool, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= 10000 {
		for k, e := range c.m {
			if now.Sub(e.at) > c.ttl {
				delete(c.m, k)
			}
		}
	}
	c.m[[2]int64{chatID, userID}] = adminEntry{admin: admin, at: now}
}
