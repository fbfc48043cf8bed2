package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
	"unicode"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/ajel-news/ajel/feed"
	"github.com/ajel-news/ajel/internal/textcut"
	"github.com/ajel-news/ajel/news"
)

// listLimit is how many stories /latest and /search show.
const listLimit = 5

// cmdReq is one command being handled.
type cmdReq struct {
	msg  *tgbotapi.Message
	chat news.Chat
	// to is where the command came from and its replies go: the chat and,
	// in a forum supergroup, the topic thread; in a thread, what the
	// command changes or lists is the thread's.
	to      news.Target
	command string // lower-case, without '/' and '@bot'
	args    string
	direct  bool // addressed as /cmd@ourbot
}

// handleRaw handles one update as Telegram sent it (long polling or
// webhook). Updates the bot does not act on (non-text messages, group
// chatter, kinds it did not ask for) are ignored without error. An error
// means a Telegram or storage call failed.
func (b *Bot) handleRaw(ctx context.Context, raw []byte) error {
	var u tgbotapi.Update
	if err := json.Unmarshal(raw, &u); err != nil {
		return fmt.Errorf("bot: read update: %w", err)
	}
	thread := threadOf(raw)
	switch {
	case u.Message != nil:
		return b.handleMessage(ctx, u.Message, thread)
	case u.CallbackQuery != nil:
		return b.handleCallback(ctx, u.CallbackQuery, thread)
	}
	return nil
}

// topicProbe reads what the library's Message lacks (it predates forum
// supergroups): the topic thread a message belongs to.
type topicProbe struct {
	ThreadID int  `json:"message_thread_id"`
	IsTopic  bool `json:"is_topic_message"`
}

func (p *topicProbe) thread() int {
	if p == nil || !p.IsTopic {
		return 0 // a reply thread of an ordinary supergroup is no topic
	}
	return p.ThreadID
}

// threadOf is the forum topic thread an update's message (or the message
// under a pressed button) belongs to; 0 when none.
func threadOf(raw []byte) int {
	var u struct {
		Message       *topicProbe `json:"message"`
		CallbackQuery *struct {
			Message *topicProbe `json:"message"`
		} `json:"callback_query"`
	}
	if json.Unmarshal(raw, &u) != nil {
		return 0
	}
	if u.CallbackQuery != nil {
		return u.CallbackQuery.Message.thread()
	}
	return u.Message.thread()
}

// chatOf describes a Telegram chat for storage.
func chatOf(c *tgbotapi.Chat) news.Chat {
	nc := news.Chat{ID: c.ID, Type: news.ChatType(c.Type), Title: c.Title, Username: c.UserName}
	if nc.Title == "" {
		nc.Title = strings.TrimSpace(c.FirstName + " " + c.LastName)
	}
	return nc
}

// admit is what every message and button press goes through first:
// nothing from a channel is for the bot, a chat that floods it gets one
// notice (through notice) and then nothing for a while, and the chat is
// saved, which also makes a chat that had blocked the bot active again.
func (b *Bot) admit(ctx context.Context, chat news.Chat, notice func(text string) error) (bool, error) {
	if chat.Type == news.ChatChannel {
		return false, nil
	}
	switch b.limiter.check(chat.ID, b.now()) {
	case drop:
		return false, nil
	case warnOnce:
		return false, notice(msgSlowDown)
	}
	if err := b.store.SaveChat(ctx, chat); err != nil {
		return false, fmt.Errorf("bot: save chat: %w", err)
	}
	return true, nil
}

func (b *Bot) handleMessage(ctx context.Context, m *tgbotapi.Message, thread int) error {
	if m.Chat == nil || m.Text == "" {
		return nil // stickers, photos, service messages
	}
	chat := chatOf(m.Chat)
	to := news.Target{ChatID: chat.ID, ThreadID: thread}
	cmd, at, args, isCmd := parseCommand(m.Text)
	if at != "" && !strings.EqualFold(at, b.Username()) {
		return nil // /cmd@otherbot
	}
	if !isCmd && chat.Type.IsGroup() {
		return nil // group chatter is not for us
	}
	ok, err := b.admit(ctx, chat, func(text string) error { return b.reply(ctx, to, text) })
	if !ok || err != nil {
		return err
	}
	if !isCmd {
		return b.reply(ctx, to, msgPlainText)
	}
	r := &cmdReq{msg: m, chat: chat, to: to, command: cmd, args: args, direct: at != ""}
	err = b.route(ctx, r)
	if err != nil && ctx.Err() == nil && !errors.Is(err, errGaveUp) {
		// Tell the reader something went wrong rather than stay silent; the
		// error itself is for the log. (When the reply itself could not
		// get through, another one would not either.)
		if rerr := b.reply(ctx, to, msgInternalError); rerr != nil {
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

// route runs the command through its guards (see command).
func (b *Bot) route(ctx context.Context, r *cmdReq) error {
	c := b.commands[r.command]
	if c == nil {
		if r.chat.Type.IsGroup() && !r.direct {
			// A bare unknown command in a group may be meant for another bot.
			return nil
		}
		return b.reply(ctx, r.to, msgUnknownCommand)
	}
	return c.guarded(r)(b, ctx, r)
}

// reply sends an HTML message without a link preview, paced and retried
// as a reply.
func (b *Bot) reply(ctx context.Context, to news.Target, text string) error {
	return b.replyMarkup(ctx, to, text, nil)
}

func (b *Bot) replyMarkup(ctx context.Context, to news.Target, text string, kb *tgbotapi.InlineKeyboardMarkup) error {
	if _, err := b.sendReply(ctx, message{to: to, text: text, keyboard: kb}); err != nil {
		return fmt.Errorf("bot: reply to %d: %w", to.ChatID, err)
	}
	return nil
}

// replyLong sends blocks joined by blank lines, split into as few messages
// as fit Telegram's limit.
func (b *Bot) replyLong(ctx context.Context, to news.Target, header string, blocks []string) error {
	for _, text := range packMessages(header, blocks, maxMessageLen) {
		if err := b.reply(ctx, to, text); err != nil {
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

func (b *Bot) cmdStart(ctx context.Context, r *cmdReq) error {
	if slug := strings.TrimSpace(r.args); slug != "" {
		if t, ok := b.topics.BySlug(slug); ok {
			// A deep link to a topic subscribes to it, as /subscribe does.
			return groupAdminsOnly(func(b *Bot, ctx context.Context, r *cmdReq) error {
				note, err := b.subscribeTopic(ctx, r.to, t)
				if err != nil {
					return err
				}
				return b.sendTopics(ctx, r.to, note+"\n\n"+msgWelcome)
			})(b, ctx, r)
		}
	}
	return b.sendTopics(ctx, r.to, msgWelcome)
}

func (b *Bot) cmdHelp(ctx context.Context, r *cmdReq) error {
	admin := b.isBotAdmin(r.msg)
	var sb strings.Builder
	sb.WriteString(msgHelpHeader)
	for _, c := range b.table {
		if c.access == everyone {
			writeHelp(&sb, c)
		}
	}
	if admin {
		sb.WriteString(msgHelpAdmin)
		for _, c := range b.table {
			if c.access == botAdmins {
				writeHelp(&sb, c)
			}
		}
	}
	return b.reply(ctx, r.to, sb.String())
}

func writeHelp(sb *strings.Builder, c *command) {
	sb.WriteString("\n/" + c.name)
	if c.args != "" {
		sb.WriteString(" " + esc(c.args))
	}
	sb.WriteString(" — " + esc(c.desc))
}

func (b *Bot) cmdTopics(ctx context.Context, r *cmdReq) error {
	return b.sendTopics(ctx, r.to, msgTopicsPrompt)
}

func (b *Bot) cmdSubscribe(ctx context.Context, r *cmdReq) error {
	if r.args == "" {
		return b.sendTopics(ctx, r.to, msgTopicsPrompt)
	}
	if t, found := b.topics.Lookup(r.args); found {
		text, err := b.subscribeTopic(ctx, r.to, t)
		if err != nil {
			return err
		}
		return b.reply(ctx, r.to, text)
	}
	display, reason := cleanKeyword(r.args)
	if reason != "" {
		return b.reply(ctx, r.to, reason)
	}
	// A keyword of stop words alone would match nearly every story.
	key := b.keyword(display)
	if strings.TrimSpace(key) == "" || len(b.terms(display)) == 0 {
		return b.reply(ctx, r.to, msgKeywordTooShort)
	}
	_, err := b.store.Subscribe(ctx, news.Subscription{ChatID: r.chat.ID, ThreadID: r.to.ThreadID, Kind: news.KindKeyword, Key: key, Display: display})
	text, err := subscribeOutcome(err, display, msgSubscribedKeyword(display))
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
			return b.reply(ctx, r.to, msgMuteUsage)
		}
		names := make([]string, len(mutes))
		for i, m := range mutes {
			names[i] = quote(m.Display)
		}
		return b.reply(ctx, r.to, msgListMutes+strings.Join(names, msgListJoin)+"\n"+msgMuteUsage)
	}
	display, reason := cleanKeyword(r.args)
	if reason == "" && strings.ContainsAny(display, "<>") {
		reason = msgMuteMarkup // words have no tags; it is pasted markup
	}
	if reason != "" {
		return b.reply(ctx, r.to, reason)
	}
	key := b.keyword(display)
	if strings.TrimSpace(key) == "" || len(b.terms(display)) == 0 {
		return b.reply(ctx, r.to, msgMuteTooCommon)
	}
	_, err = b.store.Subscribe(ctx, news.Subscription{ChatID: r.chat.ID, ThreadID: r.to.ThreadID, Kind: news.KindMute, Key: key, Display: display})
	switch {
	case errors.Is(err, news.ErrAlreadyExists):
		return b.reply(ctx, r.to, msgAlreadyMuted(display))
	case errors.Is(err, news.ErrTooManySubscriptions):
		return b.reply(ctx, r.to, msgTooMany(news.MaxSubscriptionsPerChat))
	case err != nil:
		return fmt.Errorf("bot: mute: %w", err)
	}
	text := msgMuted(display)
	for _, s := range all {
		if s.Kind == news.KindKeyword && s.Key == key {
			text += msgMuteWins(s.Display)
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
			return b.reply(ctx, r.to, msgNoMutes)
		}
		kb := b.unsubscribeKeyboard(mutes)
		return b.replyMarkup(ctx, r.to, msgUnmutePrompt, &kb)
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
		return b.reply(ctx, r.to, msgUnmuted(m.Display))
	}
	return b.reply(ctx, r.to, msgNotMuted(echo))
}

// subscribeTopic subscribes a chat (or forum thread) to a catalogue topic
// and says what happened.
func (b *Bot) subscribeTopic(ctx context.Context, to news.Target, t news.Topic) (string, error) {
	_, err := b.store.Subscribe(ctx, news.Subscription{ChatID: to.ChatID, ThreadID: to.ThreadID, Kind: news.KindTopic, Key: t.Slug, Display: t.Name})
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
	all, err := b.store.Subscriptions(ctx, r.to)
	if err != nil {
		return fmt.Errorf("bot: subscriptions: %w", err)
	}
	subs, _ := splitMutes(all) // mutes are /unmute's
	if r.args == "" {
		if len(subs) == 0 {
			return b.reply(ctx, r.to, msgNothingToRemove)
		}
		kb := b.unsubscribeKeyboard(subs)
		return b.replyMarkup(ctx, r.to, msgUnsubscribePrompt, &kb)
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
		return b.reply(ctx, r.to, msgNotSubscribed(echo))
	}
	err = b.store.Unsubscribe(ctx, r.to, want.Kind, want.Key)
	if errors.Is(err, news.ErrNotFound) {
		return b.reply(ctx, r.to, msgNotSubscribed(echo))
	}
	if err != nil {
		return fmt.Errorf("bot: unsubscribe: %w", err)
	}
	return b.reply(ctx, r.to, msgUnsubscribed(want.Display))
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
		return b.reply(ctx, r.to, msgListEmpty)
	}
	var topics, words, mutes []string
	for _, s := range subs {
		if s.Kind == news.KindMute {
			mutes = append(mutes, quote(s.Display))
			continue
		}
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
	if len(mutes) > 0 {
		blocks = append(blocks, msgListMutes+strings.Join(mutes, msgListJoin))
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
	return b.replyLong(ctx, r.to, msgListHeader, blocks)
}

func (b *Bot) cmdPause(ctx context.Context, r *cmdReq) error {
	if err := b.store.SetPaused(ctx, r.chat.ID, true); err != nil {
		return fmt.Errorf("bot: pause: %w", err)
	}
	return b.reply(ctx, r.to, msgPaused)
}

func (b *Bot) cmdResume(ctx context.Context, r *cmdReq) error {
	if err := b.store.SetPaused(ctx, r.chat.ID, false); err != nil {
		return fmt.Errorf("bot: resume: %w", err)
	}
	return b.reply(ctx, r.to, msgResumed)
}

func (b *Bot) cmdStop(ctx context.Context, r *cmdReq) error {
	if err := b.store.DeleteChat(ctx, r.chat.ID); err != nil {
		return fmt.Errorf("bot: stop: %w", err)
	}
	return b.reply(ctx, r.to, msgStopped)
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
		return b.reply(ctx, r.to, text+msgQuietUsage)
	}
	q, off, reason := parseQuiet(r.args)
	if reason != "" {
		return b.reply(ctx, r.to, reason)
	}
	if err := b.store.SetQuietHours(ctx, r.chat.ID, q); err != nil {
		return fmt.Errorf("bot: quiet hours: %w", err)
	}
	if off {
		return b.reply(ctx, r.to, msgQuietOff)
	}
	return b.reply(ctx, r.to, msgQuietSet(q.From, q.To, zone))
}

func (b *Bot) cmdLimit(ctx context.Context, r *cmdReq) error {
	if r.args == "" {
		chat, err := b.store.Chat(ctx, r.chat.ID)
		if err != nil && !errors.Is(err, news.ErrNotFound) {
			return fmt.Errorf("bot: chat: %w", err)
		}
		text := msgLimitUnset + msgLimitBurst(b.burst)
		if chat.MaxPerHour > 0 {
			text = msgLimitCurrent(chat.MaxPerHour)
		}
		return b.reply(ctx, r.to, text+msgLimitUsage)
	}
	n, ok := parseLimit(r.args)
	if !ok {
		return b.reply(ctx, r.to, msgLimitBad)
	}
	if err := b.store.SetMaxPerHour(ctx, r.chat.ID, n); err != nil {
		return fmt.Errorf("bot: limit: %w", err)
	}
	if n == 0 {
		return b.reply(ctx, r.to, msgLimitOff+msgLimitBurst(b.burst))
	}
	return b.reply(ctx, r.to, msgLimitSet(n))
}

func (b *Bot) cmdPictures(ctx context.Context, r *cmdReq) error {
	if r.args == "" {
		chat, err := b.store.Chat(ctx, r.chat.ID)
		if err != nil && !errors.Is(err, news.ErrNotFound) {
			return fmt.Errorf("bot: chat: %w", err)
		}
		text := msgPicturesAreOn
		if chat.PicturesOff {
			text = msgPicturesAreOff
		}
		return b.reply(ctx, r.to, text+msgPicturesUsage)
	}
	on, ok := parseOnOff(r.args)
	if !ok {
		return b.reply(ctx, r.to, msgPicturesBad+msgPicturesUsage)
	}
	if err := b.store.SetPictures(ctx, r.chat.ID, on); err != nil {
		return fmt.Errorf("bot: pictures: %w", err)
	}
	if on {
		return b.reply(ctx, r.to, msgPicturesOn)
	}
	return b.reply(ctx, r.to, msgPicturesOff)
}

// parseOnOff reads an on/off argument, in English or Arabic.
func parseOnOff(s string) (on, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "on", "yes", "تشغيل", "نعم", "إظهار", "اظهار":
		return true, true
	case "off", "no", "إيقاف", "ايقاف", "لا", "إخفاء", "اخفاء":
		return false, true
	}
	return false, false
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
			return b.reply(ctx, r.to, msgUnknownTopic)
		}
		slug, header, none = t.Slug, msgLatestTopicHeader(t.Name), msgLatestTopicNone(t.Name)
	}
	arts, err := b.store.LatestStories(ctx, slug, listLimit)
	if err != nil {
		return fmt.Errorf("bot: latest: %w", err)
	}
	if len(arts) == 0 {
		return b.reply(ctx, r.to, none)
	}
	return b.replyLong(ctx, r.to, header, b.storyBlocks(arts))
}

func (b *Bot) cmdSearch(ctx context.Context, r *cmdReq) error {
	if r.args == "" {
		return b.reply(ctx, r.to, msgSearchUsage)
	}
	query := textcut.Words(stripInvisible(r.args), 100)
	terms := b.terms(query)
	if len(terms) == 0 {
		return b.reply(ctx, r.to, msgSearchNoTerms)
	}
	arts, err := b.store.SearchArticles(ctx, terms, listLimit)
	if err != nil {
		return fmt.Errorf("bot: search: %w", err)
	}
	if len(arts) == 0 {
		return b.reply(ctx, r.to, msgSearchNone(query))
	}
	return b.replyLong(ctx, r.to, msgSearchHeader(query), b.storyBlocks(arts))
}

// storyBlocks renders stories for /latest and /search: title, a short
// summary, source, link and time.
func (b *Bot) storyBlocks(arts []news.Article) []string {
	blocks := make([]string, 0, len(arts))
	for _, a := range arts {
		var sb strings.Builder
		sb.WriteString("• <b>" + esc(isolateMixed(textcut.Words(cleanLine(a.Title), 300))) + "</b>")
		if s := textcut.Words(cleanText(a.Summary), 400); s != "" {
			sb.WriteString("\n" + esc(isolateMixed(s)))
		}
		var meta []string
		if src := cleanLine(a.Source); src != "" {
			meta = append(meta, esc(isolate(textcut.Words(src, 100))))
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

func (b *Bot) cmdStats(ctx context.Context, r *cmdReq) error {
	if b.stats == nil {
		return b.reply(ctx, r.to, msgUnavailable)
	}
	s, err := b.stats(ctx)
	if err != nil {
		return fmt.Errorf("bot: stats: %w", err)
	}
	return b.reply(ctx, r.to, msgStats(s, b.when(s.OldestPending)))
}

// when formats a time in the operator's zone, or "never".
func (b *Bot) when(t time.Time) string {
	if t.IsZero() {
		return msgNever
	}
	return isolate(t.In(b.loc).Format("2006-01-02 15:04"))
}

func (b *Bot) cmdFeeds(ctx context.Context, r *cmdReq) error {
	if b.feeds == nil {
		return b.reply(ctx, r.to, msgUnavailable)
	}
	feeds, err := b.feeds.Feeds(ctx)
	if err != nil {
		return fmt.Errorf("bot: feeds: %w", err)
	}
	if len(feeds) == 0 {
		return b.reply(ctx, r.to, msgFeedsEmpty)
	}
	blocks := make([]string, 0, len(feeds))
	for _, f := range feeds {
		lastErr := ""
		if f.LastError != "" {
			lastErr = esc(textcut.Words(cleanLine(b.redactText(f.LastError)), 300)) + " (" + b.when(f.LastErrorAt) + ")"
		}
		blocks = append(blocks, msgFeedLine(f.ID, textcut.Words(cleanLine(f.Title), 200), textcut.Words(f.URL, 500),
			b.when(f.LastSuccessAt), lastErr, f.Failures)+msgFeedHeld(f.Held)+
			msgFeedPages(f.FullText, f.Pages, esc(textcut.Words(cleanLine(b.redactText(f.LastPageError)), 200)))+msgFeedCountry(f.Country)+
			msgFeedCadence(f.Interval, f.WebSub, b.when(f.WebSub.LeaseUntil), esc(textcut.Words(cleanLine(f.WebSub.Reason), 200))))
	}
	return b.replyLong(ctx, r.to, msgFeedsHeader(len(feeds)), blocks)
}

func (b *Bot) cmdAddFeed(ctx context.Context, r *cmdReq) error {
	if b.feeds == nil {
		return b.reply(ctx, r.to, msgUnavailable)
	}
	if r.args == "" {
		return b.reply(ctx, r.to, msgAddFeedUsage)
	}
	rawURL, opts, refusal := parseFeedArgs(r.args)
	if refusal == "" {
		opts.Country, refusal = b.feedCountry(opts.Country)
	}
	if refusal != "" {
		return b.reply(ctx, r.to, refusal)
	}
	nf := news.Feed{URL: rawURL}
	opts.Apply(&nf)
	f, err := b.feeds.AddFeed(ctx, nf)
	switch {
	case errors.Is(err, news.ErrAlreadyExists) && f.ID != 0:
		if !opts.Apply(&f) {
			return b.reply(ctx, r.to, msgFeedExists(f.ID))
		}
		f, err := b.feeds.SetFeedOptions(ctx, f.ID, opts)
		if err != nil {
			return fmt.Errorf("bot: feed %d options: %w", f.ID, err)
		}
		return b.reply(ctx, r.to, msgFeedOptionsSet(f))
	case err != nil:
		if ctx.Err() != nil {
			return ctx.Err()
		}
		b.log.Info("bot: addfeed refused", "url", rawURL, "err", err)
		return b.reply(ctx, r.to, msgFeedAddFailed(textcut.Words(rawURL, 500), feedRefusal(err)))
	}
	return b.reply(ctx, r.to, msgFeedAdded(f.ID, f.URL)+msgFeedOptions(f))
}

// parseFeedArgs reads "/addfeed <url> [key=value …]" (news.ParseFeedEntry):
// the address, the options given and, for a bad option, the refusal to send.
func parseFeedArgs(args string) (rawURL string, opts news.FeedOptions, refusal string) {
	rawURL, opts, err := news.ParseFeedEntry(args)
	var oe *news.FeedOptionError
	switch {
	case errors.As(err, &oe) && oe.Unknown:
		return "", opts, msgFeedUnknownOption(textcut.Words(cleanLine(oe.Key), 40))
	case errors.As(err, &oe):
		return "", opts, msgFeedBadOption(oe.Key, textcut.Words(cleanLine(oe.Value), 40), oe.Usage)
	case err != nil:
		return "", opts, msgFeedUnclosedQuote
	}
	return rawURL, opts, ""
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
		return "", msgFeedUnknownCountry(textcut.Words(cleanLine(given), 40))
	}
	return t.Slug, ""
}

func (b *Bot) cmdDelFeed(ctx context.Context, r *cmdReq) error {
	if b.feeds == nil {
		return b.reply(ctx, r.to, msgUnavailable)
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(toASCIIDigits(r.args), "#"), 10, 64)
	if err != nil || id <= 0 {
		return b.reply(ctx, r.to, msgDelFeedUsage)
	}
	err = b.feeds.DeleteFeed(ctx, id)
	if errors.Is(err, news.ErrNotFound) {
		return b.reply(ctx, r.to, msgFeedNotFound(id))
	}
	if err != nil {
		return fmt.Errorf("bot: delete feed: %w", err)
	}
	return b.reply(ctx, r.to, msgFeedDeleted(id))
}

// feedRefusal is why /addfeed refused an address, in the admin's words:
// the feed package's reasons, told apart with errors.Is (the English
// error is in the log).
func feedRefusal(err error) string {
	var dns *net.DNSError
	switch {
	case errors.As(err, &dns):
		return msgFeedNoSuchHost(dns.Name)
	case errors.Is(err, feed.ErrPrivateAddress):
		return msgFeedPrivate
	case errors.Is(err, feed.ErrBadURL):
		return msgFeedBadURL
	case errors.Is(err, news.ErrInvalid):
		return msgFeedBadURL
	}
	return msgFeedAddError
}

// redactText removes the token from a text shown to an admin.
func (b *Bot) redactText(s string) string {
	if b.token == "" {
		return s
	}
	return strings.ReplaceAll(s, b.token, "<token>")
}
