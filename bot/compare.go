package bot

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/ajel-news/ajel/bot/render"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/telegram"
)

// «كيف نقلتها المصادر»: how each outlet told a story, under a push of a
// story several outlets carried (the button), for any story (/story N),
// and in place of a story shared through inline mode (its button). A
// comparison stays open for news.CompareWindow: the delivery worker edits
// it (EditComparison) when another outlet joins. Pressing the button
// changes nothing but the message: in a group anyone may.

// StoryStore keeps what comparing and sharing stories needs;
// *storage.DB implements it.
type StoryStore interface {
	// CompareStory is a story and each outlet's first telling, first to
	// last (at most limit), and how many outlets told it; a story pruned or
	// never there wraps news.ErrNotFound.
	CompareStory(ctx context.Context, storyID int64, limit int) (news.StoryTellings, error)
	// SentPush is the chat's own push of the story (news.ErrNotFound when
	// it never got one).
	SentPush(ctx context.Context, to news.Target, storyID int64) (news.Delivery, error)
	RecordComparison(ctx context.Context, c news.Comparison) (news.Comparison, error)
	// OpenComparison is the chat's open comparison of the story
	// (news.ErrNotFound when it has none).
	OpenComparison(ctx context.Context, to news.Target, storyID int64) (news.Comparison, error)
	// CloseComparison forgets an inline message's comparison.
	CloseComparison(ctx context.Context, inlineMessageID string) error
	// ShareStories lists the stories f picks, the most recently updated
	// first, as their pushes read.
	ShareStories(ctx context.Context, f news.StoryFilter, limit int) ([]news.SharedStory, error)
}

// Callback data of the comparison buttons: "cmp:<story>" under a chat's
// push (checked against the chat's own push), "icmp:<story>.<mac>" under
// a story shared through inline mode and "istory:<story>.<mac>" under its
// comparison (signed: Ajel cannot know in which chat such a message is).
const (
	cbCompare       = "cmp:"
	cbInlineCompare = "icmp:"
	cbInlineStory   = "istory:"
)

// maxTellings is the most tellings a comparison reads: more never fit in
// one message.
const maxTellings = 100

// inlineSigner signs the story ids of buttons under messages posted
// through inline mode, with a key derived from the bot token, so data a
// client forges names no story.
type inlineSigner struct{ key []byte }

func newInlineSigner(token string) inlineSigner {
	k := sha256.Sum256([]byte("ajel-inline-buttons:" + token))
	return inlineSigner{key: k[:]}
}

// data is kind's button data for the story: "kind<story>.<mac>" (at most
// 7+19+1+11 = 38 bytes).
func (s inlineSigner) data(kind string, storyID int64) string {
	id := strconv.FormatInt(storyID, 10)
	return kind + id + "." + s.mac(kind, id)
}

func (s inlineSigner) mac(kind, id string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(kind + id))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:8])
}

// story reads signed button data of kind (without its prefix); ok is false
// for data Ajel did not sign.
func (s inlineSigner) story(kind, arg string) (int64, bool) {
	id, mac, found := strings.Cut(arg, ".")
	storyID, err := strconv.ParseInt(id, 10, 64)
	if !found || err != nil || storyID <= 0 || !hmac.Equal([]byte(mac), []byte(s.mac(kind, id))) {
		return 0, false
	}
	return storyID, true
}

// comparison writes a story's comparison as of now, with the facts that
// differ between its tellings marked.
func (b *Bot) comparison(st news.StoryTellings) string {
	if b.differ != nil && len(st.Tellings) > 1 {
		texts := make([]string, len(st.Tellings))
		for i, t := range st.Tellings {
			texts[i] = t.Title + "\n" + t.Text
		}
		for i, marks := range b.differ(texts) {
			if i < len(st.Tellings) {
				st.Tellings[i].Differs = marks
			}
		}
	}
	return b.say.Comparison(st, b.now())
}

// shareButton opens the chat picker with the story's words after "@bot".
func (b *Bot) shareButton(title string) telegram.Button {
	return telegram.SwitchButton(b.txt.ShareButton, render.ShareQuery(title))
}

// inlineOn reports whether "@bot words" works: the operator enabled inline
// mode with @BotFather (getMe says so; before it answered, it is assumed).
// Without it, the share button would open a picker that lists nothing.
func (b *Bot) inlineOn() bool {
	me, ok := b.tg.Self()
	return !ok || me.SupportsInlineQueries
}

// shareKeyboard is under a comparison sent to a chat: share the story
// (nil when inline mode is off).
func (b *Bot) shareKeyboard(title string) *telegram.Keyboard {
	if !b.inlineOn() {
		return nil
	}
	kb := telegram.NewKeyboard(telegram.Row(b.shareButton(title)))
	return &kb
}

// compare handles the comparison button under a chat's push: only the
// chat's own push of the story has it. A chat gets one comparison of a
// story while it is open (it is kept up to date); a second press says so.
func (b *Bot) compare(ctx context.Context, q *telegram.CallbackQuery, to news.Target, arg string) error {
	storyID, err := strconv.ParseInt(arg, 10, 64)
	if err != nil || storyID <= 0 || b.stories == nil {
		return b.answer(ctx, q.ID, b.txt.StaleButton, false)
	}
	push, err := b.stories.SentPush(ctx, to, storyID)
	if errors.Is(err, news.ErrNotFound) || (err == nil && push.MessageID != q.Message.MessageID) {
		return b.answer(ctx, q.ID, b.txt.StaleButton, false) // forged, pruned, or another chat's push
	}
	if err != nil {
		return fmt.Errorf("bot: push of story %d: %w", storyID, err)
	}
	switch _, err := b.stories.OpenComparison(ctx, to, storyID); {
	case err == nil:
		return b.answer(ctx, q.ID, b.txt.CompareSent, false)
	case !errors.Is(err, news.ErrNotFound):
		return fmt.Errorf("bot: comparison of story %d: %w", storyID, err)
	}
	err = b.sendComparison(ctx, to, storyID, push.MessageID)
	if errors.Is(err, news.ErrNotFound) {
		return b.answer(ctx, q.ID, b.txt.StaleButton, false)
	}
	if err != nil {
		return err
	}
	return b.answer(ctx, q.ID, "", false)
}

// sendComparison sends a story's comparison to a chat (as a reply to
// replyTo, when set) and keeps it open. A story not there wraps
// news.ErrNotFound.
func (b *Bot) sendComparison(ctx context.Context, to news.Target, storyID int64, replyTo int) error {
	st, err := b.stories.CompareStory(ctx, storyID, maxTellings)
	if err != nil {
		return fmt.Errorf("bot: compare story %d: %w", storyID, err)
	}
	id, err := b.replies.Send(ctx, telegram.Text{To: to, HTML: b.comparison(st), Keyboard: b.shareKeyboard(st.Story.Title), ReplyTo: replyTo})
	if err != nil {
		return fmt.Errorf("bot: send comparison to %d: %w", to.ChatID, err)
	}
	if _, err := b.stories.RecordComparison(ctx, news.Comparison{StoryID: storyID, ChatID: to.ChatID, ThreadID: to.ThreadID,
		MessageID: id, Outlets: st.Outlets}); err != nil {
		// Sent: only its later edits are lost.
		b.log.Warn("bot: keep a comparison open", "chat", to.ChatID, "story", storyID, "err", err)
	}
	return nil
}

func (b *Bot) cmdStory(ctx context.Context, r *cmdReq) error {
	if b.stories == nil {
		return b.reply(ctx, r.to, b.txt.Unavailable)
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(toASCIIDigits(strings.TrimSpace(r.args)), "#"), 10, 64)
	if err != nil || id <= 0 {
		return b.reply(ctx, r.to, b.txt.StoryUsage)
	}
	err = b.sendComparison(ctx, r.to, id, 0)
	if errors.Is(err, news.ErrNotFound) {
		return b.reply(ctx, r.to, b.say.StoryNotFound(id))
	}
	return err
}

// storyCommand reads "/story_12", the tappable form /latest and /search
// show, as /story 12.
func storyCommand(command string) (args string, ok bool) {
	id, found := strings.CutPrefix(command, "story_")
	if !found || id == "" || strings.Trim(id, "0123456789") != "" {
		return "", false
	}
	return id, true
}

// handleInlineCallback handles a button pressed under a message posted
// through inline mode: the callback carries inline_message_id and no
// message, so nothing says which chat it is in. Its data is signed; the
// comparison button turns the message into the story's comparison (kept
// open, so it is edited as outlets join), the story button turns it back.
// No chat is saved: the reader may never have talked to the bot.
func (b *Bot) handleInlineCallback(ctx context.Context, q *telegram.CallbackQuery) error {
	if q.From == nil || b.stories == nil {
		return b.answer(ctx, q.ID, b.txt.StaleButton, false)
	}
	switch b.limiter.check(bucketKey{user: q.From.ID}, b.now()) {
	case drop:
		return nil
	case warnOnce:
		return b.answer(ctx, q.ID, render.StripTags(b.txt.SlowDown), true)
	}
	kind, arg, _ := strings.Cut(q.Data, ":")
	kind += ":"
	storyID, ok := b.signer.story(kind, arg)
	if !ok || (kind != cbInlineCompare && kind != cbInlineStory) {
		return b.answer(ctx, q.ID, b.txt.StaleButton, false)
	}
	var err error
	if kind == cbInlineCompare {
		err = b.compareInline(ctx, q.InlineMessageID, storyID)
	} else {
		err = b.storyInline(ctx, q.InlineMessageID, storyID)
	}
	var te *telegram.Error
	switch {
	case errors.Is(err, news.ErrNotFound), errors.As(err, &te) && te.BadRequest():
		// Pruned, or the message is gone.
		return b.answer(ctx, q.ID, b.txt.StaleButton, false)
	case err != nil:
		return err
	}
	return b.answer(ctx, q.ID, "", false)
}

// compareInline turns a shared story's message into its comparison.
func (b *Bot) compareInline(ctx context.Context, inlineID string, storyID int64) error {
	st, err := b.stories.CompareStory(ctx, storyID, maxTellings)
	if err != nil {
		return fmt.Errorf("bot: compare story %d: %w", storyID, err)
	}
	kb := b.inlineComparisonKeyboard(st)
	if err := b.replies.EditInline(ctx, inlineID, telegram.Text{HTML: b.comparison(st), Keyboard: &kb}); err != nil {
		return fmt.Errorf("bot: show the comparison in an inline message: %w", err)
	}
	if _, err := b.stories.RecordComparison(ctx, news.Comparison{StoryID: storyID, InlineMessageID: inlineID, Outlets: st.Outlets}); err != nil {
		b.log.Warn("bot: keep a comparison open", "story", storyID, "err", err)
	}
	return nil
}

// storyInline turns a comparison posted through inline mode back into the
// story, as its push reads now.
func (b *Bot) storyInline(ctx context.Context, inlineID string, storyID int64) error {
	ss, err := b.stories.ShareStories(ctx, news.StoryFilter{Story: storyID}, 1)
	if err != nil {
		return fmt.Errorf("bot: story %d: %w", storyID, err)
	}
	if len(ss) == 0 {
		return fmt.Errorf("bot: story %d: %w", storyID, news.ErrNotFound)
	}
	p := b.sharedPush(ss[0])
	if err := b.replies.EditInline(ctx, inlineID, telegram.Text{HTML: b.say.Push(p), Image: p.Image,
		Keyboard: b.inlinePushKeyboard(p)}); err != nil {
		return fmt.Errorf("bot: show the story in an inline message: %w", err)
	}
	if err := b.stories.CloseComparison(ctx, inlineID); err != nil {
		b.log.Warn("bot: close a comparison", "story", storyID, "err", err)
	}
	return nil
}

// inlineComparisonKeyboard is under a comparison posted through inline
// mode: back to the story, and share.
func (b *Bot) inlineComparisonKeyboard(st news.StoryTellings) telegram.Keyboard {
	return telegram.NewKeyboard(telegram.Row(
		telegram.DataButton(b.txt.StoryButton, b.signer.data(cbInlineStory, st.Story.ID)),
		b.shareButton(st.Story.Title)))
}

// EditComparison brings an open comparison up to date (another outlet
// joined its story), for the delivery worker: one attempt, its refusal a
// *news.SendError. A story pruned meanwhile leaves the message as it is.
func (b *Bot) EditComparison(ctx context.Context, c news.Comparison) error {
	if b.stories == nil {
		return nil
	}
	st, err := b.stories.CompareStory(ctx, c.StoryID, maxTellings)
	if errors.Is(err, news.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("bot: compare story %d: %w", c.StoryID, err)
	}
	text := b.comparison(st)
	if c.InlineMessageID != "" {
		kb := b.inlineComparisonKeyboard(st)
		return telegram.SendError(b.tg.EditInline(ctx, c.InlineMessageID, telegram.Text{HTML: text, Keyboard: &kb}))
	}
	return telegram.SendError(b.tg.Edit(ctx, c.MessageID, telegram.Text{To: c.Target(), HTML: text, Keyboard: b.shareKeyboard(st.Story.Title)}))
}
