package bot_test

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ajel-news/ajel/arabic"
	"github.com/ajel-news/ajel/bot"
	"github.com/ajel-news/ajel/bot/render"
	"github.com/ajel-news/ajel/bot/telegramtest"
	"github.com/ajel-news/ajel/bot/texts"
	"github.com/ajel-news/ajel/feed"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/opml"
	"github.com/ajel-news/ajel/storage"
	"github.com/ajel-news/ajel/storage/storagetest"
)

const testToken = "123456:TEST-very_secret-token"

// catalogue is a small fixed topic catalogue.
type catalogue struct{ topics []news.Topic }

func newCatalogue() catalogue {
	return catalogue{topics: []news.Topic{
		{Slug: "syria", Name: "سوريا", Kind: news.TopicPlace, Emoji: "🇸🇾"},
		{Slug: "lebanon", Name: "لبنان", Kind: news.TopicPlace, Emoji: "🇱🇧"},
		{Slug: "economy", Name: "اقتصاد", Kind: news.TopicSection, Emoji: "💰"},
		{Slug: "sports", Name: "رياضة", Kind: news.TopicSection, Emoji: "⚽"},
		{Slug: "tech", Name: "تقنية", Kind: news.TopicSection, Emoji: "💻"},
	}}
}

func (c catalogue) All() []news.Topic { return c.topics }

func (c catalogue) BySlug(slug string) (news.Topic, bool) {
	for _, t := range c.topics {
		if t.Slug == slug {
			return t, true
		}
	}
	return news.Topic{}, false
}

func (c catalogue) Lookup(text string) (news.Topic, bool) {
	n := arabic.Normalize(strings.TrimSpace(text))
	for _, t := range c.topics {
		if n == t.Slug || n == arabic.Normalize(t.Name) {
			return t, true
		}
	}
	return news.Topic{}, false
}

func searchTerms(q string) []string {
	var out []string
	for _, tok := range arabic.Tokens(q) {
		if !arabic.IsStopWord(tok) {
			out = append(out, tok)
		}
	}
	return out
}

// feedAdmin is an in-memory FeedAdmin.
type feedAdmin struct {
	mu    sync.Mutex
	feeds []news.Feed
	next  int64
	// sites are what FindFeeds answers for an address; any other address
	// is a feed itself, checked as AddFeed checks it.
	sites map[string]siteAnswer
}

type siteAnswer struct {
	search news.FeedSearch
	err    error
}

// site makes FindFeeds answer for an address.
func (f *feedAdmin) site(addr string, search news.FeedSearch, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.sites == nil {
		f.sites = map[string]siteAnswer{}
	}
	f.sites[addr] = siteAnswer{search, err}
}

func (f *feedAdmin) FindFeeds(ctx context.Context, rawURL string) (news.FeedSearch, error) {
	f.mu.Lock()
	a, ok := f.sites[rawURL]
	f.mu.Unlock()
	if ok {
		return a.search, a.err
	}
	if err := checkAddress(ctx, rawURL); err != nil {
		return news.FeedSearch{}, err
	}
	return news.FeedSearch{Direct: true, Page: rawURL, Feeds: []news.FeedLink{{URL: rawURL}}}, nil
}

// checkAddress is the app's check without resolving names: http(s), a
// host ending in ".invalid" does not exist, an IP literal or localhost
// must not be internal.
func checkAddress(ctx context.Context, rawURL string) error {
	if err := feed.ValidateURL(ctx, rawURL, true); err != nil {
		return err
	}
	if u, _ := url.Parse(rawURL); strings.HasSuffix(u.Hostname(), ".invalid") {
		return fmt.Errorf("feed: cannot resolve host: %w", &net.DNSError{Err: "no such host", Name: u.Hostname(), IsNotFound: true})
	}
	if err := feed.ValidateURL(ctx, rawURL, false); errors.Is(err, news.ErrPrivateAddress) {
		return err
	}
	return nil
}

func (f *feedAdmin) FeedByAddress(_ context.Context, addr string) (news.Feed, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, x := range f.feeds {
		if x.URL == addr || x.PageURL != "" && x.PageURL == addr {
			return x, nil
		}
	}
	return news.Feed{}, news.ErrNotFound
}

func (f *feedAdmin) ImportOPML(ctx context.Context, data []byte) (news.ImportReport, error) {
	return opml.Import(ctx, bytes.NewReader(data), f, func(ctx context.Context, e *opml.Entry) error {
		return checkAddress(ctx, e.URL)
	})
}

func (f *feedAdmin) ExportOPML(ctx context.Context) ([]byte, error) {
	feeds, _ := f.Feeds(ctx)
	var b bytes.Buffer
	err := opml.Write(&b, feeds, fixedNow)
	return b.Bytes(), err
}

// AddFeed checks the address as the app does (feed.ValidateURL, which
// refuses internal addresses; names are not resolved: a host ending in
// ".invalid" stands for one that does not exist).
func (f *feedAdmin) AddFeed(ctx context.Context, nf news.Feed) (news.Feed, error) {
	rawURL := nf.URL
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := checkAddress(ctx, rawURL); err != nil {
		return news.Feed{}, err
	}
	for _, x := range f.feeds {
		if x.URL == rawURL {
			return x, news.ErrAlreadyExists
		}
	}
	f.next++
	feed := news.Feed{ID: f.next, URL: rawURL, FullText: cmp.Or(nf.FullText, news.FullTextAuto), Lang: cmp.Or(nf.Lang, news.LangArabic),
		Breaking: nf.Breaking, Country: nf.Country, Name: nf.Name, Title: nf.Title, PageURL: nf.PageURL}
	f.feeds = append(f.feeds, feed)
	return feed, nil
}

func (f *feedAdmin) SetFeedOptions(_ context.Context, id int64, opts news.FeedOptions) (news.Feed, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, x := range f.feeds {
		if x.ID == id {
			opts.Apply(&f.feeds[i])
			return f.feeds[i], nil
		}
	}
	return news.Feed{}, news.ErrNotFound
}

func (f *feedAdmin) DeleteFeed(_ context.Context, id int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, x := range f.feeds {
		if x.ID == id {
			f.feeds = slices.Delete(f.feeds, i, i+1)
			return nil
		}
	}
	return news.ErrNotFound
}

func (f *feedAdmin) Feeds(context.Context) ([]news.Feed, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.feeds), nil
}

const adminID = 777

// harness runs a Bot against a fake Telegram and a real SQLite file.
type harness struct {
	t     *testing.T
	srv   *telegramtest.Server
	db    *storage.DB
	path  string
	opts  bot.Options
	bot   *bot.Bot
	feeds *feedAdmin
	// wrap, when set, wraps the database the bot is given (faults).
	wrap   func(*storage.DB) bot.Store
	cancel context.CancelFunc
	done   chan error
}

var fixedNow = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// renderer renders in the bot's default language, as the bot does.
var renderer = render.New(texts.Arabic(), nil)

func newHarness(t *testing.T, mod func(*bot.Options)) *harness {
	t.Helper()
	return newHarnessWith(t, nil, mod)
}

// newHarnessWith is newHarness with a fake Telegram built with srvOpts
// (latency, flood limits…).
func newHarnessWith(t *testing.T, srvOpts []telegramtest.Option, mod func(*bot.Options)) *harness {
	t.Helper()
	h := &harness{t: t, srv: telegramtest.NewTest(t, testToken, srvOpts...), path: filepath.Join(t.TempDir(), "ajel.db"), feeds: &feedAdmin{}}
	h.openDB()
	loc, err := time.LoadLocation("Asia/Damascus")
	if err != nil {
		loc = time.FixedZone("Asia/Damascus", 3*3600)
	}
	h.opts = bot.Options{
		Token:       testToken,
		Endpoint:    h.srv.Endpoint(),
		AdminIDs:    []int64{adminID},
		Topics:      newCatalogue(),
		Feeds:       h.feeds,
		KeywordKey:  arabic.Normalize,
		SearchTerms: searchTerms,
		Location:    loc,
		Now:         func() time.Time { return fixedNow },
		PollTimeout: time.Second,
		// The clock is frozen, so tests that chat a lot need a deep bucket;
		// TestRateLimitPerChat checks the default.
		ChatBurst: 1000,
		Stats: func(ctx context.Context) (bot.Stats, error) {
			s, err := h.db.Stats(ctx)
			return bot.Stats{Chats: s.Chats, ActiveChats: s.ActiveChats, Subscriptions: s.Subscriptions,
				Feeds: s.Feeds, Pending: s.Outbox.Pending}, err
		},
	}
	if mod != nil {
		mod(&h.opts)
	}
	h.start()
	return h
}

func (h *harness) openDB() { h.db = storagetest.OpenAt(h.t, h.path) }

// start creates the bot and runs it until stop or the end of the test.
func (h *harness) start() {
	h.t.Helper()
	h.opts.Store = h.db
	if h.wrap != nil {
		h.opts.Store = h.wrap(h.db)
	}
	ctx, cancel := context.WithCancel(h.t.Context())
	b, err := bot.New(h.opts)
	if err != nil {
		cancel()
		h.t.Fatalf("bot.New: %v", err)
	}
	h.bot, h.cancel, h.done = b, cancel, make(chan error, 1)
	go func() { h.done <- b.Run(ctx) }()
	h.t.Cleanup(h.stop)
}

func (h *harness) stop() {
	if h.cancel == nil {
		return
	}
	h.cancel()
	if err := <-h.done; err != nil {
		h.t.Errorf("Run: %v", err)
	}
	h.cancel = nil
}

// settle waits until the bot has received and handled every queued update
// and polls again.
func (h *harness) settle() {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(h.t.Context(), 10*time.Second)
	defer cancel()
	if err := h.srv.WaitFor(ctx, func() bool {
		return h.srv.Pending() == 0 && h.srv.Polling() && inboxEmpty(ctx, h.db)
	}); err != nil {
		h.t.Fatalf("bot did not handle its updates: %v", err)
	}
}

// inboxEmpty reports whether every update the bot received was handled.
func inboxEmpty(ctx context.Context, db *storage.DB) bool {
	ups, err := db.PendingUpdates(ctx, 0, 1)
	return err == nil && len(ups) == 0
}

// say sends text as user in chat and returns the bot's new messages there.
func (h *harness) say(chat telegramtest.Chat, user telegramtest.User, text string) []telegramtest.Message {
	h.t.Helper()
	before := h.srv.SentCount(chat.ID)
	h.srv.SendText(chat, user, text)
	h.settle()
	return h.newSince(chat.ID, before)
}

func (h *harness) newSince(chatID int64, before int) []telegramtest.Message {
	all := h.srv.Sent(chatID)
	if before > len(all) {
		return nil
	}
	return all[before:]
}

// sayInThread sends text as user in a forum topic thread of chat and
// returns the one reply, which must come in that thread.
func (h *harness) sayInThread(chat telegramtest.Chat, user telegramtest.User, thread int, text string) telegramtest.Message {
	h.t.Helper()
	before := h.srv.SentCount(chat.ID)
	h.srv.SendTextInThread(chat, user, thread, text)
	h.settle()
	got := h.newSince(chat.ID, before)
	if len(got) != 1 {
		h.t.Fatalf("%q in thread %d: %d replies, want 1", text, thread, len(got))
	}
	if got[0].ThreadID != thread {
		h.t.Errorf("%q in thread %d answered in thread %d", text, thread, got[0].ThreadID)
	}
	return got[0]
}

// sayOne is say expecting exactly one reply, checked to be valid HTML.
func (h *harness) sayOne(chat telegramtest.Chat, user telegramtest.User, text string) telegramtest.Message {
	h.t.Helper()
	got := h.say(chat, user, text)
	if len(got) != 1 {
		h.t.Fatalf("%q: want 1 reply, got %d: %+v", text, len(got), got)
	}
	checkHTML(h.t, got[0])
	return got[0]
}

// press presses a button by its callback data and returns the answer.
func (h *harness) press(chat telegramtest.Chat, user telegramtest.User, msgID int, data string) telegramtest.CallbackAnswer {
	h.t.Helper()
	u, err := h.srv.PressButton(chat, user, msgID, data)
	if err != nil {
		h.t.Fatal(err)
	}
	h.settle()
	a, ok := h.srv.CallbackAnswer(u.CallbackQueryID)
	if !ok {
		h.t.Fatalf("callback %q was not answered", data)
	}
	return a
}

func (h *harness) subs(chatID int64) []news.Subscription {
	h.t.Helper()
	s, err := h.db.Subscriptions(h.t.Context(), news.Target{ChatID: chatID})
	if err != nil {
		h.t.Fatal(err)
	}
	return s
}

func checkHTML(t *testing.T, m telegramtest.Message) {
	t.Helper()
	if m.ParseMode != "HTML" {
		t.Errorf("parse mode %q, want HTML", m.ParseMode)
	}
	if err := telegramtest.ValidateHTML(m.Text); err != nil {
		t.Errorf("invalid HTML %q: %v", m.Text, err)
	}
}

func mustContain(t *testing.T, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%q does not contain %q", got, w)
		}
	}
}

// stripIsolates removes the FSI/PDI the bot adds around Latin runs.
func stripIsolates(s string) string {
	return strings.NewReplacer("\u2068", "", "\u2069", "").Replace(s)
}
