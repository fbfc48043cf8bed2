// Package bot is Ajel's conversation with its readers and admins on
// Telegram: the command table (commands.go) and its handlers, the buttons
// and keyboards, and the delivery worker's side — Send, EditPush,
// SendDigest, SendUpdate — which renders a story and hands it to the
// transport. The transport (client, typed errors, inbox, webhook) is
// package telegram.
//
// What the bot says is in the catalogue (bot/texts, Arabic unless
// Options.Texts says otherwise) and written out by bot/render: Telegram
// HTML with every outside string escaped. Every error leaving the package
// has the bot token replaced by "<token>".
package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/ajel-news/ajel/bot/render"
	"github.com/ajel-news/ajel/bot/texts"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/telegram"
)

// Store is the storage the bot needs; *storage.DB implements it.
type Store interface {
	ChatStore
	telegram.InboxStore
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

// ChannelStore keeps the topic channels (/channel, CHANNELS).
type ChannelStore interface {
	Channels(ctx context.Context) ([]news.Channel, error)
	SetChannel(ctx context.Context, ch news.Channel) error
	DeleteChannel(ctx context.Context, chatID int64) (int, error)
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
	// AddFeed adds f (its URL, the page it was found from, its name and
	// options); an address already there returns that feed with
	// news.ErrAlreadyExists.
	AddFeed(ctx context.Context, f news.Feed) (news.Feed, error)
	// FindFeeds says what an address is: a feed, or a site's page and the
	// feeds it links to (news.ErrNoFeed when none; the address guard's
	// and the fetch's errors as news sentinels).
	FindFeeds(ctx context.Context, rawURL string) (news.FeedSearch, error)
	// ImportOPML adds the feeds of an OPML file and says what it did; a
	// file refused whole is news.ErrNotOPML, ErrImportTooLarge or
	// ErrTooManyOutlines.
	ImportOPML(ctx context.Context, data []byte) (news.ImportReport, error)
	// ExportOPML writes every feed, its name and options, as OPML.
	ExportOPML(ctx context.Context) ([]byte, error)
	// SetFeedOptions changes the options given (a zero field stays) and
	// returns the feed as it now stands.
	SetFeedOptions(ctx context.Context, id int64, opts news.FeedOptions) (news.Feed, error)
	DeleteFeed(ctx context.Context, id int64) error
	Feeds(ctx context.Context) ([]news.Feed, error)
}

// Stats are the totals /stats shows (main fills them from storage.Stats).
type Stats = render.Stats

// Options configure a Bot. Token and Store and Topics are required.
type Options struct {
	// Token is the Bot API token; it never appears in errors or logs.
	Token string
	// Endpoint is tgbotapi's endpoint format (telegram.DefaultEndpoint
	// when empty).
	Endpoint string
	// HTTPClient makes the requests; nil means a client whose timeout leaves
	// room for long polling. A client's Timeout must exceed PollTimeout.
	HTTPClient *http.Client
	// AdminIDs are the Telegram user ids allowed to use admin commands.
	AdminIDs []int64
	Store    Store
	Topics   Catalogue
	// Feeds serves /feeds, /addfeed, /delfeed, /renamefeed, /export and
	// OPML imports; nil disables them.
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
	Throttle telegram.Throttle
	// ReplyRetry is how long a reply is retried after 429s and network
	// errors before the bot gives up on it; 0 means 2 minutes.
	ReplyRetry time.Duration
	// Handlers bounds how many chats have an update handled at once; 0
	// means 64. One chat's updates are always handled in order.
	Handlers int
	// Faults hears of trouble the bot keeps working through (another
	// process polling with the same token), for /healthz; nil: none.
	Faults telegram.Faults
	// Updates hears about updates skipped or parked, for /metrics; nil:
	// nobody.
	Updates telegram.UpdateObserver
	// BurstPerHour is the delivery worker's automatic hourly cap for a
	// chat without /limit, which /limit mentions; 0: there is none.
	BurstPerHour int
	// Texts is the catalogue of what the bot says; nil means Arabic.
	Texts *texts.Catalogue
	// Stories serves «كيف نقلتها المصادر» (the button under pushes of
	// stories several outlets carried, /story), the share button and
	// inline mode; nil disables them.
	Stories StoryStore
	// Differences marks, for each telling of a story (its title and
	// text), the facts other tellings give otherwise (summary.Comparer);
	// nil marks none.
	Differences func(tellings []string) [][]string
	// Inline bounds the answers to inline queries (rate, workers, queue,
	// deadline) and names who hears what became of them; its Handle,
	// Throttle and Logger are the bot's. Inline mode is on with Stories.
	Inline telegram.InlineOptions
}

// Bot talks to Telegram for Ajel. It is safe for concurrent use: the
// delivery worker may Send while Run handles updates.
type Bot struct {
	tg      *telegram.Client // one attempt a call (pushes, lookups)
	replies *telegram.Client // paced and retried (replies, buttons, notices)
	inbox   *telegram.Inbox
	txt     *texts.Catalogue // the words
	say     *render.Renderer // the words with values, in Telegram HTML

	store   Store
	topics  Catalogue
	feeds   FeedAdmin
	follows FollowStore
	stories StoryStore
	differ  func([]string) [][]string
	signer  inlineSigner // signs the buttons under inline messages
	stats   func(context.Context) (Stats, error)
	admins  map[int64]bool
	keyword func(string) string
	terms   func(string) []string
	loc     *time.Location
	log     *slog.Logger
	now     func() time.Time
	burst   int // the automatic hourly cap, for /limit's text

	limiter  *chatLimiter
	groups   *adminCache
	choices  feedChoices         // the feeds of sites, shown as buttons to pick
	table    []*command          // in /help's order
	commands map[string]*command // by name and alias
}

// New returns the bot, not yet connected: Connect (which Run and
// RunWebhook call) checks the token with Telegram.
func New(o Options) (*Bot, error) {
	if o.Token == "" {
		return nil, errors.New("bot: empty token")
	}
	if o.Store == nil || o.Topics == nil {
		return nil, errors.New("bot: Store and Topics are required")
	}
	b := &Bot{
		store:   o.Store,
		topics:  o.Topics,
		feeds:   o.Feeds,
		follows: o.Follows,
		stories: o.Stories,
		differ:  o.Differences,
		signer:  newInlineSigner(o.Token),
		stats:   o.Stats,
		admins:  map[int64]bool{},
		keyword: o.KeywordKey,
		terms:   o.SearchTerms,
		loc:     o.Location,
		log:     o.Logger,
		now:     o.Now,
		burst:   o.BurstPerHour,
	}
	for _, id := range o.AdminIDs {
		b.admins[id] = true
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
	chatRate, burst := o.ChatRate, o.ChatBurst
	if chatRate <= 0 {
		chatRate = 1
	}
	if burst <= 0 {
		burst = 10
	}
	b.txt = o.Texts
	if b.txt == nil {
		var err error
		if b.txt, err = texts.Load("ar"); err != nil {
			return nil, fmt.Errorf("bot: %w", err)
		}
	}
	b.say = render.New(b.txt, b.loc)
	b.limiter = newChatLimiter(chatRate, burst)
	ttl := o.AdminCacheTTL
	if ttl <= 0 {
		ttl = 5 * time.Minute
	}
	b.groups = newAdminCache(ttl)
	b.table = commandTable()
	b.commands = commandIndex(b.table)

	tg, err := telegram.New(telegram.Options{Token: o.Token, Endpoint: o.Endpoint, HTTPClient: o.HTTPClient,
		PollTimeout: o.PollTimeout, Throttle: o.Throttle, ReplyRetry: o.ReplyRetry, Logger: b.log})
	if err != nil {
		return nil, err
	}
	b.tg, b.replies = tg, tg.Replies()
	var inline *telegram.InlineQueue
	if b.stories != nil {
		io := o.Inline
		io.Handle, io.Throttle, io.Logger = b.answerInline, o.Throttle, b.log
		inline = tg.NewInlineQueue(io)
	}
	b.inbox = tg.NewInbox(telegram.InboxOptions{Store: o.Store, Handle: b.handleUpdate, Handlers: o.Handlers,
		Faults: o.Faults, Observer: o.Updates, Logger: b.log, Inline: inline})
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
	err := b.tg.Connect(ctx, retrying)
	if tokenRefused(err) {
		return fmt.Errorf("bot: telegram refused the token (getMe): %w", err)
	}
	return err
}

// tokenRefused reports Telegram's refusal of the token (a 401 or 404).
func tokenRefused(err error) bool {
	var te *telegram.Error
	return errors.As(err, &te) && te.TokenRefused()
}

// Username is the bot's @username without the "@" ("" before Connect).
func (b *Bot) Username() string {
	me, _ := b.tg.Self()
	return me.UserName
}

// Run receives updates by long polling until ctx is done (telegram.Inbox:
// a restart neither loses nor repeats an update) and handles them:
// updates of different chats at once, one chat's in order. It returns nil
// when ctx ends, after the updates being handled finished (or a grace
// period ran out), and an error only when Telegram refuses the token.
func (b *Bot) Run(ctx context.Context) error {
	if ok, err := b.begin(ctx); !ok {
		return err
	}
	err := b.inbox.Poll(ctx)
	if tokenRefused(err) {
		return fmt.Errorf("bot: getUpdates: telegram refused the token: %w", err)
	}
	return err
}

// begin is what both modes do first: connect, then register the commands.
// ok is false when the bot is stopping (err nil) or Telegram refuses the
// token (err says so).
func (b *Bot) begin(ctx context.Context) (ok bool, err error) {
	if err := b.Connect(ctx, nil); err != nil {
		if ctx.Err() != nil {
			return false, nil
		}
		return false, err
	}
	if err := b.SetCommands(ctx); err != nil && ctx.Err() == nil {
		b.log.Warn("bot: set commands", "err", err)
	}
	if b.stories != nil && !b.inlineOn() {
		b.log.Warn("bot: inline mode is off for this bot: \"@bot words\" lists nothing and the share button is left out; " +
			"enable it with @BotFather's /setinline")
	}
	return true, nil
}

// RunWebhook receives updates by webhook instead of Run's long polling: it
// registers the commands and the webhook (retrying while Telegram is
// unreachable), then waits for ctx. Updates arrive through WebhookHandler,
// which the caller mounts on its HTTP server. The webhook stays set on
// shutdown: Telegram keeps the updates of a restart for the next run, and
// Run deletes it when the bot goes back to long polling. It returns nil when
// ctx ends, and an error when Telegram refuses the token or the URL.
func (b *Bot) RunWebhook(ctx context.Context, publicURL, secret string) error {
	if ok, err := b.begin(ctx); !ok {
		return err
	}
	err := b.inbox.Listen(ctx, publicURL, secret)
	var te *telegram.Error
	switch {
	case tokenRefused(err):
		return fmt.Errorf("bot: telegram refused the token: %w", err)
	case errors.As(err, &te) && te.BadRequest():
		return fmt.Errorf("bot: telegram refused WEBHOOK_URL %s: %w", telegram.Origin(publicURL), err)
	}
	return err
}

// WebhookHandler serves Telegram's webhook requests for RunWebhook
// (telegram.Inbox.WebhookHandler). Mount one handler per Bot.
func (b *Bot) WebhookHandler(secret string) http.Handler { return b.inbox.WebhookHandler(secret) }

// SetWebhook asks Telegram to POST updates to publicURL with the secret
// (telegram.WebhookSecret(token, secret)); RunWebhook does it.
func (b *Bot) SetWebhook(ctx context.Context, publicURL, secret string) error {
	if err := b.tg.SetWebhook(ctx, publicURL, secret); err != nil {
		return fmt.Errorf("bot: setWebhook: %w", err)
	}
	return nil
}

// SetCommands registers the public commands with their descriptions, from
// the command table and the catalogue.
func (b *Bot) SetCommands(ctx context.Context) error {
	var cmds []telegram.Command
	for _, c := range b.table {
		if c.listed(false) {
			cmds = append(cmds, telegram.Command{Name: c.name, Description: b.txt.Commands[c.name].Desc})
		}
	}
	if err := b.tg.SetCommands(ctx, cmds); err != nil {
		return fmt.Errorf("bot: setMyCommands: %w", err)
	}
	return nil
}
