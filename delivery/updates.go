package delivery

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/ajel-news/ajel/news"
)

// UpdateStore is what follow updates need from storage.
type UpdateStore interface {
	DueFollowUpdates(ctx context.Context, now time.Time, limit int) ([]news.Update, error)
	// MarkFollowUpdateSent records the update sent with the text sent
	// (facts added meanwhile become the next update).
	MarkFollowUpdateSent(ctx context.Context, id int64, messageID int, at time.Time, sent string) error
	RetryFollowUpdate(ctx context.Context, id int64, next time.Time, reason string, attempted bool) error
	FailFollowUpdate(ctx context.Context, id int64, reason string) error
	// RecentPushes counts what the chat got since (pushes and updates),
	// for its hourly limit.
	RecentPushes(ctx context.Context, chatID int64, since time.Time) (sent int, oldest, heldSince time.Time, err error)
	DeactivateChat(ctx context.Context, chatID int64, reason string) (int, error)
}

// UpdateSender sends a follow update as a reply to the story's push.
type UpdateSender interface {
	SendUpdate(ctx context.Context, u news.Update) (int, error)
}

// UpdaterOptions configure an Updater.
type UpdaterOptions struct {
	// Location is TIMEZONE, for quiet hours (default UTC).
	Location *time.Location
	// Poll is how often due updates are looked for when nobody calls
	// Notify (default 5 s).
	Poll time.Duration
	// Now is the clock (default time.Now).
	Now    func() time.Time
	Logger *slog.Logger
}

// maxUpdateAttempts is how often a failing update is tried.
const maxUpdateAttempts = 5

// Updater sends the follow updates of developing stories: each a reply
// to the follower's push, silent in quiet hours (and unless the chat
// rings for everything), held while the chat is at its hourly limit,
// never to a chat that blocked the bot. Telegram's pace is the sender's
// (the bot's one rate budget).
type Updater struct {
	store  UpdateStore
	sender UpdateSender
	opt    UpdaterOptions
	log    *slog.Logger
	wake   chan struct{}
}

// NewUpdater returns an Updater.
func NewUpdater(store UpdateStore, sender UpdateSender, opt UpdaterOptions) *Updater {
	if opt.Location == nil {
		opt.Location = time.UTC
	}
	if opt.Poll <= 0 {
		opt.Poll = 5 * time.Second
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Updater{store: store, sender: sender, opt: opt, log: log, wake: make(chan struct{}, 1)}
}

// Notify wakes the updater: updates were queued. It does not block.
func (u *Updater) Notify() { signal(u.wake) }

// Run sends due updates until ctx ends.
func (u *Updater) Run(ctx context.Context) error {
	t := time.NewTicker(u.opt.Poll)
	defer t.Stop()
	for {
		u.pass(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-u.wake:
		case <-t.C:
		}
	}
}

// pass sends what is due now.
func (u *Updater) pass(ctx context.Context) {
	due, err := u.store.DueFollowUpdates(ctx, u.opt.Now(), 100)
	if err != nil {
		if ctx.Err() == nil {
			u.log.Warn("delivery: due follow updates", "err", err)
		}
		return
	}
	for _, up := range due {
		if ctx.Err() != nil {
			return
		}
		u.send(ctx, up)
	}
}

func (u *Updater) send(ctx context.Context, up news.Update) {
	now := u.opt.Now()
	log := u.log.With("update", up.ID, "chat", up.ChatID, "story", up.StoryID)
	if up.MaxPerHour > 0 {
		sent, oldest, _, err := u.store.RecentPushes(ctx, up.ChatID, now.Add(-capWindow))
		if err != nil {
			log.Warn("delivery: counting recent pushes", "err", err)
			return
		}
		if sent >= up.MaxPerHour {
			// The chat's /limit: the update waits for a free slot.
			u.record(log, u.store.RetryFollowUpdate(ctx, up.ID, oldest.Add(capWindow), "waiting for the hourly limit", false))
			return
		}
	}
	up.Silent = Silent(news.Push{}, up.Quiet, up.Rings, now, u.opt.Location)
	msgID, err := u.sender.SendUpdate(ctx, up)
	if err == nil {
		u.record(log, u.store.MarkFollowUpdateSent(ctx, up.ID, msgID, u.opt.Now(), strings.Join(up.Facts, "\n")))
		return
	}
	var se *news.SendError
	if !errors.As(err, &se) {
		se = &news.SendError{Kind: news.SendFailed, Description: err.Error()}
	}
	switch {
	case se.Kind == news.SendForbidden:
		// Blocked, as for pushes: the chat is off, its updates dropped.
		if _, derr := u.store.DeactivateChat(ctx, up.ChatID, se.Error()); derr != nil {
			log.Warn("delivery: deactivating a chat", "err", derr)
		}
		log.Info("delivery: follower is gone; chat deactivated", "err", se)
	case se.Kind == news.SendRateLimited:
		u.record(log, u.store.RetryFollowUpdate(ctx, up.ID, now.Add(max(se.RetryAfter, time.Second)), se.Error(), false))
	case se.Kind == news.SendBadRequest || se.Kind == news.SendMigrated || up.Attempts+1 >= maxUpdateAttempts:
		u.record(log, u.store.FailFollowUpdate(ctx, up.ID, se.Error()))
		log.Info("delivery: follow update given up", "err", se)
	default:
		u.record(log, u.store.RetryFollowUpdate(ctx, up.ID, now.Add(DefaultBackoff(up.Attempts+1)), se.Error(), true))
	}
}

func (u *Updater) record(log *slog.Logger, err error) {
	if err != nil && !errors.Is(err, news.ErrNotFound) {
		log.Warn("delivery: recording a follow update", "err", err)
	}
}
