package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ajel-news/ajel/bot/render"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/telegram"
)

// Why a chat cannot be a topic channel (ResolveChannel); the messages are
// for an operator's log or CHANNELS error, the admins see Arabic ones.
var (
	ErrChannelNotFound = errors.New("no such chat is known to Telegram: check the @username or the id, and that the bot was added to the channel")
	ErrNotAChannel     = errors.New("the chat is not a channel")
	ErrCannotPost      = errors.New("the bot is not an administrator of the channel allowed to post messages")
)

// ResolveChannel finds the channel ref names (@username or a -100… id)
// and checks that the bot may post there: it must be a channel and the
// bot an administrator with the right to post. Errors wrap
// ErrChannelNotFound, ErrNotAChannel or ErrCannotPost, or are Telegram
// being unreachable.
func (b *Bot) ResolveChannel(ctx context.Context, ref string) (news.Channel, error) {
	ref = strings.TrimSpace(ref)
	lookup := ref
	if _, err := strconv.ParseInt(ref, 10, 64); err != nil {
		lookup = "@" + strings.TrimPrefix(ref, "@")
	}
	chat, err := b.tg.Chat(ctx, lookup)
	if err != nil {
		var te *telegram.Error
		if errors.As(err, &te) && (te.BadRequest() || te.Forbidden()) {
			return news.Channel{}, fmt.Errorf("bot: channel %s: %w (%s)", ref, ErrChannelNotFound, te.Description)
		}
		return news.Channel{}, fmt.Errorf("bot: channel %s: getChat: %w", ref, err)
	}
	if chat.Type != string(news.ChatChannel) {
		return news.Channel{}, fmt.Errorf("bot: channel %s: %w (it is a %s chat)", ref, ErrNotAChannel, chat.Type)
	}
	me, _ := b.tg.Self()
	member, err := b.tg.Member(ctx, chat.ID, me.ID)
	if err != nil {
		var te *telegram.Error
		if errors.As(err, &te) && (te.BadRequest() || te.Forbidden()) {
			return news.Channel{}, fmt.Errorf("bot: channel %s: %w (%s)", ref, ErrCannotPost, te.Description)
		}
		return news.Channel{}, fmt.Errorf("bot: channel %s: getChatMember: %w", ref, err)
	}
	if !member.IsCreator() && !(member.IsAdministrator() && member.CanPostMessages) {
		return news.Channel{}, fmt.Errorf("bot: channel %s: %w (its status there is %s)", ref, ErrCannotPost, member.Status)
	}
	return news.Channel{ChatID: chat.ID, Username: chat.UserName, Title: chat.Title}, nil
}

// ChannelTopic finds what a channel mapping is for: a catalogue topic by
// its slug or name, or every breaking story ("breaking", or one of the
// catalogue's BreakingWords).
func (b *Bot) ChannelTopic(text string) (slug, display string, ok bool) {
	if oneOf(text, b.txt.BreakingWords, news.BreakingChannel) {
		return news.BreakingChannel, "", true
	}
	if t, found := b.topics.BySlug(strings.ToLower(strings.TrimSpace(text))); found {
		return t.Slug, t.Name, true
	}
	if t, found := b.topics.Lookup(text); found {
		return t.Slug, t.Name, true
	}
	return "", "", false
}

// channelTopicName is how readers and admins see a mapping's topic.
func (b *Bot) channelTopicName(slug string) string {
	if slug == news.BreakingChannel {
		return b.txt.BreakingTopic
	}
	if t, ok := b.topics.BySlug(slug); ok {
		return t.Name
	}
	return slug
}

// cmdChannel is /channel: list the topic channels, add one, delete one.
func (b *Bot) cmdChannel(ctx context.Context, r *cmdReq) error {
	verb, rest, _ := strings.Cut(strings.TrimSpace(r.args), " ")
	rest = strings.TrimSpace(rest)
	switch strings.ToLower(verb) {
	case "", "list":
		return b.listChannels(ctx, r)
	case "add":
		ref, topic, _ := strings.Cut(rest, " ")
		if ref == "" || strings.TrimSpace(topic) == "" {
			return b.reply(ctx, r.to, b.txt.ChannelUsage)
		}
		return b.addChannel(ctx, r, ref, topic)
	case "del", "delete", "remove", "rm":
		if rest == "" || strings.Contains(rest, " ") {
			return b.reply(ctx, r.to, b.txt.ChannelUsage)
		}
		return b.deleteChannel(ctx, r, rest)
	}
	return b.reply(ctx, r.to, b.txt.ChannelUsage)
}

func (b *Bot) listChannels(ctx context.Context, r *cmdReq) error {
	chs, err := b.store.Channels(ctx)
	if err != nil {
		return fmt.Errorf("bot: channels: %w", err)
	}
	if len(chs) == 0 {
		return b.reply(ctx, r.to, b.txt.ChannelsNone+"\n\n"+b.txt.ChannelUsage)
	}
	blocks := make([]string, 0, len(chs))
	for _, ch := range chs {
		blocks = append(blocks, b.say.ChannelLine(b.channelTopicName(ch.Topic), channelName(ch), ch.FromConfig, ch.Enabled,
			b.tg.Redact(ch.Reason)))
	}
	return b.replyLong(ctx, r.to, b.txt.ChannelsHeader, blocks)
}

func (b *Bot) addChannel(ctx context.Context, r *cmdReq, ref, topic string) error {
	slug, display, ok := b.ChannelTopic(topic)
	if !ok {
		return b.reply(ctx, r.to, b.txt.UnknownTopic)
	}
	ch, err := b.ResolveChannel(ctx, ref)
	switch {
	case errors.Is(err, ErrChannelNotFound):
		return b.reply(ctx, r.to, b.say.ChannelNotFound(ref))
	case errors.Is(err, ErrNotAChannel):
		return b.reply(ctx, r.to, b.say.NotAChannel(ref))
	case errors.Is(err, ErrCannotPost):
		return b.reply(ctx, r.to, b.say.ChannelNoRights(ref))
	case err != nil:
		return err
	}
	ch.Topic, ch.Display = slug, display
	if err := b.store.SetChannel(ctx, ch); err != nil {
		return fmt.Errorf("bot: add channel: %w", err)
	}
	b.log.Info("bot: topic channel added", "topic", slug, "channel", ch.ChatID, "by", r.msg.From.ID)
	return b.reply(ctx, r.to, b.say.ChannelAdded(b.channelTopicName(slug), channelName(ch)))
}

func (b *Bot) deleteChannel(ctx context.Context, r *cmdReq, ref string) error {
	chs, err := b.store.Channels(ctx)
	if err != nil {
		return fmt.Errorf("bot: channels: %w", err)
	}
	var target *news.Channel
	id, numeric := strconv.ParseInt(ref, 10, 64)
	for i, ch := range chs {
		if numeric == nil && ch.ChatID == id || ch.Username != "" && strings.EqualFold(ch.Username, strings.TrimPrefix(ref, "@")) {
			target = &chs[i]
			break
		}
	}
	if target == nil {
		return b.reply(ctx, r.to, b.say.ChannelNotMapped(ref))
	}
	n, err := b.store.DeleteChannel(ctx, target.ChatID)
	if errors.Is(err, news.ErrNotFound) {
		return b.reply(ctx, r.to, b.say.ChannelNotMapped(ref))
	}
	if err != nil {
		return fmt.Errorf("bot: delete channel: %w", err)
	}
	return b.reply(ctx, r.to, b.say.ChannelDeleted(channelName(*target), n))
}

// channelName is how a channel is named to admins: @username, or its
// title and id when private.
func channelName(ch news.Channel) string {
	if ch.Username != "" {
		return "@" + ch.Username
	}
	if ch.Title != "" {
		return ch.Title + " (" + strconv.FormatInt(ch.ChatID, 10) + ")"
	}
	return strconv.FormatInt(ch.ChatID, 10)
}

// ChannelLost tells every bot admin that a topic channel refused a post:
// its mappings are off until one of them adds it again.
func (b *Bot) ChannelLost(ctx context.Context, chatID int64, reason string) {
	chs, err := b.store.Channels(ctx)
	if err != nil {
		b.log.Error("bot: channel lost: read channels", "channel", chatID, "err", err)
	}
	name, topics := strconv.FormatInt(chatID, 10), []string{}
	for _, ch := range chs {
		if ch.ChatID == chatID {
			name = channelName(ch)
			topics = append(topics, b.channelTopicName(ch.Topic))
		}
	}
	text := b.say.ChannelLost(name, topics, b.tg.Redact(reason))
	b.tellAdmins(ctx, text)
}

// ThreadMoved tells a forum group, in its main thread, that the topic
// thread that followed the news was deleted and its pushes come here now.
func (b *Bot) ThreadMoved(ctx context.Context, chatID int64, threadID int) {
	if err := b.reply(ctx, news.Target{ChatID: chatID}, b.txt.ThreadMoved); err != nil {
		b.log.Warn("bot: tell a group its topic thread moved", "chat", chatID, "thread", threadID, "err", err)
	}
}

// tellAdmins sends text to every bot admin in a private chat (an admin who
// never opened the bot cannot get it: logged).
func (b *Bot) tellAdmins(ctx context.Context, text string) {
	ids := make([]int64, 0, len(b.admins))
	for id := range b.admins {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	if len(ids) == 0 {
		b.log.Warn("bot: nobody to tell (ADMIN_IDS is empty)", "notice", render.StripTags(text))
	}
	for _, id := range ids {
		if err := b.reply(ctx, news.Target{ChatID: id}, text); err != nil {
			b.log.Warn("bot: tell an admin", "admin", id, "err", err)
		}
	}
}
