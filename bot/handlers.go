package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/ajel-news/ajel/news"
)

// listLimit is how many stories /latest and /search show.
const listLimit = 5

// cmdReq is one command being handled.
type cmdReq struct {
	msg     *tgbotapi.Message
	chat    news.Chat
	command string // lower-case, without '/' and '@bot'
	args    string
	direct  bool // addressed as /cmd@ourbot
}

// HandleUpdate handles one update from Telegram (long polling or webhook).
// Updates the bot does not act on (edited messages, channel posts, non-text
// messages, group chatter) are ignored without error. An error means a
// Telegram or storage call failed.
func (b *Bot) HandleUpdate(ctx context.Context, u tgbotapi.Update) error {
	switch {
	case u.Message != nil:
		return b.handleMessage(ctx, u.Message)
	case u.CallbackQuery != nil:
		return b.handleCallback(ctx, u.CallbackQuery)
	}
	return nil
}

// chatOf describes a Telegram chat for storage.
func chatOf(c *tgbotapi.Chat, from *tgbotapi.User) news.Chat {
	nc := news.Chat{ID: c.ID, Type: news.ChatType(c.Type), Title: c.Title, Username: c.UserName}
	if nc.Title == "" {
		nc.Title = strings.TrimSpace(c.FirstName + " " + c.LastName)
	}
	// A group's language is not its last speaker's: keep it for private chats.
	if from != nil && c.Type == string(news.ChatPrivate) {
		nc.Language = from.LanguageCode
	}
	return nc
}

func (b *Bot) handleMessage(ctx context.Context, m *tgbotapi.Message) error {
	if m.Chat == nil || m.Text == "" {
		return nil // stickers, photos, service messages
	}
	chat := chatOf(m.Chat, m.From)
	if chat.Type == news.ChatChannel {
		return nil
	}
	cmd, at, args, isCmd := parseCommand(m.Text)
	if at != "" && !strings.EqualFold(at, b.username) {
		return nil // /cmd@otherbot
	}
	if !isCmd && chat.Type.IsGroup() {
		return nil // group chatter is not for us
	}
	switch b.limiter.check(chat.ID, b.now()) {
	case drop:
		return nil
	case warnOnce:
		return b.reply(ctx, chat.ID, msgSlowDown)
	}
	if err := b.store.SaveChat(ctx, chat); err != nil {
		return fmt.Errorf("bot: save chat: %w", err)
	}
	if !isCmd {
		return b.reply(ctx, chat.ID, msgPlainText)
	}
	r := &cmdReq{msg: m, chat: chat, command: cmd, args: args, direct: at != ""}
	err := b.route(ctx, r)
	if err != nil && ctx.Err() == nil {
		// Tell the reader something went wrong rather than stay silent; the
		// error itself is for the log.
		if rerr := b.reply(ctx, chat.ID, msgInternalError); rerr != nil {
			b.log.Warn("bot: reply with error notice", "chat", chat.ID, "err", rerr)
		}
	}
	return err
}

// parseCommand splits "/name@bot args" into its parts. Telegram command
// names are Latin letters, digits and underscores.
func parseCommand(text string) (cmd, at, args string, ok bool) {
	if !strings.HasPrefix(text, "/") {
		return "", "", "", false
	}
	end := len(text)
	for i, r := range text {
		if unicode.IsSpace(r) {
			end = i
			break
		}
	}
	head := text[1:end]
	args = strings.TrimSpace(text[end:])
	head, at, _ = strings.Cut(head, "@")
	if head == "" || len(head) > 32 {
		return "", "", "", false
	}
	for _, c := range head {
		if !(c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return "", "", "", false
		}
	}
	return strings.ToLower(head), at, args, true
}

func (b *Bot) route(ctx context.Context, r *cmdReq) error {
	switch r.command {
	case "start":
		return b.cmdStart(ctx, r)
	case "help":
		return b.cmdHelp(ctx, r)
	case "topics":
		return b.sendTopics(ctx, r.chat.ID, msgTopicsPrompt)
	case "subscribe", "sub":
		return b.cmdSubscribe(ctx, r)
	case "unsubscribe", "unsub":
		return b.cmdUnsubscribe(ctx, r)
	case "list":
		return b.cmdList(ctx, r)
	case "latest":
		return b.cmdLatest(ctx, r)
	case "search":
		return b.cmdSearch(ctx, r)
	case "pause", "resume":
		return b.cmdPause(ctx, r, r.command == "pause")
	case "quiet":
		return b.cmdQuiet(ctx, r)
	case "limit":
		return b.cmdLimit(ctx, r)
	case "stop":
		return b.cmdStop(ctx, r)
	case "stats":
		return b.cmdStats(ctx, r)
	case "feeds":
		return b.cmdFeeds(ctx, r)
	case "addfeed":
		return b.cmdAddFeed(ctx, r)
	case "delfeed":
		return b.cmdDelFeed(ctx, r)
	}
	if r.chat.Type.IsGroup() && !r.direct {
		// A bare unknown command in a group may be meant for another bot.
		return nil
	}
	return b.reply(ctx, r.chat.ID, msgUnknownCommand)
}

// reply sends an HTML message without a link preview.
func (b *Bot) reply(ctx context.Context, chatID int64, text string) error {
	return b.replyMarkup(ctx, chatID, text, nil)
}

func (b *Bot) replyMarkup(ctx context.Context, chatID int64, text string, kb *tgbotapi.InlineKeyboardMarkup) error {
	m := tgbotapi.NewMessage(chatID, text)
	m.ParseMode = tgbotapi.ModeHTML
	m.DisableWebPagePreview = true
	if kb != nil {
		m.ReplyMarkup = *kb
	}
	if _, err := b.send(ctx, m); err != nil {
		return fmt.Errorf("bot: reply to %d: %w", chatID, err)
	}
	return nil
}

// replyLong sends blocks joined by blank lines, split into as few messages
// as fit Telegram's limit.
func (b *Bot) replyLong(ctx context.Context, chatID int64, header string, blocks []string) error {
	for _, text := range packMessages(header, blocks, maxMessageLen) {
		if err := b.reply(ctx, chatID, text); err != nil {
			return err
		}
	}
	return nil
}

// isBotAdmin reports whether the sender may use admin commands.
func (b *Bot) isBotAdmin(m *tgbotapi.Message) bool {
	return m.From != nil && b.admins[m.From.ID]
}

// mayChange reports whether userID may change what chat follows: anyone in
// a private chat, only administrators in a group.
func (b *Bot) mayChange(ctx context.Context, chat news.Chat, userID int64) (bool, error) {
	if !chat.Type.IsGroup() {
		return true, nil
	}
	now := b.now()
	if admin, ok := b.groups.get(chat.ID, userID, now); ok {
		return admin, nil
	}
	cfg := tgbotapi.GetChatMemberConfig{ChatConfigWithUser: tgbotapi.ChatConfigWithUser{ChatID: chat.ID, UserID: userID}}
	resp, err := b.request(ctx, cfg)
	if err != nil {
		return false, fmt.Errorf("bot: getChatMember %d in %d: %w", userID, chat.ID, err)
	}
	var member tgbotapi.ChatMember
	if err := decodeResult(resp, &member); err != nil {
		return false, fmt.Errorf("bot: getChatMember %d in %d: %w", userID, chat.ID, err)
	}
	admin := member.IsCreator() || member.IsAdministrator()
	b.groups.put(chat.ID, userID, admin, now)
	return admin, nil
}

// mayChangeMsg is mayChange for a command message; an anonymous group
// admin writes as the group itself.
func (b *Bot) mayChangeMsg(ctx context.Context, r *cmdReq) (bool, error) {
	if r.msg.SenderChat != nil && r.msg.SenderChat.ID == r.chat.ID {
		return true, nil
	}
	if r.msg.From == nil {
		return !r.chat.Type.IsGroup(), nil
	}
	return b.mayChange(ctx, r.chat, r.msg.From.ID)
}

// guardChange replies with a refusal and returns false when the sender may
// not change the chat's subscriptions.
func (b *Bot) guardChange(ctx context.Context, r *cmdReq) (bool, error) {
	ok, err := b.mayChangeMsg(ctx, r)
	if err != nil {
		return false, err
	}
	if !ok {
		return false, b.reply(ctx, r.chat.ID, msgNotGroupAdmin)
	}
	return true, nil
}

func (b *Bot) cmdStart(ctx context.Context, r *cmdReq) error {
	text := msgWelcome
	if slug := strings.TrimSpace(r.args); slug != "" {
		if t, ok := b.topics.BySlug(slug); ok {
			ok, err := b.guardChange(ctx, r)
			if err != nil || !ok {
				return err
			}
			note, err := b.subscribeTopic(ctx, r.chat.ID, t)
			if err != nil {
				return err
			}
			text = note + "\n\n" + text
		}
	}
	return b.sendTopics(ctx, r.chat.ID, text)
}

func (b *Bot) cmdHelp(ctx context.Context, r *cmdReq) error {
	var sb strings.Builder
	sb.WriteString(msgHelpHeader)
	writeHelp(&sb, publicCommands)
	if b.isBotAdmin(r.msg) {
		sb.WriteString(msgHelpAdmin)
		writeHelp(&sb, adminCommands)
	}
	return b.reply(ctx, r.chat.ID, sb.String())
}

func writeHelp(sb *strings.Builder, lines []helpLine) {
	for _, l := range lines {
		sb.WriteString("\n/" + l.command)
		if l.args != "" {
			sb.WriteString(" " + esc(l.args))
		}
		sb.WriteString(" — " + esc(l.desc))
	}
}

func (b *Bot) cmdSubscribe(ctx context.Context, r *cmdReq) error {
	if r.args == "" {
		return b.sendTopics(ctx, r.chat.ID, msgTopicsPrompt)
	}
	ok, err := b.guardChange(ctx, r)
	if err != nil || !ok {
		return err
	}
	if t, found := b.topics.Lookup(r.args); found {
		text, err := b.subscribeTopic(ctx, r.chat.ID, t)
		if err != nil {
			return err
		}
		return b.reply(ctx, r.chat.ID, text)
	}
	display, reason := cleanKeyword(r.args)
	if reason != "" {
		return b.reply(ctx, r.chat.ID, reason)
	}
	// A keyword of stop words alone would match nearly every story.
	key := b.keyword(display)
	if strings.TrimSpace(key) == "" || len(b.terms(display)) == 0 {
		return b.reply(ctx, r.chat.ID, msgKeywordTooShort)
	}
	_, err = b.store.Subscribe(ctx, news.Subscription{ChatID: r.chat.ID, Kind: news.KindKeyword, Key: key, Display: display})
	text, err := subscribeOutcome(err, display, msgSubscribedKeyword(display))
	if err != nil {
		return err
	}
	return b.reply(ctx, r.chat.ID, text)
}

// subscribeTopic subscribes a chat to a catalogue topic and says what
// happened.
func (b *Bot) subscribeTopic(ctx context.Context, chatID int64, t news.Topic) (string, error) {
	_, err := b.store.Subscribe(ctx, news.Subscription{ChatID: chatID, Kind: news.KindTopic, Key: t.Slug, Display: t.Name})
	return subscribeOutcome(err, t.Name, msgSubscribedTopic(t.Name))
}

// subscribeOutcome turns Store.Subscribe's error into the reply.
func subscribeOutcome(err error, name, success string) (string, error) {
	switch {
	case err == nil:
		return success, nil
	case errors.Is(err, news.ErrAlreadyExists):
		return msgAlreadySubscribed(name), nil
	case errors.Is(err, news.ErrTooManySubscriptions):
		return msgTooMany(news.MaxSubscriptionsPerChat), nil
	}
	return "", fmt.Errorf("bot: subscribe: %w", err)
}

func (b *Bot) cmdUnsubscribe(ctx context.Context, r *cmdReq) error {
	ok, err := b.guardChange(ctx, r)
	if err != nil || !ok {
		return err
	}
	subs, err := b.store.Subscriptions(ctx, r.chat.ID)
	if err != nil {
		return fmt.Errorf("bot: subscriptions: %w", err)
	}
	if r.args == "" {
		if len(subs) == 0 {
			return b.reply(ctx, r.chat.ID, msgNothingToRemove)
		}
		kb := b.unsubscribeKeyboard(subs)
		return b.replyMarkup(ctx, r.chat.ID, msgUnsubscribePrompt, &kb)
	}
	// Find what the reader means: a topic by name, a keyword by its key,
	// or whatever is displayed exactly as typed.
	var want *news.Subscription
	key := b.keyword(stripInvisible(r.args))
	t, isTopic := b.topics.Lookup(r.args)
	for i, s := range subs {
		switch {
		case isTopic && s.Kind == news.KindTopic && s.Key == t.Slug,
			s.Kind == news.KindKeyword && s.Key == key,
			s.Display == r.args:
			want = &subs[i]
		}
		if want != nil {
			break
		}
	}
	if want == nil {
		return b.reply(ctx, r.chat.ID, msgNotSubscribed(r.args))
	}
	err = b.store.Unsubscribe(ctx, r.chat.ID, want.Kind, want.Key)
	if errors.Is(err, news.ErrNotFound) {
		return b.reply(ctx, r.chat.ID, msgNotSubscribed(r.args))
	}
	if err != nil {
		return fmt.Errorf("bot: unsubscribe: %w", err)
	}
	return b.reply(ctx, r.chat.ID, msgUnsubscribed(want.Display))
}

func (b *Bot) cmdList(ctx context.Context, r *cmdReq) error {
	subs, err := b.store.Subscriptions(ctx, r.chat.ID)
	if err != nil {
		return fmt.Errorf("bot: subscriptions: %w", err)
	}
	chat, err := b.store.Chat(ctx, r.chat.ID)
	if err != nil && !errors.Is(err, news.ErrNotFound) {
		return fmt.Errorf("bot: chat: %w", err)
	}
	if len(subs) == 0 {
		return b.reply(ctx, r.chat.ID, msgListEmpty)
	}
	var topics, words []string
	for _, s := range subs {
		if s.Kind == news.KindTopic {
			name := esc(isolate(s.Display))
			if t, ok := b.topics.BySlug(s.Key); ok {
				name = strings.TrimSpace(t.Emoji + " " + esc(isolate(t.Name)))
			}
			topics = append(topics, name)
		} else {
			words = append(words, quote(s.Display))
		}
	}
	blocks := []string{}
	if len(topics) > 0 {
		blocks = append(blocks, msgListTopics+strings.Join(topics, msgListJoin))
	}
	if len(words) > 0 {
		blocks = append(blocks, msgListWords+strings.Join(words, msgListJoin))
	}
	if chat.Paused {
		blocks = append(blocks, msgListPaused)
	}
	if chat.Quiet.Enabled() {
		blocks = append(blocks, msgListQuiet(chat.Quiet.From, chat.Quiet.To, b.loc.String()))
	}
	if chat.MaxPerHour > 0 {
		blocks = append(blocks, msgListLimit(chat.MaxPerHour))
	}
	return b.replyLong(ctx, r.chat.ID, msgListHeader, blocks)
}

func (b *Bot) cmdPause(ctx context.Context, r *cmdReq, pause bool) error {
	ok, err := b.guardChange(ctx, r)
	if err != nil || !ok {
		return err
	}
	if err := b.store.SetPaused(ctx, r.chat.ID, pause); err != nil {
		return fmt.Errorf("bot: pause: %w", err)
	}
	if pause {
		return b.reply(ctx, r.chat.ID, msgPaused)
	}
	return b.reply(ctx, r.chat.ID, msgResumed)
}

func (b *Bot) cmdStop(ctx context.Context, r *cmdReq) error {
	ok, err := b.guardChange(ctx, r)
	if err != nil || !ok {
		return err
	}
	if err := b.store.DeleteChat(ctx, r.chat.ID); err != nil {
		return fmt.Errorf("bot: stop: %w", err)
	}
	return b.reply(ctx, r.chat.ID, msgStopped)
}

func (b *Bot) cmdQuiet(ctx context.Context, r *cmdReq) error {
	zone := b.loc.String()
	if r.args == "" {
		chat, err := b.store.Chat(ctx, r.chat.ID)
		if err != nil && !errors.Is(err, news.ErrNotFound) {
			return fmt.Errorf("bot: chat: %w", err)
		}
		text := msgQuietUnset
		if chat.Quiet.Enabled() {
			text = msgQuietCurrent(chat.Quiet.From, chat.Quiet.To, zone)
		}
		return b.reply(ctx, r.chat.ID, text+msgQuietUsage)
	}
	q, off, reason := parseQuiet(r.args)
	if reason != "" {
		return b.reply(ctx, r.chat.ID, reason)
	}
	ok, err := b.guardChange(ctx, r)
	if err != nil || !ok {
		return err
	}
	if err := b.store.SetQuietHours(ctx, r.chat.ID, q); err != nil {
		return fmt.Errorf("bot: quiet hours: %w", err)
	}
	if off {
		return b.reply(ctx, r.chat.ID, msgQuietOff)
	}
	return b.reply(ctx, r.chat.ID, msgQuietSet(q.From, q.To, zone))
}

func (b *Bot) cmdLimit(ctx context.Context, r *cmdReq) error {
	if r.args == "" {
		chat, err := b.store.Chat(ctx, r.chat.ID)
		if err != nil && !errors.Is(err, news.ErrNotFound) {
			return fmt.Errorf("bot: chat: %w", err)
		}
		text := msgLimitUnset
		if chat.MaxPerHour > 0 {
			text = msgLimitCurrent(chat.MaxPerHour)
		}
		return b.reply(ctx, r.chat.ID, text+msgLimitUsage)
	}
	n, ok := parseLimit(r.args)
	if !ok {
		return b.reply(ctx, r.chat.ID, msgLimitBad)
	}
	ok, err := b.guardChange(ctx, r)
	if err != nil || !ok {
		return err
	}
	if err := b.store.SetMaxPerHour(ctx, r.chat.ID, n); err != nil {
		return fmt.Errorf("bot: limit: %w", err)
	}
	if n == 0 {
		return b.reply(ctx, r.chat.ID, msgLimitOff)
	}
	return b.reply(ctx, r.chat.ID, msgLimitSet(n))
}

// parseLimit reads "/limit" arguments: 1..maxLimit (Arabic digits too), or
// 0 and "off" for no cap.
func parseLimit(s string) (int, bool) {
	s = strings.ToLower(strings.TrimSpace(toASCIIDigits(s)))
	switch s {
	case "off", "no", "none", "إيقاف", "ايقاف", "إلغاء", "الغاء", "لا":
		return 0, true
	}
	if s == "" || len(s) > 3 {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > maxLimit {
		return 0, false
	}
	return n, true
}

// parseQuiet reads "22-07", "22:00-07:00", "٢٢-٧" or "off". A non-empty
// reason is the Arabic refusal.
func parseQuiet(s string) (q news.QuietHours, off bool, reason string) {
	s = strings.ToLower(strings.TrimSpace(toASCIIDigits(s)))
	switch s {
	case "off", "0", "no", "none", "إيقاف", "ايقاف", "إلغاء", "الغاء", "لا":
		return news.QuietHours{}, true, ""
	}
	from, to, ok := strings.Cut(strings.NewReplacer("–", "-", "—", "-", " ", "").Replace(s), "-")
	if !ok {
		return q, false, msgQuietBad
	}
	f, ok1 := parseHour(from)
	t, ok2 := parseHour(to)
	if !ok1 || !ok2 {
		return q, false, msgQuietBad
	}
	if f == t {
		return q, false, msgQuietSame
	}
	return news.QuietHours{From: f, To: t}, false, ""
}

func parseHour(s string) (int, bool) {
	s = strings.TrimSuffix(s, ":00")
	if s == "" || len(s) > 2 {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 23 {
		return 0, false
	}
	return n, true
}

// toASCIIDigits turns Arabic-Indic and Persian digits into ASCII ones.
func toASCIIDigits(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '٠' && r <= '٩':
			return '0' + r - '٠'
		case r >= '۰' && r <= '۹':
			return '0' + r - '۰'
		}
		return r
	}, s)
}

func (b *Bot) cmdLatest(ctx context.Context, r *cmdReq) error {
	slug, header, none := "", msgLatestHeader, msgLatestNone
	if r.args != "" {
		t, ok := b.topics.Lookup(r.args)
		if !ok {
			return b.reply(ctx, r.chat.ID, msgUnknownTopic)
		}
		slug, header, none = t.Slug, msgLatestTopicHeader(t.Name), msgLatestTopicNone(t.Name)
	}
	arts, err := b.store.LatestStories(ctx, slug, listLimit)
	if err != nil {
		return fmt.Errorf("bot: latest: %w", err)
	}
	if len(arts) == 0 {
		return b.reply(ctx, r.chat.ID, none)
	}
	return b.replyLong(ctx, r.chat.ID, header, b.storyBlocks(arts))
}

func (b *Bot) cmdSearch(ctx context.Context, r *cmdReq) error {
	if r.args == "" {
		return b.reply(ctx, r.chat.ID, msgSearchUsage)
	}
	query := truncateRunes(stripInvisible(r.args), 100)
	terms := b.terms(query)
	if len(terms) == 0 {
		return b.reply(ctx, r.chat.ID, msgSearchNoTerms)
	}
	arts, err := b.store.SearchArticles(ctx, terms, listLimit)
	if err != nil {
		return fmt.Errorf("bot: search: %w", err)
	}
	if len(arts) == 0 {
		return b.reply(ctx, r.chat.ID, msgSearchNone(query))
	}
	return b.replyLong(ctx, r.chat.ID, msgSearchHeader(query), b.storyBlocks(arts))
}

// storyBlocks renders stories for /latest and /search: title, a short
// summary, source, link and time.
func (b *Bot) storyBlocks(arts []news.Article) []string {
	blocks := make([]string, 0, len(arts))
	for _, a := range arts {
		var sb strings.Builder
		sb.WriteString("• <b>" + esc(isolateMixed(truncateWords(cleanLine(a.Title), 300))) + "</b>")
		if s := truncateWords(cleanText(a.Summary), 400); s != "" {
			sb.WriteString("\n" + esc(isolateMixed(s)))
		}
		var meta []string
		if src := cleanLine(a.Source); src != "" {
			meta = append(meta, esc(isolate(truncateRunes(src, 100))))
		}
		if link := linkHTML(a.URL); link != "" {
			meta = append(meta, link)
		}
		if t := a.PublishedAt; !t.IsZero() {
			meta = append(meta, isolate(t.In(b.loc).Format("2006-01-02 15:04")))
		}
		if len(meta) > 0 {
			sb.WriteString("\n" + strings.Join(meta, " · "))
		}
		blocks = append(blocks, sb.String())
	}
	return blocks
}

func (b *Bot) guardBotAdmin(ctx context.Context, r *cmdReq) (bool, error) {
	if b.isBotAdmin(r.msg) {
		return true, nil
	}
	return false, b.reply(ctx, r.chat.ID, msgNotBotAdmin)
}

func (b *Bot) cmdStats(ctx context.Context, r *cmdReq) error {
	if ok, err := b.guardBotAdmin(ctx, r); !ok || err != nil {
		return err
	}
	if b.stats == nil {
		return b.reply(ctx, r.chat.ID, msgUnavailable)
	}
	s, err := b.stats(ctx)
	if err != nil {
		return fmt.Errorf("bot: stats: %w", err)
	}
	return b.reply(ctx, r.chat.ID, msgStats(s, b.when(s.OldestPending)))
}

// when formats a time in the operator's zone, or "never".
func (b *Bot) when(t time.Time) string {
	if t.IsZero() {
		return msgNever
	}
	return isolate(t.In(b.loc).Format("2006-01-02 15:04"))
}

func (b *Bot) cmdFeeds(ctx context.Context, r *cmdReq) error {
	if ok, err := b.guardBotAdmin(ctx, r); !ok || err != nil {
		return err
	}
	if b.feeds == nil {
		return b.reply(ctx, r.chat.ID, msgUnavailable)
	}
	feeds, err := b.feeds.Feeds(ctx)
	if err != nil {
		return fmt.Errorf("bot: feeds: %w", err)
	}
	if len(feeds) == 0 {
		return b.reply(ctx, r.chat.ID, msgFeedsEmpty)
	}
	blocks := make([]string, 0, len(feeds))
	for _, f := range feeds {
		lastErr := ""
		if f.LastError != "" {
			lastErr = esc(truncateRunes(cleanLine(b.redactText(f.LastError)), 300)) + " (" + b.when(f.LastErrorAt) + ")"
		}
		blocks = append(blocks, msgFeedLine(f.ID, truncateRunes(cleanLine(f.Title), 200), truncateRunes(f.URL, 500),
			b.when(f.LastSuccessAt), lastErr, f.Failures))
	}
	return b.replyLong(ctx, r.chat.ID, msgFeedsHeader(len(feeds)), blocks)
}

func (b *Bot) cmdAddFeed(ctx context.Context, r *cmdReq) error {
	if ok, err := b.guardBotAdmin(ctx, r); !ok || err != nil {
		return err
	}
	if b.feeds == nil {
		return b.reply(ctx, r.chat.ID, msgUnavailable)
	}
	if r.args == "" {
		return b.reply(ctx, r.chat.ID, msgAddFeedUsage)
	}
	f, err := b.feeds.AddFeed(ctx, r.args)
	switch {
	case errors.Is(err, news.ErrAlreadyExists) && f.ID != 0:
		return b.reply(ctx, r.chat.ID, msgFeedExists(f.ID))
	case err != nil:
		if ctx.Err() != nil {
			return ctx.Err()
		}
		b.log.Info("bot: addfeed refused", "url", r.args, "err", err)
		return b.reply(ctx, r.chat.ID, msgFeedAddFailed(truncateRunes(b.redactText(err.Error()), 500)))
	}
	return b.reply(ctx, r.chat.ID, msgFeedAdded(f.ID, f.URL))
}

func (b *Bot) cmdDelFeed(ctx context.Context, r *cmdReq) error {
	if ok, err := b.guardBotAdmin(ctx, r); !ok || err != nil {
		return err
	}
	if b.feeds == nil {
		return b.reply(ctx, r.chat.ID, msgUnavailable)
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(toASCIIDigits(r.args), "#"), 10, 64)
	if err != nil || id <= 0 {
		return b.reply(ctx, r.chat.ID, msgDelFeedUsage)
	}
	err = b.feeds.DeleteFeed(ctx, id)
	if errors.Is(err, news.ErrNotFound) {
		return b.reply(ctx, r.chat.ID, msgFeedNotFound(id))
	}
	if err != nil {
		return fmt.Errorf("bot: delete feed: %w", err)
	}
	return b.reply(ctx, r.chat.ID, msgFeedDeleted(id))
}

// redactText removes the token from a text shown to an admin.
func (b *Bot) redactText(s string) string {
	if b.token == "" {
		return s
	}
	return strings.ReplaceAll(s, b.token, "<token>")
}
