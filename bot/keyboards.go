package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/ajel-news/ajel/internal/textcut"
	"github.com/ajel-news/ajel/news"
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
func (b *Bot) topicKeyboard(subs []news.Subscription) (tgbotapi.InlineKeyboardMarkup, bool) {
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
	var rows [][]tgbotapi.InlineKeyboardButton
	var row []tgbotapi.InlineKeyboardButton
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
		row = append(row, tgbotapi.NewInlineKeyboardButtonData(label, data))
		if len(row) == perRow {
			rows = append(rows, row)
			row = nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	return tgbotapi.NewInlineKeyboardMarkup(rows...), len(rows) > 0
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
		text += "\n\n" + msgChannelsHint
	}
	if !ok && len(links) == 0 {
		if text == msgTopicsPrompt {
			text = msgTopicsEmpty
		}
		return b.reply(ctx, to, text)
	}
	return b.replyMarkup(ctx, to, text, &kb)
}

// channelButtons links to every topic channel that is on and public, two
// a row.
func (b *Bot) channelButtons(ctx context.Context) ([][]tgbotapi.InlineKeyboardButton, error) {
	chs, err := b.store.Channels(ctx)
	if err != nil {
		return nil, fmt.Errorf("bot: channels: %w", err)
	}
	var rows [][]tgbotapi.InlineKeyboardButton
	var row []tgbotapi.InlineKeyboardButton
	for _, ch := range chs {
		if !ch.Enabled || ch.Link() == "" {
			continue
		}
		row = append(row, tgbotapi.NewInlineKeyboardButtonURL(msgChannelButton(b.channelTopicName(ch.Topic)), ch.Link()))
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
func (b *Bot) unsubscribeKeyboard(subs []news.Subscription) tgbotapi.InlineKeyboardMarkup {
	rows := make([][]tgbotapi.InlineKeyboardButton, 0, len(subs))
	for _, s := range subs {
		label := "❌ " + s.Display
		if s.Kind == news.KindMute {
			label = "🔈 «" + s.Display + "»"
		} else if s.Kind == news.KindTopic {
			if t, ok := b.topics.BySlug(s.Key); ok {
				label = strings.TrimSpace("❌ " + t.Emoji + " " + t.Name)
			}
		} else {
			label = "❌ «" + s.Display + "»"
		}
		data := cbUnsubscribe + strconv.FormatInt(s.ID, 10)
		rows = append(rows, tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData(label, data)))
	}
	return tgbotapi.NewInlineKeyboardMarkup(rows...)
}

func (b *Bot) handleCallback(ctx context.Context, q *tgbotapi.CallbackQuery, thread int) error {
	if q.Message == nil || q.Message.Chat == nil || q.From == nil || q.Message.Chat.Type == string(news.ChatChannel) {
		// A button under an inline-mode message or in a channel: nothing of ours.
		return b.answer(ctx, q.ID, msgStaleButton, false)
	}
	chat := chatOf(q.Message.Chat)
	to := news.Target{ChatID: chat.ID, ThreadID: thread}
	kind, arg, _ := strings.Cut(q.Data, ":")
	key := bucketKey{chat: chat.ID, user: q.From.ID}
	if kind+":" == cbSettings {
		key.settings = b.mayAdminister(ctx, chat, q.From.ID)
	}
	ok, err := b.admit(ctx, chat, key, func(text string) error { return b.answer(ctx, q.ID, stripTags(text), true) })
	if !ok || err != nil {
		return err
	}
	switch kind + ":" {
	case cbTopic:
		t, ok := b.topics.BySlug(arg)
		if !ok {
			return b.answer(ctx, q.ID, msgStaleButton, false)
		}
		return b.toggleTopic(ctx, q, chat, to, t)
	case cbUnsubscribe:
		id, err := strconv.ParseInt(arg, 10, 64)
		if err != nil || id <= 0 {
			return b.answer(ctx, q.ID, msgStaleButton, false)
		}
		return b.removeByID(ctx, q, chat, to, id)
	case cbSettings:
		return b.changeSetting(ctx, q, chat, arg)
	case cbFollow:
		return b.follow(ctx, q, chat, to, arg)
	case cbUnfollow:
		return b.unfollow(ctx, q, chat, to, arg)
	}
	return b.answer(ctx, q.ID, msgStaleButton, false)
}

// guardCallback answers with a refusal and returns false when the user who
// pressed may not change the chat's subscriptions.
func (b *Bot) guardCallback(ctx context.Context, q *tgbotapi.CallbackQuery, chat news.Chat) (bool, error) {
	ok, err := b.mayChange(ctx, chat, q.From.ID)
	if err != nil {
		if aerr := b.answer(ctx, q.ID, stripTags(msgInternalError), false); aerr != nil {
			b.log.Warn("bot: answer callback", "err", aerr)
		}
		return false, err
	}
	if !ok {
		return false, b.answer(ctx, q.ID, msgNotGroupAdmin, true)
	}
	return true, nil
}

func (b *Bot) toggleTopic(ctx context.Context, q *tgbotapi.CallbackQuery, chat news.Chat, to news.Target, t news.Topic) error {
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
		if err != nil && !isNotFound(err) {
			return fmt.Errorf("bot: unsubscribe: %w", err)
		}
		note = cbUnsubscribed(t.Name)
	} else {
		_, err = b.store.Subscribe(ctx, news.Subscription{ChatID: chat.ID, ThreadID: to.ThreadID, Kind: news.KindTopic, Key: t.Slug, Display: t.Name})
		switch {
		case err == nil, isAlreadyExists(err):
			note = cbSubscribed(t.Name)
		case isTooMany(err):
			note, alert = stripTags(msgTooMany(news.MaxSubscriptionsPerChat)), true
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

func (b *Bot) removeByID(ctx context.Context, q *tgbotapi.CallbackQuery, chat news.Chat, to news.Target, id int64) error {
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
		return b.answer(ctx, q.ID, msgStaleButton, false)
	}
	if ok, err := b.guardCallback(ctx, q, chat); !ok || err != nil {
		return err
	}
	if err := b.store.Unsubscribe(ctx, to, target.Kind, target.Key); err != nil && !isNotFound(err) {
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
	noneLeft, done := msgNoneLeft, cbUnsubscribed(target.Display)
	if target.Kind == news.KindMute {
		noneLeft, done = msgNoMutesLeft, cbUnmuted(target.Display)
	}
	if len(left) == 0 {
		edit := tgbotapi.NewEditMessageText(chat.ID, q.Message.MessageID, noneLeft)
		edit.ParseMode = tgbotapi.ModeHTML
		_, eerr = b.replyRequest(ctx, edit)
	} else {
		eerr = b.editKeyboard(ctx, chat.ID, q.Message.MessageID, b.unsubscribeKeyboard(left))
	}
	if eerr != nil && !isNotModified(eerr) {
		b.log.Warn("bot: update unsubscribe keyboard", "chat", chat.ID, "err", eerr)
	}
	return b.answer(ctx, q.ID, done, false)
}

func (b *Bot) editKeyboard(ctx context.Context, chatID int64, messageID int, kb tgbotapi.InlineKeyboardMarkup) error {
	_, err := b.replyRequest(ctx, tgbotapi.NewEditMessageReplyMarkup(chatID, messageID, kb))
	if err != nil && !isNotModified(err) {
		return fmt.Errorf("bot: edit keyboard: %w", err)
	}
	return nil
}

// answer answers a callback query (so the button stops spinning) with a
// short plain-text note, or an alert the reader must dismiss.
func (b *Bot) answer(ctx context.Context, id, text string, alert bool) error {
	cfg := tgbotapi.NewCallback(id, textcut.Words(text, 200))
	cfg.ShowAlert = alert
	if _, err := b.replyRequest(ctx, cfg); err != nil {
		return fmt.Errorf("bot: answer callback: %w", err)
	}
	return nil
}
