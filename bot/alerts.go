package bot

import (
	"context"
	"slices"
	"time"

	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/telegram"
)

// The alerts' side of the bot: the words of an alert and one attempt to
// send it to an admin. What to tell and when, and the retries, are the
// alerts' (package alert); the pace is the one rate budget's.

// Admins are the ADMIN_IDS, in order: who alerts go to.
func (b *Bot) Admins() []int64 {
	ids := make([]int64, 0, len(b.admins))
	for id := range b.admins {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// AlertText is the message telling admins the problems that started and
// those that ended at a check made at now, free of the bot's token.
func (b *Bot) AlertText(started, ended []news.Alert, now time.Time) string {
	return b.tg.Redact(b.say.Alerts(started, ended, now))
}

// SendAlert makes one attempt to send an alert to an admin's private
// chat and returns Telegram's id of the message; a refusal is a
// *news.SendError (a 429 with its retry_after, a 403 of an admin who
// blocked the bot or never opened it).
func (b *Bot) SendAlert(ctx context.Context, chatID int64, html string) (int, error) {
	id, err := b.tg.Send(ctx, telegram.Text{To: news.Target{ChatID: chatID}, HTML: html})
	return id, telegram.SendError(err)
}
