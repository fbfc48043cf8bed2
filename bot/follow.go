package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ajel-news/ajel/internal/textcut"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/telegram"
)

// Callback prefixes of the follow buttons: "f:<story>" follows, "uf:<story>"
// stops following.
const (
	cbFollow   = "f:"
	cbUnfollow = "uf:"
)

// FollowStore keeps who follows which story.
type FollowStore interface {
	// SentPush is the chat's own push of the story (news.ErrNotFound when
	// it never got one).
	SentPush(ctx context.Context, to news.Target, storyID int64) (news.Delivery, error)
	Follow(ctx context.Context, to news.Target, storyID int64, messageID int, until time.Time) error
	Unfollow(ctx context.Context, to news.Target, storyID int64) error
	Follows(ctx context.Context, to news.Target) ([]news.Follow, error)
}

// followKeyboard is the button under a push: follow, or stop following.
func followKeyboard(storyID int64, following bool) *telegram.Keyboard {
	if storyID <= 0 {
		return nil
	}
	label, data := msgFollowButton, cbFollow
	if following {
		label, data = msgUnfollowButton, cbUnfollow
	}
	kb := telegram.NewKeyboard(telegram.Row(telegram.DataButton(label, data+strconv.FormatInt(storyID, 10))))
	return &kb
}

// maxUpdateFacts is how many facts one update message shows: more
// waiting together is a story to reread, not an alert.
const maxUpdateFacts = 6

// RenderUpdate is a follow update: "🔄 تحديث:" and the headline, the new
// sentences, the source.
func RenderUpdate(u news.Update) string {
	var b strings.Builder
	b.WriteString("🔄 تحديث: <b>" + esc(isolate(textcut.Words(cleanLine(u.Title), 200))) + "</b>")
	facts := u.Facts
	if len(facts) > maxUpdateFacts {
		facts = facts[len(facts)-maxUpdateFacts:] // the latest
	}
	for _, f := range facts {
		if f = cleanText(f); f != "" {
			b.WriteString("\n• " + esc(textcut.Words(f, 400)))
		}
	}
	src := textcut.Words(cleanLine(u.Source), 100)
	line := "المصدر: " + esc(isolate(src))
	if link := linkHTML(u.URL); link != "" {
		line += " · " + link
	}
	b.WriteString("\n" + line)
	return b.String()
}

// follow handles a tap on "follow" under a push: only the chat's own push
// of a story still in its window can be followed.
func (b *Bot) follow(ctx context.Context, q *telegram.CallbackQuery, chat news.Chat, to news.Target, arg string) error {
	storyID, err := strconv.ParseInt(arg, 10, 64)
	if err != nil || storyID <= 0 || b.follows == nil {
		return b.answer(ctx, q.ID, msgStaleButton, false)
	}
	push, err := b.follows.SentPush(ctx, to, storyID)
	if errors.Is(err, news.ErrNotFound) || (err == nil && push.MessageID != q.Message.MessageID) {
		return b.answer(ctx, q.ID, msgStaleButton, false) // forged, or another chat's push
	}
	if err != nil {
		return fmt.Errorf("bot: push of story %d: %w", storyID, err)
	}
	now := b.now()
	if now.Sub(push.CreatedAt) > news.FollowWindow {
		return b.answer(ctx, q.ID, msgFollowExpired, false)
	}
	if ok, err := b.guardCallback(ctx, q, chat); !ok || err != nil {
		return err
	}
	switch err := b.follows.Follow(ctx, to, storyID, push.MessageID, now.Add(news.FollowWindow)); {
	case errors.Is(err, news.ErrAlreadyExists):
		return b.answer(ctx, q.ID, msgAlreadyFollowing, false)
	case err != nil:
		return fmt.Errorf("bot: follow story %d: %w", storyID, err)
	}
	if err := b.editKeyboard(ctx, chat.ID, q.Message.MessageID, *followKeyboard(storyID, true)); err != nil {
		b.log.Warn("bot: follow button", "chat", chat.ID, "err", err)
	}
	return b.answer(ctx, q.ID, msgFollowing, false)
}

// unfollow handles "stop following", under the push or in /following.
func (b *Bot) unfollow(ctx context.Context, q *telegram.CallbackQuery, chat news.Chat, to news.Target, arg string) error {
	storyID, err := strconv.ParseInt(arg, 10, 64)
	if err != nil || storyID <= 0 || b.follows == nil {
		return b.answer(ctx, q.ID, msgStaleButton, false)
	}
	if ok, err := b.guardCallback(ctx, q, chat); !ok || err != nil {
		return err
	}
	err = b.follows.Unfollow(ctx, to, storyID)
	if errors.Is(err, news.ErrNotFound) {
		return b.answer(ctx, q.ID, msgNotFollowing, false)
	}
	if err != nil {
		return fmt.Errorf("bot: unfollow story %d: %w", storyID, err)
	}
	var eerr error
	if push, perr := b.follows.SentPush(ctx, to, storyID); perr == nil && push.MessageID == q.Message.MessageID {
		eerr = b.editKeyboard(ctx, chat.ID, q.Message.MessageID, *followKeyboard(storyID, false))
	} else {
		eerr = b.redrawFollowing(ctx, chat.ID, q.Message.MessageID, to)
	}
	if eerr != nil {
		b.log.Warn("bot: unfollow buttons", "chat", chat.ID, "err", eerr)
	}
	return b.answer(ctx, q.ID, msgUnfollowed, false)
}

func (b *Bot) cmdFollowing(ctx context.Context, r *cmdReq) error {
	if b.follows == nil {
		return b.reply(ctx, r.to, msgUnavailable)
	}
	fs, err := b.follows.Follows(ctx, r.to)
	if err != nil {
		return fmt.Errorf("bot: follows: %w", err)
	}
	if len(fs) == 0 {
		return b.reply(ctx, r.to, msgNoFollows)
	}
	text, kb := b.followingMessage(fs)
	return b.replyMarkup(ctx, r.to, text, &kb)
}

// followingMessage lists the follows with a stop button each.
func (b *Bot) followingMessage(fs []news.Follow) (string, telegram.Keyboard) {
	lines := []string{msgFollowingHeader}
	var rows [][]telegram.Button
	for _, f := range fs {
		title := textcut.Words(cleanLine(f.Title), 80)
		lines = append(lines, "• "+esc(isolate(title))+" ("+msgFollowUntil+" "+b.when(f.Until)+")")
		rows = append(rows, telegram.Row(telegram.DataButton(
			"❌ "+textcut.Words(title, 40), cbUnfollow+strconv.FormatInt(f.StoryID, 10))))
	}
	return strings.Join(lines, "\n"), telegram.NewKeyboard(rows...)
}

func (b *Bot) redrawFollowing(ctx context.Context, chatID int64, messageID int, to news.Target) error {
	fs, err := b.follows.Follows(ctx, to)
	if err != nil {
		return err
	}
	msg := telegram.Text{To: news.Target{ChatID: chatID}, HTML: msgNoFollows}
	if len(fs) > 0 {
		text, kb := b.followingMessage(fs)
		msg.HTML, msg.Keyboard = text, &kb
	}
	return b.replies.Edit(ctx, messageID, msg)
}
