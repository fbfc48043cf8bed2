package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/ajel-news/ajel/news"
)

// PendingDeliveries returns up to limit pending outbox rows that are due at
// now, oldest first, each with the message it carries.
func (d *DB) PendingDeliveries(ctx context.Context, now time.Time, limit int) ([]news.Delivery, error) {
	rows, err := d.db.QueryContext(ctx, `
		SELECT d.id, d.chat_id, c.type, c.quiet_from, c.quiet_to, d.story_id, d.article_id, d.attempts,
			d.last_error, d.next_attempt_at, d.created_at, d.topic,
			s.title, s.summary, s.breaking, s.source_count, a.source, a.url
		FROM deliveries d
		JOIN chats c ON c.id = d.chat_id
		JOIN stories s ON s.id = d.story_id
		JOIN articles a ON a.id = d.article_id
		WHERE d.status = 'pending' AND d.next_attempt_at <= ?
		ORDER BY d.next_attempt_at, d.id
		LIMIT ?`, now.UnixMilli(), limit)
	if err != nil {
		return nil, fmt.Errorf("storage: pending deliveries: %w", err)
	}
	defer rows.Close()
	var out []news.Delivery
	for rows.Next() {
		var dl news.Delivery
		var typ string
		var next, created int64
		var breaking, sources int
		if err := rows.Scan(&dl.ID, &dl.ChatID, &typ, &dl.Quiet.From, &dl.Quiet.To, &dl.StoryID, &dl.ArticleID,
			&dl.Attempts, &dl.LastError, &next, &created, &dl.Push.Topic,
			&dl.Push.Title, &dl.Push.Summary, &breaking, &sources, &dl.Push.Source, &dl.Push.URL); err != nil {
			return nil, fmt.Errorf("storage: pending deliveries: %w", err)
		}
		dl.ChatType, dl.Status = news.ChatType(typ), news.DeliveryPending
		dl.NextAttemptAt, dl.CreatedAt = fromMillis(next), fromMillis(created)
		dl.Push.Breaking = breaking == 1
		dl.Push.OtherSources = max(sources-1, 0)
		out = append(out, dl)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: pending deliveries: %w", err)
	}
	return out, nil
}

// MarkSent records that Telegram accepted the message. Call it right after
// each send: a crash before it repeats only that one message.
func (d *DB) MarkSent(ctx context.Context, id int64, messageID int, at time.Time) error {
	return d.markDelivery(ctx, id, `status = 'sent', message_id = ?, sent_at = ?, attempts = attempts + 1, last_error = ''`, messageID, at.UnixMilli())
}

// MarkRetry keeps a delivery pending until next, counting the attempt and
// keeping the reason.
func (d *DB) MarkRetry(ctx context.Context, id int64, next time.Time, reason string) error {
	return d.markDelivery(ctx, id, `attempts = attempts + 1, next_attempt_at = ?, last_error = ?`, next.UnixMilli(), reason)
}

// Postpone moves a delivery to later without counting an attempt (a 429 or
// a per-chat limit is not the message's fault).
func (d *DB) Postpone(ctx context.Context, id int64, next time.Time, reason string) error {
	return d.markDelivery(ctx, id, `next_attempt_at = ?, last_error = ?`, next.UnixMilli(), reason)
}

// MarkFailed gives up on a delivery; it stays visible with the reason.
func (d *DB) MarkFailed(ctx context.Context, id int64, reason string) error {
	return d.markDelivery(ctx, id, `status = 'failed', attempts = attempts + 1, last_error = ?`, reason)
}

func (d *DB) markDelivery(ctx context.Context, id int64, set string, args ...any) error {
	args = append(args, id)
	res, err := d.db.ExecContext(ctx, `UPDATE deliveries SET `+set+` WHERE id = ? AND status = 'pending'`, args...)
	if err != nil {
		return fmt.Errorf("storage: update delivery %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("storage: update delivery %d: not pending: %w", id, news.ErrNotFound)
	}
	return nil
}

// Deliveries lists a chat's outbox rows, oldest first (for tests and the
// admin's view).
func (d *DB) Deliveries(ctx context.Context, chatID int64) ([]news.Delivery, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT id, chat_id, story_id, article_id, status, attempts, last_error,
		next_attempt_at, message_id, created_at, sent_at, topic FROM deliveries WHERE chat_id = ? ORDER BY id`, chatID)
	if err != nil {
		return nil, fmt.Errorf("storage: deliveries of %d: %w", chatID, err)
	}
	defer rows.Close()
	var out []news.Delivery
	for rows.Next() {
		var dl news.Delivery
		var status string
		var next, created, sent int64
		if err := rows.Scan(&dl.ID, &dl.ChatID, &dl.StoryID, &dl.ArticleID, &status, &dl.Attempts, &dl.LastError,
			&next, &dl.MessageID, &created, &sent, &dl.Push.Topic); err != nil {
			return nil, fmt.Errorf("storage: deliveries of %d: %w", chatID, err)
		}
		dl.Status = news.DeliveryStatus(status)
		dl.NextAttemptAt, dl.CreatedAt, dl.SentAt = fromMillis(next), fromMillis(created), fromMillis(sent)
		out = append(out, dl)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: deliveries of %d: %w", chatID, err)
	}
	return out, nil
}

// OutboxStats is the state of the outbox for /healthz, /metrics and /stats.
type OutboxStats struct {
	Pending       int
	Sent          int
	Failed        int
	Dropped       int
	OldestPending time.Time // zero when nothing is pending
}

// Outbox counts deliveries by state and finds the oldest pending one.
func (d *DB) Outbox(ctx context.Context) (OutboxStats, error) {
	var s OutboxStats
	var oldest int64
	err := d.db.QueryRowContext(ctx, `SELECT
		COALESCE(SUM(status = 'pending'), 0), COALESCE(SUM(status = 'sent'), 0),
		COALESCE(SUM(status = 'failed'), 0), COALESCE(SUM(status = 'dropped'), 0),
		COALESCE(MIN(CASE WHEN status = 'pending' THEN created_at END), 0)
		FROM deliveries`).Scan(&s.Pending, &s.Sent, &s.Failed, &s.Dropped, &oldest)
	if err != nil {
		return OutboxStats{}, fmt.Errorf("storage: outbox stats: %w", err)
	}
	s.OldestPending = fromMillis(oldest)
	return s, nil
}

// Stats are the totals an admin sees with /stats.
type Stats struct {
	Chats         int
	ActiveChats   int
	PausedChats   int
	Subscriptions int
	Feeds         int
	Articles      int
	Stories       int
	Outbox        OutboxStats
}

// Stats counts chats, subscriptions, feeds, articles, stories and the outbox.
func (d *DB) Stats(ctx context.Context) (Stats, error) {
	var s Stats
	err := d.db.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM chats),
		(SELECT COUNT(*) FROM chats WHERE active = 1),
		(SELECT COUNT(*) FROM chats WHERE paused = 1),
		(SELECT COUNT(*) FROM subscriptions),
		(SELECT COUNT(*) FROM feeds),
		(SELECT COUNT(*) FROM articles),
		(SELECT COUNT(*) FROM stories)`).Scan(&s.Chats, &s.ActiveChats, &s.PausedChats, &s.Subscriptions,
		&s.Feeds, &s.Articles, &s.Stories)
	if err != nil {
		return Stats{}, fmt.Errorf("storage: stats: %w", err)
	}
	if s.Outbox, err = d.Outbox(ctx); err != nil {
		return Stats{}, err
	}
	return s, nil
}
