package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/ajel-news/ajel/news"
)

// deliveryQuery selects outbox rows with their chat's settings and the
// message they carry; callers add WHERE, ORDER BY and LIMIT.
const deliveryQuery = `
		SELECT d.id, d.chat_id, d.thread_id, c.type, c.quiet_from, c.quiet_to, c.rings, c.max_per_hour, d.story_id, d.article_id,
			d.status, d.attempts, d.last_error, d.next_attempt_at, d.created_at, d.held_at, d.message_id,
			d.sent_at, d.edit_pending, d.topic,
			s.title, s.summary, s.breaking, s.source_count, a.source, a.url,
			CASE WHEN c.pictures_off = 1 THEN '' ELSE a.image_url END,
			EXISTS (SELECT 1 FROM follows f WHERE f.chat_id = d.chat_id AND f.thread_id = d.thread_id
				AND f.story_id = d.story_id AND f.until > CAST(strftime('%s', 'now') AS INTEGER) * 1000)
		FROM deliveries d
		JOIN chats c ON c.id = d.chat_id
		JOIN stories s ON s.id = d.story_id
		JOIN articles a ON a.id = d.article_id`

// PendingDeliveries returns up to limit pending outbox rows that are due at
// now, each with the message it carries: channel posts first (one reaches
// a whole audience), then breaking stories, then the rest, oldest first
// within each.
func (d *DB) PendingDeliveries(ctx context.Context, now time.Time, limit int) ([]news.Delivery, error) {
	out, err := d.queryDeliveries(ctx, deliveryQuery+`
		WHERE d.status = 'pending' AND d.next_attempt_at <= ?
		ORDER BY d.priority, d.next_attempt_at, d.id
		LIMIT ?`, now.UnixMilli(), limit)
	if err != nil {
		return nil, fmt.Errorf("storage: pending deliveries: %w", err)
	}
	return out, nil
}

// HeldDeliveries returns every pending row of the chat (or forum thread)
// that was held for its digest (see Hold), due or not, oldest first.
func (d *DB) HeldDeliveries(ctx context.Context, to news.Target) ([]news.Delivery, error) {
	out, err := d.queryDeliveries(ctx, deliveryQuery+`
		WHERE d.chat_id = ? AND d.thread_id = ? AND d.status = 'pending' AND d.held_at > 0
		ORDER BY d.id`, to.ChatID, to.ThreadID)
	if err != nil {
		return nil, fmt.Errorf("storage: held deliveries of %d: %w", to.ChatID, err)
	}
	return out, nil
}

// PendingEdits returns up to limit sent pushes, in active chats, whose
// story changed since they were sent (a new outlet joined it) and that
// were not edited in the last news.EditGap, each with its MessageID,
// EditPending and the message as it should read now. Pushes edited least
// recently come first.
func (d *DB) PendingEdits(ctx context.Context, limit int) ([]news.Delivery, error) {
	out, err := d.queryDeliveries(ctx, deliveryQuery+`
		WHERE d.edit_pending > 0 AND d.status = 'sent' AND c.active = 1 AND d.edited_at <= ?
		ORDER BY d.edited_at, d.id
		LIMIT ?`, d.Now().Add(-news.EditGap).UnixMilli(), limit)
	if err != nil {
		return nil, fmt.Errorf("storage: pending edits: %w", err)
	}
	return out, nil
}

// MarkEdited clears a push's pending edit, whether Telegram took the edit
// or not (edits are best-effort and never retried for ever), and notes
// when it was made. seq is the EditPending the edit was made from: a
// change that landed meanwhile keeps the row flagged, so it is edited
// again, news.EditGap later.
func (d *DB) MarkEdited(ctx context.Context, id int64, seq int) error {
	res, err := d.db.ExecContext(ctx, `UPDATE deliveries SET edit_pending = MAX(edit_pending - ?, 0), edited_at = ? WHERE id = ?`,
		seq, d.Now().UnixMilli(), id)
	if err != nil {
		return fmt.Errorf("storage: mark delivery %d edited: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("storage: mark delivery %d edited: %w", id, news.ErrNotFound)
	}
	return nil
}

func (d *DB) queryDeliveries(ctx context.Context, query string, args ...any) ([]news.Delivery, error) {
	rows, err := d.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []news.Delivery
	for rows.Next() {
		var dl news.Delivery
		var typ, status, rings string
		var next, created, held, sent int64
		var breaking, sources int
		if err := rows.Scan(&dl.ID, &dl.ChatID, &dl.ThreadID, &typ, &dl.Quiet.From, &dl.Quiet.To, &rings, &dl.MaxPerHour, &dl.StoryID, &dl.ArticleID,
			&status, &dl.Attempts, &dl.LastError, &next, &created, &held, &dl.MessageID,
			&sent, &dl.EditPending, &dl.Push.Topic,
			&dl.Push.Title, &dl.Push.Summary, &breaking, &sources, &dl.Push.Source, &dl.Push.URL,
			&dl.Push.Image, &dl.Push.Following); err != nil {
			return nil, err
		}
		dl.ChatType, dl.Status = news.ChatType(typ), news.DeliveryStatus(status)
		dl.Rings, _ = news.ParseRingMode(rings)
		dl.NextAttemptAt, dl.CreatedAt = fromMillis(next), fromMillis(created)
		dl.HeldAt, dl.SentAt = fromMillis(held), fromMillis(sent)
		dl.Push.Breaking = breaking == 1
		dl.Push.OtherSources = max(sources-1, 0)
		out = append(out, dl)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	return out, d.fillOthers(ctx, out)
}

// maxOtherLinks is how many other outlets' links a push carries.
const maxOtherLinks = 3

// fillOthers sets Push.Others of pushes whose story other outlets carried:
// each outlet's first report, oldest first, leaving out the push's own
// outlet. A fan-out reads the same story for many chats, hence the cache.
func (d *DB) fillOthers(ctx context.Context, ds []news.Delivery) error {
	type key struct {
		story  int64
		source string
	}
	cache := map[key][]news.SourceLink{}
	for i := range ds {
		p := &ds[i].Push
		if p.OtherSources == 0 {
			continue
		}
		k := key{ds[i].StoryID, p.Source}
		links, ok := cache[k]
		if !ok {
			var err error
			if links, err = d.otherLinks(ctx, k.story, k.source); err != nil {
				return err
			}
			cache[k] = links
		}
		p.Others = links
	}
	return nil
}

func (d *DB) otherLinks(ctx context.Context, storyID int64, source string) ([]news.SourceLink, error) {
	// With MIN(id), SQLite takes the bare columns from that row: each
	// outlet's first article.
	rows, err := d.db.QueryContext(ctx, `SELECT source, url, MIN(id) AS first FROM articles
		WHERE story_id = ? AND source <> ? AND source <> ''
		GROUP BY source ORDER BY first LIMIT ?`, storyID, source, maxOtherLinks)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []news.SourceLink
	for rows.Next() {
		var l news.SourceLink
		var first int64
		if err := rows.Scan(&l.Name, &l.URL, &first); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// RecentPushes describes a chat's hourly cap at since (an hour before
// now): how many pushes went there after since (digests and the stories in
// them not counted), when the oldest of them went, and since when rows have
// been held for its digest (zero times when none).
func (d *DB) RecentPushes(ctx context.Context, chatID int64, since time.Time) (sent int, oldest, heldSince time.Time, err error) {
	var first, held int64
	err = d.db.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM deliveries WHERE chat_id = ?1 AND status = 'sent' AND held_at = 0 AND sent_at > ?2) +
			(SELECT COUNT(*) FROM updates WHERE chat_id = ?1 AND status = 'sent' AND sent_at > ?2),
		(SELECT COALESCE(MIN(t), 0) FROM (
			SELECT MIN(sent_at) AS t FROM deliveries WHERE chat_id = ?1 AND status = 'sent' AND held_at = 0 AND sent_at > ?2
			UNION ALL SELECT MIN(sent_at) FROM updates WHERE chat_id = ?1 AND status = 'sent' AND sent_at > ?2)),
		(SELECT COALESCE(MIN(held_at), 0) FROM deliveries WHERE chat_id = ?1 AND status = 'pending' AND held_at > 0)`,
		chatID, since.UnixMilli()).Scan(&sent, &first, &held)
	if err != nil {
		return 0, time.Time{}, time.Time{}, fmt.Errorf("storage: recent pushes of %d: %w", chatID, err)
	}
	return sent, fromMillis(first), fromMillis(held), nil
}

// Hold keeps a pending row for its chat's digest: it is marked held (at
// at, unless it already was) and waits until next, without an attempt
// counted.
func (d *DB) Hold(ctx context.Context, id int64, at, next time.Time) error {
	return d.markDelivery(ctx, id, `held_at = CASE WHEN held_at > 0 THEN held_at ELSE ? END, next_attempt_at = ?,
		last_error = 'held for the hourly digest'`, at.UnixMilli(), next.UnixMilli())
}

// MarkDigestSent records, in one transaction, that the rows went out
// together in one digest message: a crash can repeat that one digest but
// never send a story in it twice otherwise. Rows no longer pending are
// skipped.
func (d *DB) MarkDigestSent(ctx context.Context, ids []int64, messageID int, at time.Time) error {
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE deliveries SET status = 'sent', message_id = ?, sent_at = ?,
				attempts = attempts + 1, last_error = '', held_at = MAX(held_at, 1), edit_pending = 0
				WHERE id = ? AND status = 'pending'`, messageID, at.UnixMilli(), id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("storage: mark digest sent: %w", err)
	}
	return nil
}

// MarkSent records that Telegram accepted the message, paid when it went
// with allow_paid_broadcast. Call it right after each send: a crash before
// it repeats only the messages in flight. seq is the row's EditPending
// when its message was written: a change to the story that landed while
// the message was in flight stays flagged, so the message is edited.
func (d *DB) MarkSent(ctx context.Context, id int64, messageID int, at time.Time, paid bool, seq int) error {
	return d.markDelivery(ctx, id, `status = 'sent', message_id = ?, sent_at = ?, attempts = attempts + 1, last_error = '', paid = ?,
		edit_pending = MAX(edit_pending - ?, 0)`,
		messageID, at.UnixMilli(), boolInt(paid), seq)
}

// MoveThread sends what a deleted forum topic thread of the chat followed
// to the chat's main thread instead: its subscriptions move there (those
// the main thread already has are dropped), and so do its pending rows (a
// story the main thread gets anyway is dropped). It returns how many rows
// it moved.
func (d *DB) MoveThread(ctx context.Context, chatID int64, threadID int) (int, error) {
	if threadID == 0 {
		return 0, fmt.Errorf("storage: move thread 0 of %d: %w", chatID, news.ErrInvalid)
	}
	var moved int64
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		stmts := []string{
			`UPDATE OR IGNORE subscriptions SET thread_id = 0 WHERE chat_id = ?1 AND thread_id = ?2`,
			`DELETE FROM subscriptions WHERE chat_id = ?1 AND thread_id = ?2`,
			`UPDATE deliveries SET status = 'dropped', edit_pending = 0, last_error = 'forum topic deleted; the main thread has the story'
				WHERE chat_id = ?1 AND thread_id = ?2 AND status = 'pending' AND story_id IN
				(SELECT story_id FROM deliveries WHERE chat_id = ?1 AND thread_id = 0)`,
		}
		for _, q := range stmts {
			if _, err := tx.ExecContext(ctx, q, chatID, threadID); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE deliveries SET thread_id = 0, next_attempt_at = 0,
			last_error = 'forum topic deleted; sent to the main thread'
			WHERE chat_id = ?1 AND thread_id = ?2 AND status = 'pending'`, chatID, threadID)
		if err != nil {
			return err
		}
		moved, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("storage: move thread %d of %d to the main thread: %w", threadID, chatID, err)
	}
	return int(moved), nil
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

// MarkFailed gives up on a delivery; it stays visible with the reason. A
// flag for an edit goes (there is no message to edit).
func (d *DB) MarkFailed(ctx context.Context, id int64, reason string) error {
	return d.markDelivery(ctx, id, `status = 'failed', attempts = attempts + 1, last_error = ?, edit_pending = 0`, reason)
}

func (d *DB) markDelivery(ctx context.Context, id int64, set string, args ...any) error {
	return d.markPending(ctx, "deliveries", "delivery", id, set, args...)
}

// markPending sets columns of a pending outbox row (table deliveries or
// updates, what it is called in errors); a row no longer pending gives
// news.ErrNotFound.
func (d *DB) markPending(ctx context.Context, table, what string, id int64, set string, args ...any) error {
	args = append(args, id)
	res, err := d.db.ExecContext(ctx, `UPDATE `+table+` SET `+set+` WHERE id = ? AND status = 'pending'`, args...)
	if err != nil {
		return fmt.Errorf("storage: update %s %d: %w", what, id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("storage: update %s %d: not pending: %w", what, id, news.ErrNotFound)
	}
	return nil
}

// Deliveries lists a chat's outbox rows, oldest first, with the message
// each carries (for tests and the admin's view).
func (d *DB) Deliveries(ctx context.Context, chatID int64) ([]news.Delivery, error) {
	out, err := d.queryDeliveries(ctx, deliveryQuery+` WHERE d.chat_id = ? ORDER BY d.id`, chatID)
	if err != nil {
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
	NewestSent    time.Time // the latest send recorded; zero when none
}

// Outbox counts deliveries by state and finds the oldest pending one and
// the latest send.
func (d *DB) Outbox(ctx context.Context) (OutboxStats, error) {
	var s OutboxStats
	var oldest, newest int64
	err := d.db.QueryRowContext(ctx, `SELECT
		COALESCE(SUM(status = 'pending'), 0), COALESCE(SUM(status = 'sent'), 0),
		COALESCE(SUM(status = 'failed'), 0), COALESCE(SUM(status = 'dropped'), 0),
		COALESCE(MIN(CASE WHEN status = 'pending' THEN created_at END), 0), COALESCE(MAX(sent_at), 0)
		FROM deliveries`).Scan(&s.Pending, &s.Sent, &s.Failed, &s.Dropped, &oldest, &newest)
	if err != nil {
		return OutboxStats{}, fmt.Errorf("storage: outbox stats: %w", err)
	}
	s.OldestPending, s.NewestSent = fromMillis(oldest), fromMillis(newest)
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
	// Channels counts topic channel mappings that are on.
	Channels int
	// PaidSent counts messages Telegram took with allow_paid_broadcast.
	PaidSent int
	Outbox   OutboxStats
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
		(SELECT COUNT(*) FROM stories),
		(SELECT COUNT(*) FROM channels WHERE enabled = 1),
		(SELECT COUNT(*) FROM deliveries WHERE paid = 1)`).Scan(&s.Chats, &s.ActiveChats, &s.PausedChats, &s.Subscriptions,
		&s.Feeds, &s.Articles, &s.Stories, &s.Channels, &s.PaidSent)
	if err != nil {
		return Stats{}, fmt.Errorf("storage: stats: %w", err)
	}
	if s.Outbox, err = d.Outbox(ctx); err != nil {
		return Stats{}, err
	}
	return s, nil
}

// RescheduleFuture makes due now the pending pushes and follow updates
// queued after now (by more than slack): their times were written by a
// clock ahead of this one (it was set back, or the database came from a
// machine whose clock ran ahead), and they would otherwise wait, in
// silence, until the clock caught up. Their queued, held and due times
// become now; quiet hours and limits are then applied on this clock. It
// says how many rows it moved and how far ahead the furthest was.
func (d *DB) RescheduleFuture(ctx context.Context, now time.Time, slack time.Duration) (rows int, ahead time.Duration, err error) {
	at, cut := now.UnixMilli(), now.Add(slack).UnixMilli()
	var furthest int64
	err = d.inTx(ctx, func(tx *sql.Tx) error {
		rows, furthest = 0, 0
		for _, table := range []string{"deliveries", "updates"} {
			var n int
			var last int64
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MAX(created_at), 0) FROM `+table+`
				WHERE status = 'pending' AND created_at > ?`, cut).Scan(&n, &last); err != nil {
				return err
			}
			if n == 0 {
				continue
			}
			held := ""
			if table == "deliveries" {
				held = ", held_at = MIN(held_at, ?1)"
			}
			if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET created_at = ?1, next_attempt_at = MIN(next_attempt_at, ?1)`+held+`
				WHERE status = 'pending' AND created_at > ?2`, at, cut); err != nil {
				return err
			}
			rows += n
			furthest = max(furthest, last)
		}
		return nil
	})
	if err != nil {
		return 0, 0, fmt.Errorf("storage: reschedule pushes dated in the future: %w", err)
	}
	if rows > 0 {
		ahead = time.Duration(furthest-at) * time.Millisecond
	}
	return rows, ahead, nil
}
