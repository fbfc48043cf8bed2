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
	kb := settingsKeyboard(chat)
	return b.replyMarkup(ctx, r.to, b.settingsText(chat), &kb)
}

// settingsText says the chat's settings now, and the command of each.
func (b *Bot) settingsText(c news.Chat) string {
	quiet := msgSettingsQuietOff
	if c.Quiet.Enabled() {
		quiet = fmt.Sprintf("%02d:00–%02d:00 (%s)", c.Quiet.From, c.Quiet.To, esc(b.loc.String()))
	}
	limit := msgSettingsLimitOff
	if c.MaxPerHour > 0 {
		limit = countStories(c.MaxPerHour) + " في الساعة"
	}
	pictures := msgSettingsPicturesOn
	if c.PicturesOff {
		pictures = msgSettingsPicturesOff
	}
	state := msgSettingsRunning
	if c.Paused {
		state = msgSettingsPaused
	}
	return msgSettings(ringName(c.Rings), quiet, limit, pictures, state)
}

func ringName(m news.RingMode) string {
	switch m {
	case news.RingAll:
		return msgRingAll
	case news.RingNone:
		return msgRingNone
	}
	return msgRingBreaking
}

// settingsKeyboard has a row per setting; the current choice is ticked.
func settingsKeyboard(c news.Chat) telegram.Keyboard {
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
		button("🔔 العاجل", rings == news.RingBreaking, "ring:breaking"),
		button("🔔 الكل", rings == news.RingAll, "ring:all"),
		button("🔕 لا شيء", rings == news.RingNone, "ring:none"),
	))
	quiet := []telegram.Button{}
	for _, q := range quietPresets {
		quiet = append(quiet, button(fmt.Sprintf("🌙 %d–%d", q.From, q.To), c.Quiet == q, fmt.Sprintf("quiet:%d-%d", q.From, q.To)))
	}
	quiet = append(quiet, button("🌙 بلا", !c.Quiet.Enabled(), "quiet:off"))
	rows = append(rows, quiet)
	limits := []telegram.Button{}
	for _, n := range limitPresets {
		label := "⏱ " + strconv.Itoa(n)
		if n == 0 {
			label = "⏱ بلا حد"
		}
		limits = append(limits, button(label, c.MaxPerHour == n, "limit:"+strconv.Itoa(n)))
	}
	rows = append(rows, limits)
	rows = append(rows, telegram.Row(
		button("🖼 بالصور", !c.PicturesOff, "pictures:on"),
		button("🖼 بلا صور", c.PicturesOff, "pictures:off"),
	))
	pause := button("⏸ إيقاف مؤقت", false, "pause:on")
	if c.Paused {
		pause = button("▶️ استئناف", false, "pause:off")
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
			return b.answer(ctx, q.ID, msgStaleButton, false)
		}
		apply = func() error { return b.store.SetRings(ctx, chat.ID, m) }
	case "quiet":
		h, off, reason := parseQuiet(value)
		if reason != "" {
			return b.answer(ctx, q.ID, msgStaleButton, false)
		}
		if off {
			h = news.QuietHours{}
		}
		apply = func() error { return b.store.SetQuietHours(ctx, chat.ID, h) }
	case "limit":
		n, ok := parseLimit(value)
		if !ok {
			return b.answer(ctx, q.ID, msgStaleButton, false)
		}
		apply = func() error { return b.store.SetMaxPerHour(ctx, chat.ID, n) }
	case "pictures":
		on, ok := parseOnOff(value)
		if !ok {
			return b.answer(ctx, q.ID, msgStaleButton, false)
		}
		apply = func() error { return b.store.SetPictures(ctx, chat.ID, on) }
	case "pause":
		on, ok := parseOnOff(value)
		if !ok {
			return b.answer(ctx, q.ID, msgStaleButton, false)
		}
		apply = func() error { return b.store.SetPaused(ctx, chat.ID, on) }
	default:
		return b.answer(ctx, q.ID, msgStaleButton, false)
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
	kb := settingsKeyboard(now)
	if err := b.replies.Edit(ctx, q.Message.MessageID, telegram.Text{To: news.Target{ChatID: chat.ID}, HTML: b.settingsText(now), Keyboard: &kb}); err != nil {
		b.log.Warn("bot: redraw settings", "chat", chat.ID, "err", err)
	}
	return b.answer(ctx, q.ID, msgSettingsSaved, false)
}

func (b *Bot) cmdSound(ctx context.Context, r *cmdReq) error {
	if r.args == "" {
		chat, err := b.store.Chat(ctx, r.chat.ID)
		if err != nil {
			return fmt.Errorf("bot: chat: %w", err)
		}
		return b.reply(ctx, r.to, msgSoundNow(ringName(chat.Rings))+msgSoundUsage)
	}
	var m news.RingMode
	switch strings.ToLower(strings.TrimSpace(r.args)) {
	case "breaking", "عاجل", "العاجل":
		m = news.RingBreaking
	case "all", "الكل", "كل":
		m = news.RingAll
	case "none", "off", "لا شيء", "لاشيء":
		m = news.RingNone
	default:
		return b.reply(ctx, r.to, msgSoundBad+msgSoundUsage)
	}
	if err := b.store.SetRings(ctx, r.chat.ID, m); err != nil {
		return fmt.Errorf("bot: sound: %w", err)
	}
	return b.reply(ctx, r.to, msgSoundNow(ringName(m)))
}
