package bot

import (
	"context"
	"errors"
	"strconv"

	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/telegram"
)

// The delivery worker's side of the bot: each renders what it is given
// and hands it to the transport. Send, EditPush and SendDigest make one
// attempt (the worker paces pushes and decides about retries); SendUpdate
// goes as a reply. A refusal is a *news.SendError saying what the worker
// should do; the token never appears in it.

// Send pushes a story to a chat, or a forum topic thread of one: HTML, the
// story's picture as a large preview above the text when p.Image is set
// (no preview otherwise), silent when p.Silent, with allow_paid_broadcast
// when p.Paid. It returns Telegram's message id.
func (b *Bot) Send(ctx context.Context, to news.Target, p news.Push) (int, error) {
	id, err := b.tg.Send(ctx, telegram.Text{To: to, HTML: b.say.Push(p), Silent: p.Silent, Paid: p.Paid, Image: p.Image,
		Keyboard: b.pushKeyboard(p)})
	return id, telegram.SendError(err)
}

// EditPush replaces the text of a push already sent (when more sources
// carried the story), keeping its picture. An unchanged text is not an
// error.
func (b *Bot) EditPush(ctx context.Context, chatID int64, messageID int, p news.Push) error {
	return telegram.SendError(b.tg.Edit(ctx, messageID, telegram.Text{To: news.Target{ChatID: chatID}, HTML: b.say.Push(p),
		Image: p.Image, Keyboard: b.pushKeyboard(p)}))
}

// SendDigest sends the stories in one silent digest message (render.Renderer.Digest)
// to a chat or forum thread and returns its message id.
func (b *Bot) SendDigest(ctx context.Context, to news.Target, ps []news.Push) (int, error) {
	if len(ps) == 0 {
		return 0, errors.New("bot: empty digest")
	}
	// Only stories that are not breaking are gathered: none rings.
	id, err := b.tg.Send(ctx, telegram.Text{To: to, HTML: b.say.Digest(ps), Silent: true})
	return id, telegram.SendError(err)
}

// SendUpdate sends a followed story's new facts as a reply to the
// follower's push, paced by the one rate budget and retried as replies
// are.
func (b *Bot) SendUpdate(ctx context.Context, u news.Update) (int, error) {
	id, err := b.replies.Send(ctx, telegram.Text{To: u.Target(), HTML: b.say.Update(u), Silent: u.Silent, ReplyTo: u.ReplyTo})
	return id, telegram.SendError(err)
}

// pushKeyboard is what is under a push: the follow button (when follows
// are on), then «كيف نقلتها المصادر» (once other outlets carried the
// story, for readers) and «📤 مشاركة» (when stories may be shared: inline
// mode is on).
func (b *Bot) pushKeyboard(p news.Push) *telegram.Keyboard {
	var rows [][]telegram.Button
	if b.follows != nil {
		if kb := b.followKeyboard(p.FollowStory, p.Following); kb != nil {
			rows = append(rows, kb.InlineKeyboard...)
		}
	}
	if b.stories != nil && p.StoryID > 0 {
		var row []telegram.Button
		if p.Comparable && p.OtherSources > 0 {
			row = append(row, telegram.DataButton(b.txt.CompareButton, cbCompare+strconv.FormatInt(p.StoryID, 10)))
		}
		if b.inlineOn() {
			row = append(row, b.shareButton(p.Title))
		}
		if len(row) > 0 {
			rows = append(rows, row)
		}
	}
	if len(rows) == 0 {
		return nil
	}
	kb := telegram.NewKeyboard(rows...)
	return &kb
}
