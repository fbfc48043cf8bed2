package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

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
func (b *Bot) followKeyboard(storyID int64, following bool) *telegram.Keyboard {
	if storyID <= 0 {
		return nil
	}
	label, data := b.txt.FollowButton, cbFollow
	if following {
		label, data = b.txt.UnfollowButton, cbUnfollow
	}
	kb := telegram.NewKeyboard(telegram.Row(telegram.DataButton(label, data+strconv.FormatInt(storyID, 10))))
	return &kb
}

// withFollowRow is the keyboard of push m with its follow row turned to
// following or not; its other buttons (compare, share) stay as they are.
func (b *Bot) withFollowRow(m *telegram.Message, storyID int64, following bool) telegram.Keyboard {
	follow := b.followKeyboard(storyID, following).InlineKeyboard[0]
	rows := [][]telegram.Button{follow}
	if m != nil && m.ReplyMarkup != nil {
		for _, row := range m.ReplyMarkup.InlineKeyboard {
			if !isFollowRow(row) {
				rows = append(rows, row)
			}
		}
	}
	return telegram.NewKeyboard(rows...)
}

// isFollowRow reports the row of a follow or unfollow button.
func isFollowRow(row []telegram.Button) bool {
	for _, btn := range row {
		if d := btn.CallbackData; d != nil && (strings.HasPrefix(*d, cbFollow) || strings.HasPrefix(*d, cbUnfollow)) {
			return true
		}
	}
	return false
}

// follow handles a tap on "follow" under a push: only the chat's own push
// of a story still in its window can be followed.
func (b *Bot) follow(ctx context.Context, q *telegram.CallbackQuery, chat news.Chat, to news.Target, arg string) error {
	storyID, err := strconv.ParseInt(arg, 10, 64)
	if err != nil || storyID <= 0 || b.follows == nil {
		return b.answer(ctx, q.ID, b.txt.StaleButton, false)
	}
	push, err := b.follows.SentPush(ctx, to, storyID)
	if errors.Is(err, news.ErrNotFound) || (err == nil && push.MessageID != q.Message.MessageID) {
		return b.answer(ctx, q.ID, b.txt.StaleButton, false) // forged, or another chat's push
	}
	if err != nil {
		return fmt.Errorf("bot: push of story %d: %w", storyID, err)
	}
	now := b.now()
	if now.Sub(push.CreatedAt) > news.FollowWindow {
		return b.answer(ctx, q.ID, b.say.FollowExpired(), false)
	}
	if ok, err := b.guardCallback(ctx, q, chat); !ok || err != nil {
		return err
	}
	switch err := b.follows.Follow(ctx, to, storyID, push.MessageID, now.Add(news.FollowWindow)); {
	case errors.Is(err, news.ErrAlreadyExists):
		return b.answer(ctx, q.ID, b.txt.AlreadyFollowing, false)
	case err != nil:
		return fmt.Errorf("bot: follow story %d: %w", storyID, err)
	}
	if err := b.editKeyboard(ctx, chat.ID, q.Message.MessageID, b.withFollowRow(q.Message, storyID, true)); err != nil {
		b.log.Warn("bot: follow button", "chat", chat.ID, "err", err)
	}
	return b.answer(ctx, q.ID, b.say.Following(), false)
}

// unfollow handles "stop following", under the push or in /following.
func (b *Bot) unfollow(ctx context.Context, q *telegram.CallbackQuery, chat news.Chat, to news.Target, arg string) error {
	storyID, err := strconv.ParseInt(arg, 10, 64)
	if err != nil || storyID <= 0 || b.follows == nil {
		return b.answer(ctx, q.ID, b.txt.StaleButton, false)
	}
	if ok, err := b.guardCallback(ctx, q, chat); !ok || err != nil {
		return err
	}
	err = b.follows.Unfollow(ctx, to, storyID)
	if errors.Is(err, news.ErrNotFound) {
		return b.answer(ctx, q.ID, b.txt.NotFollowing, false)
	}
	if err != nil {
		return fmt.Errorf("bot: unfollow story %d: %w", storyID, err)
	}
	var eerr error
	if push, perr := b.follows.SentPush(ctx, to, storyID); perr == nil && push.MessageID == q.Message.MessageID {
		eerr = b.editKeyboard(ctx, chat.ID, q.Message.MessageID, b.withFollowRow(q.Message, storyID, false))
	} else {
		eerr = b.redrawFollowing(ctx, chat.ID, q.Message.MessageID, to)
	}
	if eerr != nil {
		b.log.Warn("bot: unfollow buttons", "chat", chat.ID, "err", eerr)
	}
	return b.answer(ctx, q.ID, b.txt.Unfollowed, false)
}

func (b *Bot) cmdFollowing(ctx context.Context, r *cmdReq) error {
	if b.follows == nil {
		return b.reply(ctx, r.to, b.txt.Unavailable)
	}
	fs, err := b.follows.Follows(ctx, r.to)
	if err != nil {
		return fmt.Errorf("bot: follows: %w", err)
	}
	if len(fs) == 0 {
		return b.reply(ctx, r.to, b.say.NoFollows())
	}
	text, kb := b.followingMessage(fs)
	return b.replyMarkup(ctx, r.to, text, &kb)
}

// followingMessage lists the follows with a stop button each.
func (b *Bot) followingMessage(fs []news.Follow) (string, telegram.Keyboard) {
	text, labels := b.say.Follows(fs)
	rows := make([][]telegram.Button, len(fs))
	for i, f := range fs {
		rows[i] = telegram.Row(telegram.DataButton(labels[i], cbUnfollow+strconv.FormatInt(f.StoryID, 10)))
	}
	return text, telegram.NewKeyboard(rows...)
}

func (b *Bot) redrawFollowing(ctx context.Context, chatID int64, messageID int, to news.Target) error {
	fs, err := b.follows.Follows(ctx, to)
	if err != nil {
		return err
	}
	msg := telegram.Text{To: news.Target{ChatID: chatID}, HTML: b.say.NoFollows()}
	if len(fs) > 0 {
		text, kb := b.followingMessage(fs)
		msg.HTML, msg.Keyboard = text, &kb
	}
	return b.replies.Edit(ctx, messageID, msg)
}
