package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ajel-news/ajel/bot/render"
	"github.com/ajel-news/ajel/internal/textcut"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/telegram"
)

// Callback data prefixes: "t:<slug>" toggles a topic, "u:<id>" removes a
// subscription. Telegram allows 64 bytes of data.
const (
	cbTopic       = "t:"
	cbUnsubscribe = "u:"
	maxCallback   = 64
	maxLabelFor3  = 14 // characters of "emoji name" that still fit three a row
	checkMark     = "✅ "
)

// topicKeyboard lists every catalogue topic, the chat's ones ticked.
func (b *Bot) topicKeyboard(subs []news.Subscription) (telegram.Keyboard, bool) {
	chosen := map[string]bool{}
	for _, s := range subs {
		if s.Kind == news.KindTopic {
			chosen[s.Key] = true
		}
	}
	all := b.topics.All()
	// Three short names fit a phone's width; longer ones get two a row.
	perRow := 3
	for _, t := range all {
		if utf8.RuneCountInString(t.Emoji+" "+t.Name) > maxLabelFor3 {
			perRow = 2
		}
	}
	var rows [][]telegram.Button
	var row []telegram.Button
	for _, t := range all {
		data := cbTopic + t.Slug
		if len(data) > maxCallback {
			b.log.Warn("bot: topic slug too long for a button", "slug", t.Slug)
			continue
		}
		label := strings.TrimSpace(t.Emoji + " " + t.Name)
		if chosen[t.Slug] {
			label = checkMark + label
		}
		row = append(row, telegram.DataButton(label, data))
		if len(row) == perRow {
			rows = append(rows, row)
			row = nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	return telegram.NewKeyboard(rows...), len(rows) > 0
}

// sendTopics sends text with the topic keyboard, the topics the chat (or
// thread) follows ticked, and below it a link to each topic channel, so a
// reader chooses between a channel and direct messages.
func (b *Bot) sendTopics(ctx context.Context, to news.Target, text string) error {
	subs, err := b.store.Subscriptions(ctx, to)
	if err != nil {
		return fmt.Errorf("bot: subscriptions: %w", err)
	}
	kb, ok := b.topicKeyboard(subs)
	links, err := b.channelButtons(ctx)
	if err != nil {
		b.log.Warn("bot: channel links left out", "err", err)
	}
	if len(links) > 0 {
		kb.InlineKeyboard = append(kb.InlineKeyboard, links...)
		text += "\n\n" + b.txt.ChannelsHint
	}
	if !ok && len(links) == 0 {
		if text == b.txt.TopicsPrompt {
			text = b.txt.TopicsEmpty
		}
		return b.reply(ctx, to, text)
	}
	return b.replyMarkup(ctx, to, text, &kb)
}

// channelButtons links to every topic channel that is on and public, two
// a row.
func (b *Bot) channelButtons(ctx context.Context) ([][]telegram.Button, error) {
	chs, err := b.store.Channels(ctx)
	if err != nil {
		return nil, fmt.Errorf("bot: channels: %w", err)
	}
	var rows [][]telegram.Button
	var row []telegram.Button
	for _, ch := range chs {
		if !ch.Enabled || ch.Link() == "" {
			continue
		}
		row = append(row, telegram.URLButton(b.say.ChannelButton(b.channelTopicName(ch.Topic)), ch.Link()))
		if len(row) == 2 {
			rows, row = append(rows, row), nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	return rows, nil
}

// unsubscribeKeyboard has one button per subscription, a row each.
func (b *Bot) unsubscribeKeyboard(subs []news.Subscription) telegram.Keyboard {
	rows := make([][]telegram.Button, 0, len(subs))
	for _, s := range subs {
		label := b.say.RemoveButton(s.Display)
		if s.Kind == news.KindMute {
			label = b.say.UnmuteButton(s.Display)
		} else if s.Kind == news.KindTopic {
			if t, ok := b.topics.BySlug(s.Key); ok {
				label = strings.TrimSpace(b.say.RemoveButton(t.Emoji + " " + t.Name))
			}
		} else {
			label = b.say.RemoveWordButton(s.Display)
		}
		data := cbUnsubscribe + strconv.FormatInt(s.ID, 10)
		rows = append(rows, telegram.Row(telegram.DataButton(label, data)))
	}
	return telegram.NewKeyboard(rows...)
}

func (b *Bot) handleCallback(ctx context.Context, q *telegram.CallbackQuery) error {
	if q.Message == nil && q.InlineMessageID != "" {
		return b.handleInlineCallback(ctx, q)
	}
	if q.Message == nil || q.Message.Chat == nil || q.From == nil || q.Message.Chat.Type == string(news.ChatChannel) {
		// A button in a channel, or of no message: nothing of ours.
		return b.answer(ctx, q.ID, b.txt.StaleButton, false)
	}
	chat := telegram.ChatOf(q.Message.Chat)
	to := news.Target{ChatID: chat.ID, ThreadID: q.Message.Thread()}
	kind, arg, _ := strings.Cut(q.Data, ":")
	key := bucketKey{chat: chat.ID, user: q.From.ID}
	if kind+":" == cbSettings {
		key.settings = b.mayAdminister(ctx, chat, q.From.ID)
	}
	ok, err := b.admit(ctx, chat, key, func(text string) error { return b.answer(ctx, q.ID, render.StripTags(text), true) })
	if !ok || err != nil {
		return err
	}
	switch kind + ":" {
	case cbTopic:
		t, ok := b.topics.BySlug(arg)
		if !ok {
			return b.answer(ctx, q.ID, b.txt.StaleButton, false)
		}
		return b.toggleTopic(ctx, q, chat, to, t)
	case cbUnsubscribe:
		id, err := strconv.ParseInt(arg, 10, 64)
		if err != nil || id <= 0 {
			return b.answer(ctx, q.ID, b.txt.StaleButton, false)
		}
		return b.removeByID(ctx, q, chat, to, id)
	case cbSettings:
		return b.changeSetting(ctx, q, chat, arg)
	case cbFollow:
		return b.follow(ctx, q, chat, to, arg)
	case cbUnfollow:
		return b.unfollow(ctx, q, chat, to, arg)
	case cbCompare:
		return b.compare(ctx, q, to, arg)
	case cbFeedPick:
		return b.pickFeed(ctx, q, to, arg)
	case cbFeedsPage:
		if !b.admins[q.From.ID] {
			return b.answer(ctx, q.ID, render.StripTags(b.txt.NotBotAdmin), true)
		}
		return b.turnFeedsPage(ctx, q, to, arg)
	}
	return b.answer(ctx, q.ID, b.txt.StaleButton, false)
}

// guardCallback answers with a refusal and returns false when the user who
// pressed may not change the chat's subscriptions.
func (b *Bot) guardCallback(ctx context.Context, q *telegram.CallbackQuery, chat news.Chat) (bool, error) {
	ok, err := b.mayChange(ctx, chat, q.From.ID)
	if err != nil {
		if aerr := b.answer(ctx, q.ID, render.StripTags(b.txt.InternalError), false); aerr != nil {
			b.log.Warn("bot: answer callback", "err", aerr)
		}
		return false, err
	}
	if !ok {
		return false, b.answer(ctx, q.ID, b.txt.NotGroupAdmin, true)
	}
	return true, nil
}

func (b *Bot) toggleTopic(ctx context.Context, q *telegram.CallbackQuery, chat news.Chat, to news.Target, t news.Topic) error {
	if ok, err := b.guardCallback(ctx, q, chat); !ok || err != nil {
		return err
	}
	subs, err := b.store.Subscriptions(ctx, to)
	if err != nil {
		return fmt.Errorf("bot: subscriptions: %w", err)
	}
	has := false
	for _, s := range subs {
		if s.Kind == news.KindTopic && s.Key == t.Slug {
			has = true
		}
	}
	var note string
	alert := false
	if has {
		err = b.store.Unsubscribe(ctx, to, news.KindTopic, t.Slug)
		if err != nil && !errors.Is(err, news.ErrNotFound) {
			return fmt.Errorf("bot: unsubscribe: %w", err)
		}
		note = b.say.AnswerUnsubscribed(t.Name)
	} else {
		_, err = b.store.Subscribe(ctx, news.Subscription{ChatID: chat.ID, ThreadID: to.ThreadID, Kind: news.KindTopic, Key: t.Slug, Display: t.Name})
		switch {
		case err == nil, errors.Is(err, news.ErrAlreadyExists):
			note = b.say.AnswerSubscribed(t.Name)
		case errors.Is(err, news.ErrTooManySubscriptions):
			note, alert = render.StripTags(b.say.TooMany(news.MaxSubscriptionsPerChat)), true
		default:
			return fmt.Errorf("bot: subscribe: %w", err)
		}
	}
	if subs, err = b.store.Subscriptions(ctx, to); err != nil {
		return fmt.Errorf("bot: subscriptions: %w", err)
	}
	if kb, ok := b.topicKeyboard(subs); ok {
		if links, err := b.channelButtons(ctx); err == nil {
			kb.InlineKeyboard = append(kb.InlineKeyboard, links...) // as sendTopics drew it
		}
		if err := b.editKeyboard(ctx, chat.ID, q.Message.MessageID, kb); err != nil {
			b.log.Warn("bot: update topic keyboard", "chat", chat.ID, "err", err)
		}
	}
	return b.answer(ctx, q.ID, note, alert)
}

func (b *Bot) removeByID(ctx context.Context, q *telegram.CallbackQuery, chat news.Chat, to news.Target, id int64) error {
	subs, err := b.store.Subscriptions(ctx, to)
	if err != nil {
		return fmt.Errorf("bot: subscriptions: %w", err)
	}
	var target *news.Subscription
	for i := range subs {
		if subs[i].ID == id {
			target = &subs[i]
			break
		}
	}
	if target == nil {
		// Already removed, or an id from another chat: change nothing.
		return b.answer(ctx, q.ID, b.txt.StaleButton, false)
	}
	if ok, err := b.guardCallback(ctx, q, chat); !ok || err != nil {
		return err
	}
	if err := b.store.Unsubscribe(ctx, to, target.Kind, target.Key); err != nil && !errors.Is(err, news.ErrNotFound) {
		return fmt.Errorf("bot: unsubscribe: %w", err)
	}
	// The keyboard was /unmute's or /unsubscribe's: what is left of its kind.
	left := make([]news.Subscription, 0, len(subs))
	for _, s := range subs {
		if s.ID != id && (s.Kind == news.KindMute) == (target.Kind == news.KindMute) {
			left = append(left, s)
		}
	}
	var eerr error
	noneLeft, done := b.txt.NoneLeft, b.say.AnswerUnsubscribed(target.Display)
	if target.Kind == news.KindMute {
		noneLeft, done = b.txt.NoMutesLeft, b.say.AnswerUnmuted(target.Display)
	}
	if len(left) == 0 {
		eerr = b.replies.Edit(ctx, q.Message.MessageID, telegram.Text{To: news.Target{ChatID: chat.ID}, HTML: noneLeft})
	} else {
		eerr = b.editKeyboard(ctx, chat.ID, q.Message.MessageID, b.unsubscribeKeyboard(left))
	}
	if eerr != nil {
		b.log.Warn("bot: update unsubscribe keyboard", "chat", chat.ID, "err", eerr)
	}
	return b.answer(ctx, q.ID, done, false)
}

func (b *Bot) editKeyboard(ctx context.Context, chatID int64, messageID int, kb telegram.Keyboard) error {
	if err := b.replies.EditKeyboard(ctx, chatID, messageID, kb); err != nil {
		return fmt.Errorf("bot: edit keyboard: %w", err)
	}
	return nil
}

// answer answers a callback query (so the button stops spinning) with a
// short plain-text note, or an alert the reader must dismiss.
func (b *Bot) answer(ctx context.Context, id, text string, alert bool) error {
	if err := b.replies.Answer(ctx, id, textcut.Words(text, 200), alert); err != nil {
		return fmt.Errorf("bot: answer callback: %w", err)
	}
	return nil
}
