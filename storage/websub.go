package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/ajel-news/ajel/news"
)

const websubColumns = `callback_id, feed_id, hub, topic, secret, state, reason, lease_seconds, lease_until, requested_at, created_at`

func scanWebSub(r rowScanner) (news.WebSub, error) {
	var w news.WebSub
	var state string
	var until, requested, created int64
	err := r.Scan(&w.CallbackID, &w.FeedID, &w.Hub, &w.Topic, &w.Secret, &state, &w.Reason, &w.LeaseSeconds,
		&until, &requested, &created)
	w.State = news.WebSubState(state)
	w.LeaseUntil, w.RequestedAt, w.CreatedAt = fromMillis(until), fromMillis(requested), fromMillis(created)
	return w, err
}

// SaveWebSub records a WebSub subscription, or updates the one with its
// CallbackID.
func (d *DB) SaveWebSub(ctx context.Context, w news.WebSub) error {
	created := w.CreatedAt
	if created.IsZero() {
		created = d.Now()
	}
	_, err := d.db.ExecContext(ctx, `INSERT INTO websub (`+websubColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (callback_id) DO UPDATE SET hub = excluded.hub, topic = excluded.topic, secret = excluded.secret,
			state = excluded.state, reason = excluded.reason, lease_seconds = excluded.lease_seconds,
			lease_until = excluded.lease_until, requested_at = excluded.requested_at`,
		w.CallbackID, w.FeedID, w.Hub, w.Topic, w.Secret, string(w.State), w.Reason, w.LeaseSeconds,
		millis(w.LeaseUntil), millis(w.RequestedAt), millis(created))
	if err != nil {
		return fmt.Errorf("storage: save websub subscription of feed %d: %w", w.FeedID, err)
	}
	return nil
}

// ConfirmWebSub records a hub's answer to a verification — w's state,
// reason and lease — only while the subscription is still in one of the
// states from, and reports whether it was: an answer read before Ajel
// went back on its request (an unsubscription sent meanwhile) cannot undo
// that.
func (d *DB) ConfirmWebSub(ctx context.Context, w news.WebSub, from ...news.WebSubState) (bool, error) {
	if len(from) == 0 {
		return false, nil
	}
	args := []any{string(w.State), w.Reason, w.LeaseSeconds, millis(w.LeaseUntil), w.CallbackID}
	for _, st := range from {
		args = append(args, string(st))
	}
	res, err := d.db.ExecContext(ctx, `UPDATE websub SET state = ?, reason = ?, lease_seconds = ?, lease_until = ?
		WHERE callback_id = ? AND state IN (?`+strings.Repeat(", ?", len(from)-1)+`)`, args...)
	if err != nil {
		return false, fmt.Errorf("storage: confirm websub subscription of feed %d: %w", w.FeedID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("storage: confirm websub subscription of feed %d: %w", w.FeedID, err)
	}
	return n > 0, nil
}

// WebSubByCallback returns the subscription a callback names, or
// news.ErrNotFound.
func (d *DB) WebSubByCallback(ctx context.Context, callbackID string) (news.WebSub, error) {
	w, err := scanWebSub(d.db.QueryRowContext(ctx, `SELECT `+websubColumns+` FROM websub WHERE callback_id = ?`, callbackID))
	if errors.Is(err, sql.ErrNoRows) {
		return news.WebSub{}, fmt.Errorf("storage: websub callback: %w", news.ErrNotFound)
	}
	if err != nil {
		return news.WebSub{}, fmt.Errorf("storage: websub callback: %w", err)
	}
	return w, nil
}

// WebSubs lists every subscription, oldest first; feedID > 0 keeps those
// of one feed.
func (d *DB) WebSubs(ctx context.Context, feedID int64) ([]news.WebSub, error) {
	return queryAll(ctx, d.db, "websub subscriptions", scanWebSub,
		`SELECT `+websubColumns+` FROM websub WHERE ? = 0 OR feed_id = ? ORDER BY created_at, callback_id`, feedID, feedID)
}

// DeleteWebSub forgets a subscription.
func (d *DB) DeleteWebSub(ctx context.Context, callbackID string) error {
	if _, err := d.db.ExecContext(ctx, `DELETE FROM websub WHERE callback_id = ?`, callbackID); err != nil {
		return fmt.Errorf("storage: delete websub subscription: %w", err)
	}
	return nil
}

// Bounds on the WebSub notifications kept and not yet processed: past
// either, a hub is told to try again later (its notifications then wait
// on its side, not on this disk).
const (
	MaxQueuedNotifications     = 100
	MaxQueuedNotificationBytes = 256 << 20
)

// QueueNotification keeps a signed WebSub notification until
// DeleteNotification; it wraps news.ErrTooManyNotifications when
// MaxQueuedNotifications or MaxQueuedNotificationBytes are reached.
func (d *DB) QueueNotification(ctx context.Context, n news.WebSubNotification) (int64, error) {
	received := n.ReceivedAt
	if received.IsZero() {
		received = d.Now()
	}
	var id int64
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		var count, size int64
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(length(body)), 0) FROM websub_notifications`).
			Scan(&count, &size); err != nil {
			return err
		}
		if count >= MaxQueuedNotifications || size+int64(len(n.Body)) > MaxQueuedNotificationBytes {
			return fmt.Errorf("%d notifications (%d MiB) wait already: %w", count, size>>20, news.ErrTooManyNotifications)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO websub_notifications (feed_id, topic, content_type, body, received_at)
			VALUES (?, ?, ?, ?, ?)`, n.FeedID, n.Topic, n.ContentType, n.Body, millis(received))
		if err != nil {
			return err
		}
		id, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("storage: keep websub notification of feed %d: %w", n.FeedID, err)
	}
	return id, nil
}

// NextNotification returns the oldest kept WebSub notification, or
// news.ErrNotFound.
func (d *DB) NextNotification(ctx context.Context) (news.WebSubNotification, error) {
	var n news.WebSubNotification
	var received int64
	err := d.db.QueryRowContext(ctx, `SELECT id, feed_id, topic, content_type, body, received_at
		FROM websub_notifications ORDER BY id LIMIT 1`).Scan(&n.ID, &n.FeedID, &n.Topic, &n.ContentType, &n.Body, &received)
	if errors.Is(err, sql.ErrNoRows) {
		return n, fmt.Errorf("storage: next websub notification: %w", news.ErrNotFound)
	}
	if err != nil {
		return n, fmt.Errorf("storage: next websub notification: %w", err)
	}
	n.ReceivedAt = fromMillis(received)
	return n, nil
}

// DeleteNotification forgets a processed WebSub notification.
func (d *DB) DeleteNotification(ctx context.Context, id int64) error {
	if _, err := d.db.ExecContext(ctx, `DELETE FROM websub_notifications WHERE id = ?`, id); err != nil {
		return fmt.Errorf("storage: forget websub notification %d: %w", id, err)
	}
	return nil
}
