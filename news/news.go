// Package news holds Ajel's domain types: the chats that read news, what
// they subscribe to, the feeds and articles that come in, the stories that
// group articles about one event, and the deliveries that carry a story to a
// chat. It depends on the standard library only; every other package talks
// in these types.
package news

import (
	"errors"
	"slices"
	"time"
)

// Sentinel errors shared by every package. Wrap them with %w and test them
// with errors.Is.
var (
	// ErrNotFound means the chat, subscription, feed or row does not exist.
	ErrNotFound = errors.New("not found")
	// ErrAlreadyExists means the row (a subscription, a feed) is already there.
	ErrAlreadyExists = errors.New("already exists")
	// ErrTooManySubscriptions means a chat reached MaxSubscriptionsPerChat.
	ErrTooManySubscriptions = errors.New("too many subscriptions")
	// ErrTooManyNotifications means the WebSub notifications waiting to be
	// processed reached their bound: the hub should try again later.
	ErrTooManyNotifications = errors.New("too many notifications waiting")
	// ErrInvalid marks input that failed validation; the wrapping error says why.
	ErrInvalid = errors.New("invalid")
	// ErrPrivateAddress means an address given to fetch (a feed, a page)
	// is, or resolves to, a loopback, private, link-local or otherwise
	// internal address, which Ajel does not reach unless allowed to.
	ErrPrivateAddress = errors.New("private address")
	// ErrBadURL means an address is not an absolute http or https URL
	// with a host.
	ErrBadURL = errors.New("not an http(s) URL")
)

// MaxSubscriptionsPerChat caps how many topics and keywords one chat may follow.
const MaxSubscriptionsPerChat = 50

// ChatType is Telegram's kind of chat.
type ChatType string

// The chat types Telegram knows.
const (
	ChatPrivate    ChatType = "private"
	ChatGroup      ChatType = "group"
	ChatSupergroup ChatType = "supergroup"
	ChatChannel    ChatType = "channel"
)

// IsGroup reports whether the chat has several members, so only its
// administrators may change what it follows.
func (t ChatType) IsGroup() bool { return t == ChatGroup || t == ChatSupergroup }

// QuietHours is a daily window, in the operator's TIMEZONE, during which
// nothing rings: breaking news arrives silently, other stories wait for one
// digest at the window's end. From == To means off.
type QuietHours struct {
	From int // hour 0..23 the quiet starts
	To   int // hour 0..23 the quiet ends (exclusive)
}

// Enabled reports whether the window is set.
func (q QuietHours) Enabled() bool { return q.From != q.To }

// Contains reports whether hour (0..23) falls in the window; windows may wrap
// past midnight (22-07).
func (q QuietHours) Contains(hour int) bool {
	switch {
	case !q.Enabled():
		return false
	case q.From < q.To:
		return hour >= q.From && hour < q.To
	default:
		return hour >= q.From || hour < q.To
	}
}

// Chat is a Telegram chat that talked to the bot.
type Chat struct {
	ID       int64
	Type     ChatType
	Title    string // group title or the user's name
	Username string
	Active   bool // false once Telegram said 403 (blocked, kicked)
	Paused   bool // the reader asked for /pause
	Quiet    QuietHours
	// MaxPerHour caps pushes an hour before stories are gathered into a
	// digest; 0 means no cap.
	MaxPerHour int
	// PicturesOff: the reader asked for pushes without the story's
	// picture (/pictures off).
	PicturesOff bool
	// Rings is what arrives with sound (/sound, /settings).
	Rings     RingMode
	CreatedAt time.Time
}

// RingMode is what arrives with sound in a chat, outside its quiet hours.
type RingMode string

// The ring modes.
const (
	// RingBreaking: breaking news rings, the rest arrives silently (the
	// default; "" means it too).
	RingBreaking RingMode = "breaking"
	// RingAll: every story rings.
	RingAll RingMode = "all"
	// RingNone: nothing rings.
	RingNone RingMode = "none"
)

// ParseRingMode reads a ring mode as stored or typed ("" is breaking).
func ParseRingMode(s string) (RingMode, bool) {
	return parseChoice(s, RingBreaking, RingBreaking, RingAll, RingNone)
}

// parseChoice reads one of a closed set of values as stored or typed:
// "" is def; anything outside choices is refused ("", false).
func parseChoice[T ~string](s string, def T, choices ...T) (T, bool) {
	switch v := T(s); {
	case v == "":
		return def, true
	case slices.Contains(choices, v):
		return v, true
	}
	return "", false
}

// SubscriptionKind tells a catalogue topic from a free keyword.
type SubscriptionKind string

// The kinds of subscription. A mute is the opposite of a keyword: every
// story that mentions it stays out of the chat, whatever else matches.
const (
	KindTopic   SubscriptionKind = "topic"
	KindKeyword SubscriptionKind = "keyword"
	KindMute    SubscriptionKind = "mute"
)

// Target is where a message goes: a chat and, in a forum supergroup, the
// topic thread inside it (0: the chat itself, or a forum's General topic).
type Target struct {
	ChatID   int64
	ThreadID int
}

// Subscription is one thing a chat, or one topic thread of a forum
// supergroup, follows.
type Subscription struct {
	ID     int64
	ChatID int64
	// ThreadID is the forum topic thread that subscribed (0: the chat).
	ThreadID int
	Kind     SubscriptionKind
	// Key is what matching uses: the topic's slug, or the keyword's
	// normalized form (so "سوريّا" and "سوريا" are one subscription).
	Key string
	// Display is what the reader sees: the topic's Arabic name or the
	// keyword as typed.
	Display   string
	CreatedAt time.Time
}

// Topic is one entry of the topic catalogue.
type Topic struct {
	Slug  string   `json:"slug"`  // stable Latin id, used in callbacks and deep links
	Name  string   `json:"name"`  // Arabic display name
	Kind  string   `json:"kind"`  // "place" or "section"
	Emoji string   `json:"emoji"` // shown on keyboards
	Words []string `json:"words"` // words and phrases that identify it
}

// Topic kinds.
const (
	TopicPlace   = "place"
	TopicSection = "section"
)

// Feed is a news source the bot polls.
type Feed struct {
	ID    int64
	URL   string
	Title string
	// Name is the operator's name for the source (name=, /renamefeed),
	// which pushes show instead of Title; "" for none (see SourceName).
	Name string
	// PageURL is the web page the feed was found from, when an operator
	// gave a site's address rather than the feed's ("" otherwise).
	PageURL string
	// Breaking marks a feed whose every item is urgent (an operator's choice).
	Breaking     bool
	ETag         string
	LastModified string
	// Primed is set after the first successful poll, whose items are
	// recorded without being pushed so a new feed never floods anyone.
	Primed        bool
	Failures      int // consecutive failures, for backoff
	LastError     string
	LastErrorAt   time.Time
	LastSuccessAt time.Time
	// Held counts, for the last poll that listed items, the new ones
	// stored without being pushed, and why.
	Held HeldItems
	// FullText is when the article's page is read for its whole text.
	FullText FullTextMode
	// Lang is which items of the feed are pushed by their language.
	Lang FeedLanguage
	// Country is the place (a catalogue slug) an operator said the feed
	// is the outlet of, "" for none: its items that name no place are
	// about it, and a word spelt like a place of another country is read
	// as this one's.
	Country string
	// Pages counts the article pages read for this feed and the failures
	// (the teaser was used); LastPageError says why the last one failed.
	Pages         PageCounts
	LastPageError string
	// Interval is the feed's current time between polls (0: not polled
	// yet, the shortest is used) and PollReason why it is that; QuietPolls
	// counts the polls in a row of a quiet hour, each relaxing the next.
	Interval   time.Duration
	PollReason PollReason
	QuietPolls int
	// Rhythm is when the feed usually publishes, learnt from its dates.
	Rhythm Rhythm
	// WebSub is the state of the feed's WebSub subscription, if any.
	WebSub     WebSubStatus
	NextPollAt time.Time
	CreatedAt  time.Time
}

// PollReason says why a feed is polled at its current interval, for
// /feeds and /healthz.
type PollReason string

// The reasons for a feed's interval.
const (
	// PollLearning: a new feed whose rhythm is still being learnt (its
	// first week) is polled at the shortest.
	PollLearning PollReason = "learning"
	// PollRecent: it published within the last hour: the shortest.
	PollRecent PollReason = "recent"
	// PollRhythm: it usually publishes at this hour: the shortest.
	PollRhythm PollReason = "rhythm"
	// PollQuiet: an hour it has not published in for the last weeks; the
	// interval grows until it publishes or a usual hour begins.
	PollQuiet PollReason = "quiet"
	// PollBreaking: an operator marked it breaking: always the shortest.
	PollBreaking PollReason = "breaking"
	// PollWebSub: its hub pushes new items; polls are a safety net at the
	// longest interval.
	PollWebSub PollReason = "websub"
	// PollServerFresh: its server said (Cache-Control max-age, Expires)
	// how long its answer stays fresh, a floor up to the longest interval.
	PollServerFresh PollReason = "server_fresh"
	// PollRetryAfter: its server asked Ajel to wait (429, Retry-After).
	PollRetryAfter PollReason = "retry_after"
	// PollFailing: backing off after failures.
	PollFailing PollReason = "failing"
)

// HoursPerWeek is how many hours of the week a Rhythm tells apart.
const HoursPerWeek = 7 * 24

// Rhythm is what a feed's publication dates taught about when it
// publishes: for each UTC hour of the week (Sunday 00:00–00:59 UTC is 0)
// how recently the feed published in it, as a weight that is 1 when it
// did and halves every week after. Its size is fixed however long the
// feed lives. UTC, never the operator's TIMEZONE, so a change of zone or
// of daylight-saving time cannot move what was learnt.
type Rhythm struct {
	// Weights are by hour of the week, as they stood at DecayedAt.
	Weights   [HoursPerWeek]float32
	DecayedAt time.Time
	// Since is since when every item of the feed is known (the oldest
	// date its first poll listed, or that poll); zero: nothing learnt yet.
	Since time.Time
	// Newest is the newest item date counted, as the feed gave it: an item
	// that is not newer is not counted again.
	Newest time.Time
	// LastPublished is when the feed last published, by the dates counted
	// (never later than the poll that found the item).
	LastPublished time.Time
}

// WebSubState is where a feed's WebSub subscription stands.
type WebSubState string

// The states of a WebSub subscription.
const (
	// WebSubNone: the feed names no hub, or Ajel has no public URL.
	WebSubNone WebSubState = ""
	// WebSubPending: asked for, the hub has not verified it yet.
	WebSubPending WebSubState = "pending"
	// WebSubActive: verified; the hub pushes new items until LeaseUntil.
	WebSubActive WebSubState = "active"
	// WebSubFailed: the hub refused, never verified or could not be
	// reached (Reason says which); the feed is polled.
	WebSubFailed WebSubState = "failed"
	// WebSubUnsubscribing: the feed was deleted or moved to another hub;
	// the hub is being told to stop.
	WebSubUnsubscribing WebSubState = "unsubscribing"
)

// WebSubStatus is what /feeds and /healthz say of a feed's subscription.
type WebSubStatus struct {
	State      WebSubState
	Hub        string
	Reason     string
	LeaseUntil time.Time
}

// WebSub is one WebSub subscription Ajel asked a hub for: the hub posts
// the topic's new content to the callback, signed with Secret.
type WebSub struct {
	// CallbackID names the subscription in its callback URL; it is random,
	// so nobody can guess another feed's callback.
	CallbackID string
	FeedID     int64
	Hub, Topic string
	Secret     string
	State      WebSubState
	Reason     string
	// LeaseSeconds is what was asked for; LeaseUntil is when the hub's
	// verified lease ends.
	LeaseSeconds int
	LeaseUntil   time.Time
	// RequestedAt is when the hub was last asked (subscribe, renew or
	// unsubscribe).
	RequestedAt time.Time
	CreatedAt   time.Time
}

// WebSubNotification is content a hub pushed for a feed, its signature
// checked, kept until its items went through the feed's path.
type WebSubNotification struct {
	ID     int64
	FeedID int64
	// Topic is the subscription's topic (the feed's self URL), the base of
	// relative links; ContentType is the hub's Content-Type.
	Topic, ContentType string
	Body               []byte
	ReceivedAt         time.Time
}

// FullTextMode says when a feed's items are completed from their article
// page: many feeds carry only a teaser.
type FullTextMode string

// The full-text modes of a feed.
const (
	// FullTextAuto reads the page of an item whose text is a teaser.
	FullTextAuto FullTextMode = "auto"
	// FullTextAlways reads the page of every item pushed.
	FullTextAlways FullTextMode = "always"
	// FullTextNever uses the feed's text as it is.
	FullTextNever FullTextMode = "never"
)

// ParseFullTextMode reads a mode as an admin types it ("" is auto).
func ParseFullTextMode(s string) (FullTextMode, bool) {
	return parseChoice(s, FullTextAuto, FullTextAuto, FullTextAlways, FullTextNever)
}

// FeedLanguage says which of a feed's items are pushed by their language:
// readers of an Arabic news bot read Arabic, and outlets with Arabic names
// publish English and French feeds too.
type FeedLanguage string

// The languages a feed's items may be pushed in.
const (
	// LangArabic pushes the items written in Arabic; the others are
	// stored (searchable) and held (the default; "" means it too).
	LangArabic FeedLanguage = "ar"
	// LangAny pushes items whatever their language.
	LangAny FeedLanguage = "any"
)

// ParseFeedLanguage reads a feed's language as stored or typed ("" is ar).
func ParseFeedLanguage(s string) (FeedLanguage, bool) {
	return parseChoice(s, LangArabic, LangArabic, LangAny)
}

// Screening is what an item's letters say before it is prepared: the
// pipeline decides with it which items of a poll are pushed, and how.
type Screening struct {
	// Arabic: the item is written in Arabic (by its headline's letters).
	Arabic bool
	// Breaking: the item is marked urgent (by its feed or its headline).
	Breaking bool
	// Placeholder: its text only announces the story («التفاصيل بعد
	// قليل»): its headline goes out at once, its text when it comes.
	Placeholder bool
}

// PageCounts counts a feed's article pages read (Read) and those that
// gave nothing usable (Failed: the teaser was used).
type PageCounts struct {
	Read, Failed int
	// InRow counts the pages that failed since the last one that gave
	// the article's text, and FailingSince is when the first of them
	// failed (zero when the last page worked): "its pages keep failing".
	InRow        int
	FailingSince time.Time
}

// DefaultMaxItemAge is how old, by its own date, an item may be and still
// be pushed when the operator sets no MAX_ITEM_AGE: an older one is stored
// (searchable) in silence, so a feed that relists its archive rings no one.
const DefaultMaxItemAge = 24 * time.Hour

// HeldReason is why a new item was stored without being pushed.
type HeldReason string

const (
	// HeldOld: dated longer ago than MAX_ITEM_AGE.
	HeldOld HeldReason = "old"
	// HeldFuture: dated ahead of the clock by more than a few minutes.
	HeldFuture HeldReason = "future"
	// HeldOverLimit: past the bound on pushes one poll of a feed makes.
	HeldOverLimit HeldReason = "over_limit"
	// HeldLanguage: not written in Arabic, from a feed that pushes only
	// Arabic (lang=ar, the default).
	HeldLanguage HeldReason = "language"
)

// HeldItems counts the new items of one feed poll stored (searchable) but
// not pushed, by reason: a feed that relists its archive, dates its items
// wrong or lists thousands at once must not ring every reader.
type HeldItems struct {
	Old, Future, OverLimit, Language int
}

// Add counts one item held for why; "" counts nothing.
func (h *HeldItems) Add(why HeldReason) {
	switch why {
	case HeldOld:
		h.Old++
	case HeldFuture:
		h.Future++
	case HeldOverLimit:
		h.OverLimit++
	case HeldLanguage:
		h.Language++
	}
}

// PollOutcome is what the feed's handler made of one poll's items: how
// many were new (stored now, pushed or not) and which of them were held.
type PollOutcome struct {
	New  int
	Held HeldItems
}

// Total is how many items were held.
func (h HeldItems) Total() int { return h.Old + h.Future + h.OverLimit + h.Language }

// BreakingChannel is the Channel.Topic of a channel that gets every
// breaking story, whatever its topics.
const BreakingChannel = "breaking"

// Channel is a Telegram channel, in which the bot is an administrator,
// that gets every story of one topic: one post reaches all its members at
// once, which is how a topic with a hundred thousand readers is reached
// within seconds.
type Channel struct {
	// ChatID is the channel's Telegram id (-100…).
	ChatID int64
	// Username is its public @name without the "@" ("" for a private
	// channel, which readers cannot be linked to).
	Username string
	Title    string
	// Topic is the catalogue slug whose stories it gets, or
	// BreakingChannel.
	Topic string
	// Display is the topic's Arabic name, shown on its posts.
	Display string
	// FromConfig marks a mapping from the CHANNELS variable (set again at
	// every start) rather than from an admin's /channel add.
	FromConfig bool
	// Enabled is false once Telegram refused a post (the bot was removed
	// or lost its right to post); Reason says why.
	Enabled   bool
	Reason    string
	CreatedAt time.Time
}

// Link is the channel's public t.me address, or "" for a private one.
func (c Channel) Link() string {
	if c.Username == "" {
		return ""
	}
	return "https://t.me/" + c.Username
}

// InboundUpdate is a Telegram update the bot received and has not finished
// handling. It is kept in the database from the moment it arrives until its
// handling ends, so a crash or a restart loses no reader's command.
type InboundUpdate struct {
	// Seq orders the updates as they arrived (Telegram's update ids can
	// start again from a lower number).
	Seq int64
	// UpdateID is Telegram's update_id.
	UpdateID int
	// ChatID is the chat the update came from (0 when none): updates of
	// one chat are handled in order, those of different chats at once.
	ChatID int64
	// Raw is the update's JSON as Telegram sent it.
	Raw        []byte
	ReceivedAt time.Time
	// Attempts counts how often its handling began (and, when it is still
	// kept, did not finish).
	Attempts int
}

// Article is one item from a feed or the ingest API.
type Article struct {
	ID int64
	// FeedID is the feed it came from; 0 for the ingest API.
	FeedID int64
	// Key is the item's identity inside its source (see Identify): a
	// re-sent item has the same key and is never new again.
	Key    string
	Source string // outlet name shown to readers
	URL    string
	Title  string
	Text   string // cleaned plain text
	// Teaser is the feed's own text when Text was completed from the
	// article page ("" otherwise): the item's identity by content stays
	// what the feed says, whatever the page gave.
	Teaser string
	// ImageURL is the story's picture (absolute http(s), checked), from
	// the item or its article page; "" when none.
	ImageURL string
	Summary  string
	Topics   []string // catalogue slugs
	Keywords []string // normalized keyword subscriptions it matches
	// Categories are the item's own categories in its feed (<category>):
	// the sections its outlet files it under, read when finding its topics.
	Categories []string
	// FeedCountry is its feed's country= option (a place slug, "" for
	// none): a hint for its places, see topic.Item.
	FeedCountry string
	// ContentKey identifies the article by its content (its title and
	// text, letters only, folded), and LinkKey by its link in a form that
	// survives a site moving to https, dropping www. or adding a slash:
	// an item whose key changed but whose content or link did is not new.
	ContentKey string
	LinkKey    string
	// SearchText is the title and text in matching form (normalized
	// tokens), which /search looks through.
	SearchText  string
	Breaking    bool
	PublishedAt time.Time
	SeenAt      time.Time // when Ajel first saw it
	StoryID     int64
	// StorySummary, when the article joins a story, is the story's summary
	// written again from every outlet's telling; it replaces the story's.
	// Empty: the story keeps its summary.
	StorySummary string
	// Held is why the pipeline stores the article without pushing it
	// ("" when it is pushed, or was not judged).
	Held HeldReason
	// StoryNote says why the article joined its story (the shared names
	// and words, the score) or, for a new story, why it joined none.
	StoryNote string
}

// FollowWindow is how long a reader follows a story after tapping
// "follow", and how long after its push a story can still be followed.
const FollowWindow = 48 * time.Hour

// UpdateGap is the least time between two updates of one story to one
// chat: later facts wait and go together.
const UpdateGap = 10 * time.Minute

// EditGap is the least time between two edits of one push: when outlets
// keep joining a story, the changes of the meantime go in one edit.
const EditGap = time.Minute

// Follow is a chat (or forum thread) following one developing story.
type Follow struct {
	ChatID    int64
	ThreadID  int
	StoryID   int64
	MessageID int // the push updates reply to
	Until     time.Time
	Title     string // the story's headline, for /following
}

// Update is the new facts of a followed story for one follower: sent as
// a reply to its push.
type Update struct {
	ID         int64
	ChatID     int64
	ThreadID   int
	ChatType   ChatType
	StoryID    int64
	ReplyTo    int
	Title      string
	Facts      []string
	Source     string
	URL        string
	Quiet      QuietHours
	Rings      RingMode
	MaxPerHour int
	Attempts   int
	CreatedAt  time.Time
	// Silent is set by the sender's caller: quiet hours, or the chat's
	// ring mode.
	Silent bool
}

// Target is where the update goes.
func (u Update) Target() Target { return Target{ChatID: u.ChatID, ThreadID: u.ThreadID} }

// Story groups the articles that tell one event.
type Story struct {
	ID          int64
	Title       string
	Summary     string
	Topics      []string
	Breaking    bool
	SourceCount int // distinct outlets that carried it
	FirstSeenAt time.Time
	UpdatedAt   time.Time
}

// DeliveryStatus is where an outbox row stands.
type DeliveryStatus string

// The states of a delivery. Pending rows are retried until sent or failed;
// dropped rows belonged to a chat that blocked the bot.
const (
	DeliveryPending DeliveryStatus = "pending"
	DeliverySent    DeliveryStatus = "sent"
	DeliveryFailed  DeliveryStatus = "failed"
	DeliveryDropped DeliveryStatus = "dropped"
)

// Push is what a reader sees: the content of one pushed message.
type Push struct {
	Topic    string // Arabic name of the topic or keyword that matched
	Title    string
	Summary  string
	Source   string
	URL      string
	Breaking bool
	// OtherSources is how many more outlets carried the story.
	OtherSources int
	// Others links to a few of those outlets' own reports (at most three,
	// one per outlet, in the order they carried the story).
	Others []SourceLink
	// Silent sends without sound (not breaking, or quiet hours).
	Silent bool
	// Paid sends with the Bot API's allow_paid_broadcast: a breaking story
	// beyond the free rate, paid in Telegram Stars (PAID_BROADCAST_RATE).
	Paid bool
	// Image is the story's picture, shown as a large preview above the
	// text; "" for none (no picture, or the chat turned pictures off).
	Image string
	// FollowStory, when set, is the story a "follow" button under the
	// push follows (not for channels, not in digests); Following says the
	// chat follows it already (the button then stops it).
	FollowStory int64
	Following   bool
	// StoryID is the story the push tells (0: unknown): the «📤 مشاركة»
	// button under it shares the story into another chat, and, once other
	// outlets carried it and Comparable is set, «كيف نقلتها المصادر»
	// compares their tellings.
	StoryID int64
	// Comparable lets the push carry the comparison button: set for
	// readers, not for channel posts (a channel's readers cannot be
	// answered there).
	Comparable bool
}

// SourceLink is one more outlet's report of a story.
type SourceLink struct {
	Name string // outlet name shown to readers
	URL  string
}

// Delivery is one outbox row: one story for one chat.
type Delivery struct {
	ID     int64
	ChatID int64
	// ThreadID is the forum topic thread it goes to (0: the chat itself).
	ThreadID int
	ChatType ChatType
	Quiet    QuietHours // the chat's quiet hours, to decide Push.Silent
	Rings    RingMode   // what rings in the chat, to decide Push.Silent
	// MaxPerHour is the chat's cap on pushes an hour (0: none); past it
	// stories that are not breaking are held for a digest.
	MaxPerHour int
	// HeldAt is when the row was held for the chat's digest; zero when it
	// was not.
	HeldAt        time.Time
	StoryID       int64
	ArticleID     int64
	Status        DeliveryStatus
	Attempts      int
	LastError     string
	NextAttemptAt time.Time
	MessageID     int // Telegram's id once sent
	// EditPending counts changes to the story (more outlets joined) since
	// the push was last brought up to date, or, on a pending row, since it
	// was queued; 0 when none.
	EditPending int
	CreatedAt   time.Time // when the row was queued (≈ when the article was seen)
	SentAt      time.Time
	Push        Push
}

// Target is where the delivery goes.
func (d Delivery) Target() Target { return Target{ChatID: d.ChatID, ThreadID: d.ThreadID} }

// CompareWindow is how long a comparison of a story's tellings («كيف
// نقلتها المصادر») stays open after it was sent: while open, it is
// edited in place when another outlet joins the story (at most once every
// EditGap, as pushes are).
const CompareWindow = 48 * time.Hour

// Telling is one outlet's telling of a story, as a comparison shows it:
// the outlet's first article of the story.
type Telling struct {
	// Outlet is the outlet's name as readers see it.
	Outlet string
	Title  string
	// Text is the article's text: the facts that differ between tellings
	// are read from it and the title.
	Text string
	URL  string
	// PublishedAt is when the outlet published it (when Ajel first saw
	// it, for an item without a date).
	PublishedAt time.Time
	// Differs are the facts of this telling that other tellings give
	// otherwise (a toll, an amount, a place), as written; set by the
	// reader of the comparison, not by storage.
	Differs []string
}

// StoryTellings is a story with the tellings of the outlets that carried
// it, first to last.
type StoryTellings struct {
	Story Story
	// Tellings are the first Outlets outlets' tellings, at most the limit
	// asked for.
	Tellings []Telling
	// Outlets counts every outlet that told the story (Tellings may hold
	// fewer).
	Outlets int
}

// Comparison is a comparison message that was sent, kept while open
// (CompareWindow) so it can be edited when another outlet joins its story.
// It is either a chat's message (ChatID, ThreadID, MessageID) or a message
// posted through inline mode (InlineMessageID), which Ajel knows only by
// that id.
type Comparison struct {
	ID              int64
	StoryID         int64
	ChatID          int64 // 0 for an inline message
	ThreadID        int
	ChatType        ChatType
	MessageID       int
	InlineMessageID string
	// EditPending counts the outlets' joins since it was last brought up
	// to date (0: none).
	EditPending int
	// Outlets is how many outlets the message showed when it was sent: an
	// outlet that joined while it was being sent makes it due for an edit
	// at once.
	Outlets   int
	CreatedAt time.Time
}

// Target is the chat (and thread) of a comparison sent in a chat.
func (c Comparison) Target() Target { return Target{ChatID: c.ChatID, ThreadID: c.ThreadID} }

// StoryFilter picks stories to share through inline mode (and any list of
// recent stories): one story by its id, those about a topic, those whose
// articles hold every term (in matching form), or the breaking ones. The
// zero filter picks the latest stories.
type StoryFilter struct {
	Story    int64    // one story
	Topic    string   // a catalogue slug
	Terms    []string // search terms, as /search reads them
	Breaking bool
}

// SharedStory is a story as it is shared into another chat: its push as a
// reader gets it (Push.Topic left to the caller), with its picture.
type SharedStory struct {
	StoryID int64
	Push    Push
	// Topics are the story's catalogue slugs.
	Topics    []string
	UpdatedAt time.Time
	// PublishedAt is when its first telling was published (or seen).
	PublishedAt time.Time
}
