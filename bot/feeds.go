package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ajel-news/ajel/bot/render"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/telegram"
)

// The admins' feed commands: /feeds a page at a time (or one feed's
// details), /addfeed of a feed or of a site's page (whose feeds are found,
// and picked with buttons when there are several), /delfeed,
// /renamefeed, /export, and an OPML document sent to import its feeds.

// Callback data of the feed commands: "fa:<choice>-<n>" adds the n-th
// feed of a choice, "fp:<page>" turns /feeds to a page.
const (
	cbFeedPick  = "fa:"
	cbFeedsPage = "fp:"
)

// choiceTTL is how long the buttons of a site's feeds can be pressed.
const choiceTTL = 30 * time.Minute

// maxChoices bounds the choices kept at once (each is a few hundred
// bytes); the oldest goes first.
const maxChoices = 200

// feedChoice is a site's feeds shown as buttons: kept here, not in the
// button's data (64 bytes), until it expires.
type feedChoice struct {
	chatID  int64
	page    string // the address the admin gave
	links   []news.FeedLink
	opts    news.FeedOptions
	expires time.Time
}

// feedChoices holds the choices shown, by id.
type feedChoices struct {
	mu   sync.Mutex
	next int
	m    map[int]*feedChoice
}

func (c *feedChoices) put(fc *feedChoice, now time.Time) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[int]*feedChoice{}
	}
	for id, x := range c.m {
		if now.After(x.expires) {
			delete(c.m, id)
		}
	}
	if len(c.m) >= maxChoices {
		oldest := c.next
		for id := range c.m {
			oldest = min(oldest, id)
		}
		delete(c.m, oldest)
	}
	c.next++
	c.m[c.next] = fc
	return c.next
}

func (c *feedChoices) get(id int, now time.Time) (*feedChoice, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fc, ok := c.m[id]
	if !ok || now.After(fc.expires) {
		delete(c.m, id)
		return nil, false
	}
	return fc, true
}

// someFeeds are the feeds for a command that shows them; when there is
// none to show (or no FeedAdmin), it has said so and ok is false.
func (b *Bot) someFeeds(ctx context.Context, r *cmdReq) (feeds []news.Feed, ok bool, err error) {
	if b.feeds == nil {
		return nil, false, b.reply(ctx, r.to, b.txt.Unavailable)
	}
	if feeds, err = b.feeds.Feeds(ctx); err != nil {
		return nil, false, fmt.Errorf("bot: feeds: %w", err)
	}
	if len(feeds) == 0 {
		return nil, false, b.reply(ctx, r.to, b.txt.FeedsEmpty)
	}
	return feeds, true, nil
}

func (b *Bot) cmdFeeds(ctx context.Context, r *cmdReq) error {
	feeds, ok, err := b.someFeeds(ctx, r)
	if !ok {
		return err
	}
	if r.args != "" {
		id, ok := feedID(r.args)
		if !ok {
			return b.reply(ctx, r.to, b.txt.DelFeedUsage)
		}
		for _, f := range feeds {
			if f.ID == id {
				f.LastError, f.LastPageError = b.tg.Redact(f.LastError), b.tg.Redact(f.LastPageError)
				return b.reply(ctx, r.to, b.say.FeedsHeader(len(feeds))+"\n\n"+b.say.Feed(f))
			}
		}
		return b.reply(ctx, r.to, b.say.FeedNotFound(id))
	}
	text, kb := b.feedsPage(feeds, 1)
	return b.replyMarkup(ctx, r.to, text, kb)
}

// feedsPage is page n (from 1) of /feeds and the buttons to turn it.
func (b *Bot) feedsPage(feeds []news.Feed, n int) (string, *telegram.Keyboard) {
	pages := max(1, (len(feeds)+render.FeedsPerPage-1)/render.FeedsPerPage)
	n = min(max(n, 1), pages)
	page := feeds[(n-1)*render.FeedsPerPage : min(n*render.FeedsPerPage, len(feeds))]
	text := b.say.FeedsPage(page, len(feeds), n, pages, b.now())
	if pages == 1 {
		return text, nil
	}
	var row []telegram.Button
	if n > 1 {
		row = append(row, telegram.DataButton(b.txt.ButtonPrevious, cbFeedsPage+strconv.Itoa(n-1)))
	}
	if n < pages {
		row = append(row, telegram.DataButton(b.txt.ButtonNext, cbFeedsPage+strconv.Itoa(n+1)))
	}
	kb := telegram.NewKeyboard(row)
	return text, &kb
}

// turnFeedsPage shows another page of /feeds in the same message.
func (b *Bot) turnFeedsPage(ctx context.Context, q *telegram.CallbackQuery, to news.Target, arg string) error {
	n, err := strconv.Atoi(arg)
	if err != nil || b.feeds == nil {
		return b.answer(ctx, q.ID, b.txt.StaleButton, false)
	}
	feeds, err := b.feeds.Feeds(ctx)
	if err != nil {
		return fmt.Errorf("bot: feeds: %w", err)
	}
	if len(feeds) == 0 {
		return b.answer(ctx, q.ID, render.StripTags(b.txt.FeedsEmpty), false)
	}
	for i := range feeds {
		feeds[i].LastError, feeds[i].LastPageError = b.tg.Redact(feeds[i].LastError), b.tg.Redact(feeds[i].LastPageError)
	}
	text, kb := b.feedsPage(feeds, n)
	if err := b.replies.Edit(ctx, q.Message.MessageID, telegram.Text{To: to, HTML: text, Keyboard: kb}); err != nil {
		b.log.Warn("bot: turn the page of /feeds", "chat", to.ChatID, "err", err)
	}
	return b.answer(ctx, q.ID, "", false)
}

func (b *Bot) cmdAddFeed(ctx context.Context, r *cmdReq) error {
	if b.feeds == nil {
		return b.reply(ctx, r.to, b.txt.Unavailable)
	}
	if r.args == "" {
		return b.reply(ctx, r.to, b.txt.AddFeedUsage)
	}
	rawURL, opts, refusal := b.parseFeedArgs(r.args)
	if refusal == "" {
		opts.Country, refusal = b.feedCountry(opts.Country)
	}
	if refusal != "" {
		return b.reply(ctx, r.to, refusal)
	}
	// A feed known by this address (its own, or the page it was found
	// from) is not fetched again: its options change.
	feeds, err := b.feeds.Feeds(ctx)
	if err != nil {
		return fmt.Errorf("bot: feeds: %w", err)
	}
	for _, f := range feeds {
		if f.URL == rawURL || f.PageURL != "" && f.PageURL == rawURL {
			return b.changeFeed(ctx, r.to, f, opts)
		}
	}
	search, err := b.feeds.FindFeeds(ctx, rawURL)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		b.log.Info("bot: addfeed found no feed", "url", rawURL, "err", err)
		if errors.Is(err, news.ErrNoFeed) {
			return b.reply(ctx, r.to, b.say.FeedNoFeed(cmp.Or(search.Page, rawURL), len(search.Refused)))
		}
		return b.reply(ctx, r.to, b.say.FeedAddFailed(rawURL, b.feedRefusal(err)))
	}
	if len(search.Feeds) == 1 {
		text, err := b.addFound(ctx, rawURL, search, search.Feeds[0], opts)
		if err != nil {
			return err
		}
		return b.reply(ctx, r.to, text)
	}
	// Several: the admin picks with buttons; the data names the choice
	// kept here (a feed's address would not fit in 64 bytes).
	id := b.choices.put(&feedChoice{chatID: r.chat.ID, page: rawURL, links: search.Feeds, opts: opts,
		expires: b.now().Add(choiceTTL)}, b.now())
	kb := b.choiceKeyboard(id, search.Feeds, nil)
	return b.replyMarkup(ctx, r.to, b.say.FeedChoose(cmp.Or(search.Page, rawURL), len(search.Feeds)), &kb)
}

// choiceKeyboard has a button per feed of a choice, those added left out.
func (b *Bot) choiceKeyboard(id int, links []news.FeedLink, added map[int]bool) telegram.Keyboard {
	var rows [][]telegram.Button
	for i, l := range links {
		if added[i] {
			continue
		}
		rows = append(rows, telegram.Row(telegram.DataButton(b.say.FeedChoiceLabel(l), fmt.Sprintf("%s%d-%d", cbFeedPick, id, i))))
	}
	return telegram.NewKeyboard(rows...)
}

// pickFeed adds the feed of a choice's button and says so; its button
// goes, the others stay until the choice expires.
func (b *Bot) pickFeed(ctx context.Context, q *telegram.CallbackQuery, to news.Target, arg string) error {
	if !b.admins[q.From.ID] {
		return b.answer(ctx, q.ID, render.StripTags(b.txt.NotBotAdmin), true)
	}
	idText, nText, _ := strings.Cut(arg, "-")
	id, err1 := strconv.Atoi(idText)
	n, err2 := strconv.Atoi(nText)
	fc, ok := b.choices.get(id, b.now())
	if err1 != nil || err2 != nil || !ok || fc.chatID != to.ChatID || n < 0 || n >= len(fc.links) || b.feeds == nil {
		return b.answer(ctx, q.ID, b.txt.FeedChoiceGone, true)
	}
	text, err := b.addFound(ctx, fc.page, news.FeedSearch{Page: fc.page}, fc.links[n], fc.opts)
	if err != nil {
		return err
	}
	added := map[int]bool{n: true}
	for i := range fc.links {
		if !hasButton(q.Message, fmt.Sprintf("%s%d-%d", cbFeedPick, id, i)) {
			added[i] = true
		}
	}
	if err := b.editKeyboard(ctx, to.ChatID, q.Message.MessageID, b.choiceKeyboard(id, fc.links, added)); err != nil {
		b.log.Warn("bot: update the feeds to pick", "chat", to.ChatID, "err", err)
	}
	if err := b.answer(ctx, q.ID, "", false); err != nil {
		b.log.Warn("bot: answer callback", "err", err)
	}
	return b.reply(ctx, to, text)
}

// hasButton reports whether a message's keyboard still has a button
// with this data.
func hasButton(m *telegram.Message, data string) bool {
	if m == nil || m.ReplyMarkup == nil {
		return false
	}
	for _, row := range m.ReplyMarkup.InlineKeyboard {
		for _, btn := range row {
			if btn.CallbackData != nil && *btn.CallbackData == data {
				return true
			}
		}
	}
	return false
}

// addFound adds a feed found for the address the admin gave and says so:
// a feed already there has its options changed instead.
func (b *Bot) addFound(ctx context.Context, given string, search news.FeedSearch, l news.FeedLink, opts news.FeedOptions) (string, error) {
	nf := news.Feed{URL: l.URL, Title: l.Title}
	if given != l.URL {
		nf.PageURL = given
	}
	opts.Apply(&nf)
	f, err := b.feeds.AddFeed(ctx, nf)
	switch {
	case errors.Is(err, news.ErrAlreadyExists) && f.ID != 0:
		return b.feedChange(ctx, f, opts)
	case err != nil:
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		b.log.Info("bot: addfeed refused", "url", l.URL, "err", err)
		return b.say.FeedAddFailed(l.URL, b.addRefusal(err)), nil
	}
	if search.Direct {
		return b.say.FeedAdded(f), nil
	}
	return b.say.FeedFound(given, l.Title, f), nil
}

// changeFeed is /addfeed of a feed already there: its options change.
func (b *Bot) changeFeed(ctx context.Context, to news.Target, f news.Feed, opts news.FeedOptions) error {
	text, err := b.feedChange(ctx, f, opts)
	if err != nil {
		return err
	}
	return b.reply(ctx, to, text)
}

func (b *Bot) feedChange(ctx context.Context, f news.Feed, opts news.FeedOptions) (string, error) {
	if !opts.Apply(&f) {
		return b.say.FeedExists(f.ID), nil
	}
	f, err := b.feeds.SetFeedOptions(ctx, f.ID, opts)
	if err != nil {
		return "", fmt.Errorf("bot: feed %d options: %w", f.ID, err)
	}
	return b.say.FeedOptionsSet(f), nil
}

// feedCountry reads /addfeed's country=: a place of the catalogue by its
// slug or its name, stored as its slug; or none. Anything else is refused,
// with the value named.
func (b *Bot) feedCountry(given string) (slug, refusal string) {
	if given == "" || given == news.CountryNone {
		return given, ""
	}
	t, ok := b.topics.BySlug(strings.ToLower(given))
	if !ok {
		t, ok = b.topics.Lookup(given)
	}
	if !ok || t.Kind != news.TopicPlace {
		return "", b.say.FeedUnknownCountry(given)
	}
	return t.Slug, ""
}

// feedID reads a feed's number as an admin types it: "3", "#3", "٣".
func feedID(s string) (int64, bool) {
	id, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(toASCIIDigits(s)), "#"), 10, 64)
	return id, err == nil && id > 0
}

func (b *Bot) cmdDelFeed(ctx context.Context, r *cmdReq) error {
	if b.feeds == nil {
		return b.reply(ctx, r.to, b.txt.Unavailable)
	}
	id, ok := feedID(r.args)
	if !ok {
		return b.reply(ctx, r.to, b.txt.DelFeedUsage)
	}
	err := b.feeds.DeleteFeed(ctx, id)
	if errors.Is(err, news.ErrNotFound) {
		return b.reply(ctx, r.to, b.say.FeedNotFound(id))
	}
	if err != nil {
		return fmt.Errorf("bot: delete feed: %w", err)
	}
	return b.reply(ctx, r.to, b.say.FeedDeleted(id))
}

// cmdRenameFeed names a feed: /renamefeed <id> <name>; "-" takes the name
// away, so pushes name the source by its feed's title again.
func (b *Bot) cmdRenameFeed(ctx context.Context, r *cmdReq) error {
	if b.feeds == nil {
		return b.reply(ctx, r.to, b.txt.Unavailable)
	}
	idText, name, _ := strings.Cut(strings.TrimSpace(r.args), " ")
	id, ok := feedID(idText)
	name = strings.TrimSpace(name)
	if len(name) >= 2 && (name[0] == '"' && name[len(name)-1] == '"' || strings.HasPrefix(name, "«") && strings.HasSuffix(name, "»")) {
		name = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(strings.TrimSuffix(strings.TrimPrefix(name, "\""), "\""), "«"), "»"))
	}
	if !ok || name == "" {
		return b.reply(ctx, r.to, b.txt.RenameUsage)
	}
	opts := news.FeedOptions{Name: news.NameNone}
	if name != news.NameNone {
		clean, err := news.CheckFeedName(name)
		var ne *news.FeedNameError
		if errors.As(err, &ne) {
			return b.reply(ctx, r.to, b.say.FeedNameRefused(ne))
		}
		opts.Name = clean
	}
	f, err := b.feeds.SetFeedOptions(ctx, id, opts)
	switch {
	case errors.Is(err, news.ErrNotFound):
		return b.reply(ctx, r.to, b.say.FeedNotFound(id))
	case err != nil:
		return fmt.Errorf("bot: rename feed %d: %w", id, err)
	case f.Name == "":
		return b.reply(ctx, r.to, b.say.FeedNameCleared(f))
	}
	return b.reply(ctx, r.to, b.say.FeedRenamed(f.ID, f.Name))
}

// cmdExport sends every feed, with its name and options, as an OPML file.
func (b *Bot) cmdExport(ctx context.Context, r *cmdReq) error {
	feeds, ok, err := b.someFeeds(ctx, r)
	if !ok {
		return err
	}
	data, err := b.feeds.ExportOPML(ctx)
	if err != nil {
		return fmt.Errorf("bot: export: %w", err)
	}
	name := "ajel-feeds-" + b.now().In(b.loc).Format("2006-01-02") + ".opml"
	if _, err := b.replies.SendDocument(ctx, telegram.Document{To: r.to, Name: name, Data: data,
		Caption: b.say.ExportCaption(len(feeds))}); err != nil {
		return fmt.Errorf("bot: export to %d: %w", r.to.ChatID, err)
	}
	return nil
}

// handleDocument takes an OPML file an admin sent: its feeds are
// imported and the admin gets a summary. Other documents, and documents
// of others, are not for the bot (an admin's other file in a private chat
// gets a word on what the bot takes).
func (b *Bot) handleDocument(ctx context.Context, m *telegram.Message) error {
	chat := telegram.ChatOf(m.Chat)
	if !b.isBotAdmin(m) || b.feeds == nil || chat.Type == news.ChatChannel {
		return nil
	}
	doc := m.Document
	ext := strings.ToLower(path.Ext(doc.FileName))
	isOPML := ext == ".opml" || ext == ".xml" || strings.Contains(strings.ToLower(doc.MimeType), "opml")
	if !isOPML && chat.Type.IsGroup() {
		return nil
	}
	to := news.Target{ChatID: chat.ID, ThreadID: m.Thread()}
	ok, err := b.admit(ctx, chat, bucketKey{chat: chat.ID, user: senderOf(m)}, func(text string) error { return b.reply(ctx, to, text) })
	if !ok || err != nil {
		return err
	}
	if !isOPML {
		return b.reply(ctx, to, b.txt.ImportWhat)
	}
	if int64(doc.FileSize) > news.MaxImportBytes {
		return b.reply(ctx, to, b.say.ImportTooLarge(int64(doc.FileSize), news.MaxImportBytes))
	}
	f, err := b.replies.GetFile(ctx, doc.FileID)
	var data []byte
	if err == nil {
		data, err = b.tg.Download(ctx, f, news.MaxImportBytes)
	}
	switch {
	case errors.Is(err, telegram.ErrFileTooLarge):
		return b.reply(ctx, to, b.say.ImportTooLarge(max(int64(doc.FileSize), f.Size, news.MaxImportBytes+1), news.MaxImportBytes))
	case err != nil:
		b.log.Warn("bot: download an OPML file", "chat", chat.ID, "err", err)
		return b.reply(ctx, to, b.txt.ImportDownloadFail)
	}
	rep, err := b.feeds.ImportOPML(ctx, data)
	switch {
	case errors.Is(err, news.ErrNotOPML):
		return b.reply(ctx, to, b.txt.ImportNotOPML)
	case errors.Is(err, news.ErrImportTooLarge):
		return b.reply(ctx, to, b.say.ImportTooLarge(int64(len(data)), news.MaxImportBytes))
	case errors.Is(err, news.ErrTooManyOutlines):
		return b.reply(ctx, to, b.say.ImportTooMany(news.MaxImportOutlines))
	case err != nil:
		return fmt.Errorf("bot: import: %w", err)
	}
	b.log.Info("bot: OPML imported", "chat", chat.ID, "added", len(rep.Added), "known", len(rep.Known),
		"repeated", rep.Repeated, "refused", len(rep.Refused))
	return b.reply(ctx, to, b.say.ImportReport(rep))
}

// feedRefusal is why /addfeed found no feed at an address, in the
// admin's words: the reasons finding feeds gives as news sentinels, told
// apart with errors.Is (the English error is in the log); what it cannot
// name is said in the fetcher's words.
func (b *Bot) feedRefusal(err error) string {
	var status interface{ HTTPStatus() string }
	switch {
	case errors.Is(err, news.ErrRedirectLoop):
		return b.txt.FeedRedirectLoop
	case errors.Is(err, news.ErrTimeout):
		return b.txt.FeedTimeout
	case errors.As(err, &status):
		return b.say.FeedHTTPStatus(status.HTTPStatus())
	}
	if why := b.addRefusal(err); why != b.txt.FeedAddError {
		return why
	}
	return b.say.FeedUnreachable(b.tg.Redact(err.Error()))
}

// addRefusal is why adding a feed was refused: an address that is not
// http(s), internal, or of a host that does not exist; anything else is
// an unexpected error (a storage one), which the log tells.
func (b *Bot) addRefusal(err error) string {
	var dns *net.DNSError
	switch {
	case errors.As(err, &dns):
		return b.say.FeedNoSuchHost(dns.Name)
	case errors.Is(err, news.ErrPrivateAddress):
		return b.txt.FeedPrivate
	case errors.Is(err, news.ErrBadURL), errors.Is(err, news.ErrInvalid):
		return b.txt.FeedBadURL
	}
	return b.txt.FeedAddError
}
