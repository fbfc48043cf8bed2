package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/telegram"
)

// cbSettings is the callback prefix of /settings' buttons: "st:<what>:<value>".
const cbSettings = "st:"

// quietPresets are the quiet hours /settings offers (besides off).
var quietPresets = []news.QuietHours{{From: 22, To: 7}, {From: 23, To: 6}, {From: 0, To: 8}}

// limitPresets are the hourly limits /settings offers (0: off).
var limitPresets = []int{0, 5, 10, 20}

func (b *Bot) cmdSettings(ctx context.Context, r *cmdReq) error {
	chat, err := b.store.Chat(ctx, r.chat.ID)
	if err != nil {
		return fmt.Errorf("bot: chat: %w", err)
	}
	kb := b.settingsKeyboard(chat)
	return b.replyMarkup(ctx, r.to, b.say.Settings(chat), &kb)
}

// settingsKeyboard has a row per setting; the current choice is ticked.
func (b *Bot) settingsKeyboard(c news.Chat) telegram.Keyboard {
	button := func(label string, on bool, data string) telegram.Button {
		if on {
			label = checkMark + label
		}
		return telegram.DataButton(label, cbSettings+data)
	}
	rings := c.Rings
	if rings == "" {
		rings = news.RingBreaking
	}
	var rows [][]telegram.Button
	rows = append(rows, telegram.Row(
		button(b.txt.ButtonRingBreaking, rings == news.RingBreaking, "ring:breaking"),
		button(b.txt.ButtonRingAll, rings == news.RingAll, "ring:all"),
		button(b.txt.ButtonRingNone, rings == news.RingNone, "ring:none"),
	))
	quiet := []telegram.Button{}
	for _, q := range quietPresets {
		quiet = append(quiet, button(b.say.QuietButton(q), c.Quiet == q, fmt.Sprintf("quiet:%d-%d", q.From, q.To)))
	}
	quiet = append(quiet, button(b.txt.ButtonQuietOff, !c.Quiet.Enabled(), "quiet:off"))
	rows = append(rows, quiet)
	limits := []telegram.Button{}
	for _, n := range limitPresets {
		label := b.say.LimitButton(n)
		if n == 0 {
			label = b.txt.ButtonLimitOff
		}
		limits = append(limits, button(label, c.MaxPerHour == n, "limit:"+strconv.Itoa(n)))
	}
	rows = append(rows, limits)
	rows = append(rows, telegram.Row(
		button(b.txt.ButtonPicturesOn, !c.PicturesOff, "pictures:on"),
		button(b.txt.ButtonPicturesOff, c.PicturesOff, "pictures:off"),
	))
	pause := button(b.txt.ButtonPause, false, "pause:on")
	if c.Paused {
		pause = button(b.txt.ButtonResume, false, "pause:off")
	}
	rows = append(rows, telegram.Row(pause))
	return telegram.NewKeyboard(rows...)
}

// changeSetting applies one /settings button and redraws the message in
// place. Data that names no setting of ours changes nothing.
func (b *Bot) changeSetting(ctx context.Context, q *telegram.CallbackQuery, chat news.Chat, arg string) error {
	what, value, _ := strings.Cut(arg, ":")
	var apply func() error
	switch what {
	case "ring":
		m, ok := news.ParseRingMode(value)
		if !ok || value == "" {
			return b.answer(ctx, q.ID, b.txt.StaleButton, false)
		}
		apply = func() error { return b.store.SetRings(ctx, chat.ID, m) }
	case "quiet":
		h, off, reason := b.parseQuiet(value)
		if reason != "" {
			return b.answer(ctx, q.ID, b.txt.StaleButton, false)
		}
		if off {
			h = news.QuietHours{}
		}
		apply = func() error { return b.store.SetQuietHours(ctx, chat.ID, h) }
	case "limit":
		n, ok := b.parseLimit(value)
		if !ok {
			return b.answer(ctx, q.ID, b.txt.StaleButton, false)
		}
		apply = func() error { return b.store.SetMaxPerHour(ctx, chat.ID, n) }
	case "pictures":
		on, ok := b.parseOnOff(value)
		if !ok {
			return b.answer(ctx, q.ID, b.txt.StaleButton, false)
		}
		apply = func() error { return b.store.SetPictures(ctx, chat.ID, on) }
	case "pause":
		on, ok := b.parseOnOff(value)
		if !ok {
			return b.answer(ctx, q.ID, b.txt.StaleButton, false)
		}
		apply = func() error { return b.store.SetPaused(ctx, chat.ID, on) }
	default:
		return b.answer(ctx, q.ID, b.txt.StaleButton, false)
	}
	if ok, err := b.guardCallback(ctx, q, chat); !ok || err != nil {
		return err
	}
	if err := apply(); err != nil {
		return fmt.Errorf("bot: settings %s: %w", what, err)
	}
	now, err := b.store.Chat(ctx, chat.ID)
	if err != nil {
		return fmt.Errorf("bot: chat: %w", err)
	}
	kb := b.settingsKeyboard(now)
	if err := b.replies.Edit(ctx, q.Message.MessageID, telegram.Text{To: news.Target{ChatID: chat.ID}, HTML: b.say.Settings(now), Keyboard: &kb}); err != nil {
		b.log.Warn("bot: redraw settings", "chat", chat.ID, "err", err)
	}
	return b.answer(ctx, q.ID, b.txt.SettingsSaved, false)
}

func (b *Bot) cmdSound(ctx context.Context, r *cmdReq) error {
	if r.args == "" {
		chat, err := b.store.Chat(ctx, r.chat.ID)
		if err != nil {
			return fmt.Errorf("bot: chat: %w", err)
		}
		return b.reply(ctx, r.to, b.say.SoundNow(chat.Rings)+b.txt.SoundUsage)
	}
	m, ok := b.parseRings(r.args)
	if !ok {
		return b.reply(ctx, r.to, b.txt.SoundBad+b.txt.SoundUsage)
	}
	if err := b.store.SetRings(ctx, r.chat.ID, m); err != nil {
		return fmt.Errorf("bot: sound: %w", err)
	}
	return b.reply(ctx, r.to, b.say.SoundNow(m))
}
