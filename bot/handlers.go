package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/ajel-news/ajel/bot/render"
	"github.com/ajel-news/ajel/internal/textcut"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/telegram"
)

// listLimit is how many stories /latest and /search show.
const listLimit = 5

// cmdReq is one command being handled.
type cmdReq struct {
	msg  *telegram.Message
	chat news.Chat
	// to is where the command came from and its replies go: the chat and,
	// in a forum supergroup, the topic thread; in a thread, what the
	// command changes or lists is the thread's.
	to      news.Target
	command string // lower-case, without '/' and '@bot'
	args    string
	direct  bool // addressed as /cmd@ourbot
}

// handleUpdate handles one update the inbox kept (long polling or
// webhook). Updates the bot does not act on (non-text messages, group
// chatter) are ignored without error. An error means a Telegram or
// storage call failed.
func (b *Bot) handleUpdate(ctx context.Context, u *telegram.Update) error {
	switch {
	case u.Message != nil:
		return b.handleMessage(ctx, u.Message)
	case u.CallbackQuery != nil:
		return b.handleCallback(ctx, u.CallbackQuery)
	}
	return nil
}

// admit is what every message and button press goes through first:
// nothing from a channel is for the bot, a user who floods it (in one
// chat) gets one notice (through notice) and then nothing for a while,
// and the chat is saved, which also makes a chat that had blocked the bot
// active again. key says whose bucket the update draws on.
func (b *Bot) admit(ctx context.Context, chat news.Chat, key bucketKey, notice func(text string) error) (bool, error) {
	if chat.Type == news.ChatChannel {
		return false, nil
	}
	switch b.limiter.check(key, b.now()) {
	case drop:
		return false, nil
	case warnOnce:
		return false, notice(b.txt.SlowDown)
	}
	if err := b.store.SaveChat(ctx, chat); err != nil {
		return false, fmt.Errorf("bot: save chat: %w", err)
	}
	return true, nil
}

func (b *Bot) handleMessage(ctx context.Context, m *telegram.Message) error {
	if m.Chat != nil && m.Text == "" && m.Document != nil {
		return b.handleDocument(ctx, m) // an admin's OPML file
	}
	if m.Chat == nil || m.Text == "" {
		return nil // stickers, photos, service messages
	}
	chat := telegram.ChatOf(m.Chat)
	to := news.Target{ChatID: chat.ID, ThreadID: m.Thread()}
	cmd, at, args, isCmd := parseCommand(m.Text)
	if at != "" && !strings.EqualFold(at, b.Username()) {
		return nil // /cmd@otherbot
	}
	if !isCmd && chat.Type.IsGroup() {
		return nil // group chatter is not for us
	}
	key := bucketKey{chat: chat.ID, user: senderOf(m)}
	if c := b.commands[cmd]; isCmd && c != nil && c.settings {
		switch {
		case m.SenderChat != nil && m.SenderChat.ID == chat.ID: // an anonymous admin
			key.settings = true
		case m.From != nil:
			key.settings = b.mayAdminister(ctx, chat, m.From.ID)
		}
	}
	ok, err := b.admit(ctx, chat, key, func(text string) error { return b.reply(ctx, to, text) })
	if !ok || err != nil {
		return err
	}
	if !isCmd {
		return b.reply(ctx, to, b.txt.PlainText)
	}
	r := &cmdReq{msg: m, chat: chat, to: to, command: cmd, args: args, direct: at != ""}
	err = b.route(ctx, r)
	if err != nil && ctx.Err() == nil && !errors.Is(err, telegram.ErrGaveUp) {
		// Tell the reader something went wrong rather than stay silent; the
		// error itself is for the log. (When the reply itself could not
		// get through, another one would not either.)
		if rerr := b.reply(ctx, to, b.txt.InternalError); rerr != nil {
			b.log.Warn("bot: reply with error notice", "chat", chat.ID, "err", rerr)
		}
	}
	return err
}

// senderOf is who sent a message, for rate limits: the user, or the chat
// a message was sent on behalf of (an anonymous group admin, a channel).
func senderOf(m *telegram.Message) int64 {
	switch {
	case m.SenderChat != nil:
		return m.SenderChat.ID
	case m.From != nil:
		return m.From.ID
	}
	return m.Chat.ID
}

// mayAdminister reports whether userID may change the chat's settings: a
// bot admin, or whoever mayChange lets (a group's administrators, anyone
// in a private chat). An error asking Telegram counts as no: the command
// is then limited like any other.
func (b *Bot) mayAdminister(ctx context.Context, chat news.Chat, userID int64) bool {
	if b.admins[userID] {
		return true
	}
	ok, err := b.mayChange(ctx, chat, userID)
	if err != nil {
		b.log.Warn("bot: could not tell whether the sender administers the chat", "chat", chat.ID, "err", err)
		return false
	}
	return ok
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

// route runs the command through its guards (see command).
func (b *Bot) route(ctx context.Context, r *cmdReq) error {
	if id, ok := storyCommand(r.command); ok && r.args == "" {
		r.command, r.args = "story", id
	}
	c := b.commands[r.command]
	if c == nil {
		if r.chat.Type.IsGroup() && !r.direct {
			// A bare unknown command in a group may be meant for another bot.
			return nil
		}
		return b.reply(ctx, r.to, b.txt.UnknownCommand)
	}
	return c.guarded(r)(b, ctx, r)
}

// reply sends an HTML message without a link preview, paced and retried
// as a reply.
func (b *Bot) reply(ctx context.Context, to news.Target, text string) error {
	return b.replyMarkup(ctx, to, text, nil)
}

func (b *Bot) replyMarkup(ctx context.Context, to news.Target, text string, kb *telegram.Keyboard) error {
	if _, err := b.replies.Send(ctx, telegram.Text{To: to, HTML: text, Keyboard: kb}); err != nil {
		return fmt.Errorf("bot: reply to %d: %w", to.ChatID, err)
	}
	return nil
}

// replyLong sends blocks joined by blank lines, split into as few messages
// as fit Telegram's limit.
func (b *Bot) replyLong(ctx context.Context, to news.Target, header string, blocks []string) error {
	for _, text := range render.Pack(header, blocks, render.MaxMessageLen) {
		if err := b.reply(ctx, to, text); err != nil {
			return err
		}
	}
	return nil
}

// isBotAdmin reports whether the sender may use admin commands.
func (b *Bot) isBotAdmin(m *telegram.Message) bool {
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
	member, err := b.tg.Member(ctx, chat.ID, userID)
	if err != nil {
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

func (b *Bot) cmdStart(ctx context.Context, r *cmdReq) error {
	if slug := strings.TrimSpace(r.args); slug != "" {
		if t, ok := b.topics.BySlug(slug); ok {
			// A deep link to a topic subscribes to it, as /subscribe does.
			return groupAdminsOnly(func(b *Bot, ctx context.Context, r *cmdReq) error {
				note, err := b.subscribeTopic(ctx, r.to, t)
				if err != nil {
					return err
				}
				return b.sendTopics(ctx, r.to, note+"\n\n"+b.txt.Welcome)
			})(b, ctx, r)
		}
	}
	return b.sendTopics(ctx, r.to, b.txt.Welcome)
}

func (b *Bot) cmdHelp(ctx context.Context, r *cmdReq) error {
	admin := b.isBotAdmin(r.msg)
	var sb strings.Builder
	sb.WriteString(b.txt.HelpHeader)
	for _, c := range b.table {
		if c.access == everyone {
			b.writeHelp(&sb, c)
		}
	}
	if admin {
		sb.WriteString(b.txt.HelpAdmin)
		for _, c := range b.table {
			if c.access == botAdmins {
				b.writeHelp(&sb, c)
			}
		}
	}
	return b.reply(ctx, r.to, sb.String())
}

// writeHelp writes /help's line of a command: its name, what it takes
// and what it does.
func (b *Bot) writeHelp(sb *strings.Builder, c *command) {
	h := b.txt.Commands[c.name]
	sb.WriteString("\n/" + c.name)
	if h.Args != "" {
		sb.WriteString(" " + render.Esc(h.Args))
	}
	sb.WriteString(" — " + render.Esc(h.Desc))
}

func (b *Bot) cmdTopics(ctx context.Context, r *cmdReq) error {
	return b.sendTopics(ctx, r.to, b.txt.TopicsPrompt)
}

func (b *Bot) cmdSubscribe(ctx context.Context, r *cmdReq) error {
	if r.args == "" {
		return b.sendTopics(ctx, r.to, b.txt.TopicsPrompt)
	}
	if t, found := b.topics.Lookup(r.args); found {
		text, err := b.subscribeTopic(ctx, r.to, t)
		if err != nil {
			return err
		}
		return b.reply(ctx, r.to, text)
	}
	display, reason := b.cleanKeyword(r.args)
	if reason != "" {
		return b.reply(ctx, r.to, reason)
	}
	// A keyword of stop words alone would match nearly every story.
	key := b.keyword(display)
	if strings.TrimSpace(key) == "" || len(b.terms(display)) == 0 {
		return b.reply(ctx, r.to, b.txt.KeywordTooShort)
	}
	_, err := b.store.Subscribe(ctx, news.Subscription{ChatID: r.chat.ID, ThreadID: r.to.ThreadID, Kind: news.KindKeyword, Key: key, Display: display})
	text, err := b.subscribeOutcome(err, display, b.say.SubscribedKeyword(display))
	if err != nil {
		return err
	}
	return b.reply(ctx, r.to, text)
}

// splitMutes parts a chat's subscriptions into what it follows and what
// it mutes, each in its order.
func splitMutes(subs []news.Subscription) (follows, mutes []news.Subscription) {
	for _, s := range subs {
		if s.Kind == news.KindMute {
			mutes = append(mutes, s)
		} else {
			follows = append(follows, s)
		}
	}
	return follows, mutes
}

func (b *Bot) cmdMute(ctx context.Context, r *cmdReq) error {
	all, err := b.store.Subscriptions(ctx, r.to)
	if err != nil {
		return fmt.Errorf("bot: subscriptions: %w", err)
	}
	if r.args == "" {
		_, mutes := splitMutes(all)
		if len(mutes) == 0 {
			return b.reply(ctx, r.to, b.txt.MuteUsage)
		}
		names := make([]string, len(mutes))
		for i, m := range mutes {
			names[i] = b.say.Quote(m.Display)
		}
		return b.reply(ctx, r.to, b.txt.ListMutes+strings.Join(names, b.txt.ListJoin)+"\n"+b.txt.MuteUsage)
	}
	display, reason := b.cleanKeyword(r.args)
	if reason == "" && strings.ContainsAny(display, "<>") {
		reason = b.txt.MuteMarkup // words have no tags; it is pasted markup
	}
	if reason != "" {
		return b.reply(ctx, r.to, reason)
	}
	key := b.keyword(display)
	if strings.TrimSpace(key) == "" || len(b.terms(display)) == 0 {
		return b.reply(ctx, r.to, b.txt.MuteTooCommon)
	}
	_, err = b.store.Subscribe(ctx, news.Subscription{ChatID: r.chat.ID, ThreadID: r.to.ThreadID, Kind: news.KindMute, Key: key, Display: display})
	switch {
	case errors.Is(err, news.ErrAlreadyExists):
		return b.reply(ctx, r.to, b.say.AlreadyMuted(display))
	case errors.Is(err, news.ErrTooManySubscriptions):
		return b.reply(ctx, r.to, b.say.TooMany(news.MaxSubscriptionsPerChat))
	case err != nil:
		return fmt.Errorf("bot: mute: %w", err)
	}
	text := b.say.Muted(display)
	for _, s := range all {
		if s.Kind == news.KindKeyword && s.Key == key {
			text += b.say.MuteWins(s.Display)
		}
	}
	return b.reply(ctx, r.to, text)
}

func (b *Bot) cmdUnmute(ctx context.Context, r *cmdReq) error {
	all, err := b.store.Subscriptions(ctx, r.to)
	if err != nil {
		return fmt.Errorf("bot: subscriptions: %w", err)
	}
	_, mutes := splitMutes(all)
	if r.args == "" {
		if len(mutes) == 0 {
			return b.reply(ctx, r.to, b.txt.NoMutes)
		}
		kb := b.unsubscribeKeyboard(mutes)
		return b.replyMarkup(ctx, r.to, b.txt.UnmutePrompt, &kb)
	}
	key := b.keyword(stripInvisible(r.args))
	echo := textcut.Words(r.args, maxKeywordLen)
	for _, m := range mutes {
		if m.Key != key && m.Display != r.args {
			continue
		}
		err := b.store.Unsubscribe(ctx, r.to, news.KindMute, m.Key)
		if errors.Is(err, news.ErrNotFound) {
			break
		}
		if err != nil {
			return fmt.Errorf("bot: unmute: %w", err)
		}
		return b.reply(ctx, r.to, b.say.Unmuted(m.Display))
	}
	return b.reply(ctx, r.to, b.say.NotMuted(echo))
}

// subscribeTopic subscribes a chat (or forum thread) to a catalogue topic
// and says what happened.
func (b *Bot) subscribeTopic(ctx context.Context, to news.Target, t news.Topic) (string, error) {
	_, err := b.store.Subscribe(ctx, news.Subscription{ChatID: to.ChatID, ThreadID: to.ThreadID, Kind: news.KindTopic, Key: t.Slug, Display: t.Name})
	return b.subscribeOutcome(err, t.Name, b.say.SubscribedTopic(t.Name))
}

// subscribeOutcome turns Store.Subscribe's error into the reply.
func (b *Bot) subscribeOutcome(err error, name, success string) (string, error) {
	switch {
	case err == nil:
		return success, nil
	case errors.Is(err, news.ErrAlreadyExists):
		return b.say.AlreadySubscribed(name), nil
	case errors.Is(err, news.ErrTooManySubscriptions):
		return b.say.TooMany(news.MaxSubscriptionsPerChat), nil
	}
	return "", fmt.Errorf("bot: subscribe: %w", err)
}

func (b *Bot) cmdUnsubscribe(ctx context.Context, r *cmdReq) error {
	all, err := b.store.Subscriptions(ctx, r.to)
	if err != nil {
		return fmt.Errorf("bot: subscriptions: %w", err)
	}
	subs, _ := splitMutes(all) // mutes are /unmute's
	if r.args == "" {
		if len(subs) == 0 {
			return b.reply(ctx, r.to, b.txt.NothingToRemove)
		}
		kb := b.unsubscribeKeyboard(subs)
		return b.replyMarkup(ctx, r.to, b.txt.UnsubscribePrompt, &kb)
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
	// No subscription is longer than a keyword may be: the echo of a
	// longer argument is cut, so the reply stays one short message.
	echo := textcut.Words(r.args, maxKeywordLen)
	if want == nil {
		return b.reply(ctx, r.to, b.say.NotSubscribed(echo))
	}
	err = b.store.Unsubscribe(ctx, r.to, want.Kind, want.Key)
	if errors.Is(err, news.ErrNotFound) {
		return b.reply(ctx, r.to, b.say.NotSubscribed(echo))
	}
	if err != nil {
		return fmt.Errorf("bot: unsubscribe: %w", err)
	}
	return b.reply(ctx, r.to, b.say.Unsubscribed(want.Display))
}

func (b *Bot) cmdList(ctx context.Context, r *cmdReq) error {
	subs, err := b.store.Subscriptions(ctx, r.to)
	if err != nil {
		return fmt.Errorf("bot: subscriptions: %w", err)
	}
	chat, err := b.store.Chat(ctx, r.chat.ID)
	if err != nil && !errors.Is(err, news.ErrNotFound) {
		return fmt.Errorf("bot: chat: %w", err)
	}
	if len(subs) == 0 {
		return b.reply(ctx, r.to, b.txt.ListEmpty)
	}
	var topics, words, mutes []string
	for _, s := range subs {
		if s.Kind == news.KindMute {
			mutes = append(mutes, b.say.Quote(s.Display))
			continue
		}
		if s.Kind == news.KindTopic {
			name := render.Esc(render.Isolate(s.Display))
			if t, ok := b.topics.BySlug(s.Key); ok {
				name = strings.TrimSpace(t.Emoji + " " + render.Esc(render.Isolate(t.Name)))
			}
			topics = append(topics, name)
		} else {
			words = append(words, b.say.Quote(s.Display))
		}
	}
	blocks := []string{}
	if len(topics) > 0 {
		blocks = append(blocks, b.txt.ListTopics+strings.Join(topics, b.txt.ListJoin))
	}
	if len(words) > 0 {
		blocks = append(blocks, b.txt.ListWords+strings.Join(words, b.txt.ListJoin))
	}
	if len(mutes) > 0 {
		blocks = append(blocks, b.txt.ListMutes+strings.Join(mutes, b.txt.ListJoin))
	}
	if chat.Paused {
		blocks = append(blocks, b.txt.ListPaused)
	}
	if chat.Quiet.Enabled() {
		blocks = append(blocks, b.say.ListQuiet(chat.Quiet))
	}
	if chat.MaxPerHour > 0 {
		blocks = append(blocks, b.say.ListLimit(chat.MaxPerHour))
	}
	return b.replyLong(ctx, r.to, b.txt.ListHeader, blocks)
}

func (b *Bot) cmdPause(ctx context.Context, r *cmdReq) error {
	if err := b.store.SetPaused(ctx, r.chat.ID, true); err != nil {
		return fmt.Errorf("bot: pause: %w", err)
	}
	return b.reply(ctx, r.to, b.txt.Paused)
}

func (b *Bot) cmdResume(ctx context.Context, r *cmdReq) error {
	if err := b.store.SetPaused(ctx, r.chat.ID, false); err != nil {
		return fmt.Errorf("bot: resume: %w", err)
	}
	return b.reply(ctx, r.to, b.txt.Resumed)
}

func (b *Bot) cmdStop(ctx context.Context, r *cmdReq) error {
	if err := b.store.DeleteChat(ctx, r.chat.ID); err != nil {
		return fmt.Errorf("bot: stop: %w", err)
	}
	return b.reply(ctx, r.to, b.txt.Stopped)
}

func (b *Bot) cmdQuiet(ctx context.Context, r *cmdReq) error {
	if r.args == "" {
		chat, err := b.store.Chat(ctx, r.chat.ID)
		if err != nil && !errors.Is(err, news.ErrNotFound) {
			return fmt.Errorf("bot: chat: %w", err)
		}
		text := b.txt.QuietUnset
		if chat.Quiet.Enabled() {
			text = b.say.QuietCurrent(chat.Quiet)
		}
		return b.reply(ctx, r.to, text+b.txt.QuietUsage)
	}
	q, off, reason := b.parseQuiet(r.args)
	if reason != "" {
		return b.reply(ctx, r.to, reason)
	}
	if err := b.store.SetQuietHours(ctx, r.chat.ID, q); err != nil {
		return fmt.Errorf("bot: quiet hours: %w", err)
	}
	if off {
		return b.reply(ctx, r.to, b.txt.QuietOff)
	}
	return b.reply(ctx, r.to, b.say.QuietSet(q))
}

func (b *Bot) cmdLimit(ctx context.Context, r *cmdReq) error {
	if r.args == "" {
		chat, err := b.store.Chat(ctx, r.chat.ID)
		if err != nil && !errors.Is(err, news.ErrNotFound) {
			return fmt.Errorf("bot: chat: %w", err)
		}
		text := b.txt.LimitUnset + b.say.LimitBurst(b.burst)
		if chat.MaxPerHour > 0 {
			text = b.say.LimitCurrent(chat.MaxPerHour)
		}
		return b.reply(ctx, r.to, text+b.txt.LimitUsage)
	}
	n, ok := b.parseLimit(r.args)
	if !ok {
		return b.reply(ctx, r.to, b.txt.LimitBad)
	}
	if err := b.store.SetMaxPerHour(ctx, r.chat.ID, n); err != nil {
		return fmt.Errorf("bot: limit: %w", err)
	}
	if n == 0 {
		return b.reply(ctx, r.to, b.txt.LimitOff+b.say.LimitBurst(b.burst))
	}
	return b.reply(ctx, r.to, b.say.LimitSet(n))
}

func (b *Bot) cmdPictures(ctx context.Context, r *cmdReq) error {
	if r.args == "" {
		chat, err := b.store.Chat(ctx, r.chat.ID)
		if err != nil && !errors.Is(err, news.ErrNotFound) {
			return fmt.Errorf("bot: chat: %w", err)
		}
		text := b.txt.PicturesAreOn
		if chat.PicturesOff {
			text = b.txt.PicturesAreOff
		}
		return b.reply(ctx, r.to, text+b.txt.PicturesUsage)
	}
	on, ok := b.parseOnOff(r.args)
	if !ok {
		return b.reply(ctx, r.to, b.txt.PicturesBad+b.txt.PicturesUsage)
	}
	if err := b.store.SetPictures(ctx, r.chat.ID, on); err != nil {
		return fmt.Errorf("bot: pictures: %w", err)
	}
	if on {
		return b.reply(ctx, r.to, b.txt.PicturesOn)
	}
	return b.reply(ctx, r.to, b.txt.PicturesOff)
}

func (b *Bot) cmdLatest(ctx context.Context, r *cmdReq) error {
	slug, header, none := "", b.txt.LatestHeader, b.txt.LatestNone
	if r.args != "" {
		t, ok := b.topics.Lookup(r.args)
		if !ok {
			return b.reply(ctx, r.to, b.txt.UnknownTopic)
		}
		slug, header, none = t.Slug, b.say.LatestTopicHeader(t.Name), b.say.LatestTopicNone(t.Name)
	}
	arts, err := b.store.LatestStories(ctx, slug, listLimit)
	if err != nil {
		return fmt.Errorf("bot: latest: %w", err)
	}
	if len(arts) == 0 {
		return b.reply(ctx, r.to, none)
	}
	return b.replyLong(ctx, r.to, header, b.say.Stories(arts))
}

func (b *Bot) cmdSearch(ctx context.Context, r *cmdReq) error {
	if r.args == "" {
		return b.reply(ctx, r.to, b.txt.SearchUsage)
	}
	query := textcut.Words(stripInvisible(r.args), 100)
	terms := b.terms(query)
	if len(terms) == 0 {
		return b.reply(ctx, r.to, b.txt.SearchNoTerms)
	}
	arts, err := b.store.SearchArticles(ctx, terms, listLimit)
	if err != nil {
		return fmt.Errorf("bot: search: %w", err)
	}
	if len(arts) == 0 {
		return b.reply(ctx, r.to, b.say.SearchNone(query))
	}
	return b.replyLong(ctx, r.to, b.say.SearchHeader(query), b.say.Stories(arts))
}

func (b *Bot) cmdStats(ctx context.Context, r *cmdReq) error {
	if b.stats == nil {
		return b.reply(ctx, r.to, b.txt.Unavailable)
	}
	s, err := b.stats(ctx)
	if err != nil {
		return fmt.Errorf("bot: stats: %w", err)
	}
	return b.reply(ctx, r.to, b.say.Stats(s))
}
