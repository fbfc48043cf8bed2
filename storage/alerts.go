package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/ajel-news/ajel/internal/textcut"
	"github.com/ajel-news/ajel/news"
)

// The alerts admins get: the problems as the last check saw them, and
// the messages telling admins, kept until Telegram took them. A change of
// problems and the messages it makes are written in one transaction, so
// a crash neither loses a message nor makes a change without one.

// AlertStates returns the problems the last check remembered.
func (d *DB) AlertStates(ctx context.Context) ([]news.AlertState, error) {
	return queryAll(ctx, d.db, "alerts", func(r rowScanner) (news.AlertState, error) {
		var s news.AlertState
		var raw string
		var first, clear int64
		var open int
		if err := r.Scan(&raw, &first, &open, &clear); err != nil {
			return s, err
		}
		if err := json.Unmarshal([]byte(raw), &s.Alert); err != nil {
			return s, fmt.Errorf("alert %s: %w", raw, err)
		}
		s.FirstSeen, s.Open, s.ClearSince = fromMillis(first), open == 1, fromMillis(clear)
		return s, nil
	}, `SELECT alert, first_seen, open, clear_since FROM alerts ORDER BY key`)
}

// ApplyAlerts saves a check's outcome in one transaction: the problems it
// keeps (set, by key), those it forgets (drop), and the messages that
// tell admins what started or ended (queued at now).
func (d *DB) ApplyAlerts(ctx context.Context, set []news.AlertState, drop []string, msgs []news.AlertMessage, now time.Time) error {
	return d.inTx(ctx, func(tx *sql.Tx) error {
		for _, s := range set {
			raw, err := json.Marshal(s.Alert)
			if err != nil {
				return fmt.Errorf("storage: alert %s: %w", s.Alert.Key, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO alerts (key, kind, alert, first_seen, open, clear_since)
				VALUES (?, ?, ?, ?, ?, ?)
				ON CONFLICT (key) DO UPDATE SET alert = excluded.alert, first_seen = excluded.first_seen,
				open = excluded.open, clear_since = excluded.clear_since`,
				s.Alert.Key, string(s.Alert.Kind), string(raw), millis(s.FirstSeen), boolInt(s.Open), millis(s.ClearSince)); err != nil {
				return fmt.Errorf("storage: alert %s: %w", s.Alert.Key, err)
			}
		}
		for _, key := range drop {
			if _, err := tx.ExecContext(ctx, `DELETE FROM alerts WHERE key = ?`, key); err != nil {
				return fmt.Errorf("storage: alert %s: %w", key, err)
			}
		}
		for _, m := range msgs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO alert_messages (chat_id, text, next_at, created_at) VALUES (?, ?, ?, ?)`,
				m.ChatID, m.Text, now.UnixMilli(), now.UnixMilli()); err != nil {
				return fmt.Errorf("storage: alert message to %d: %w", m.ChatID, err)
			}
		}
		return nil
	})
}

// PendingAlertMessages returns up to limit alert messages due at now,
// oldest first.
func (d *DB) PendingAlertMessages(ctx context.Context, now time.Time, limit int) ([]news.AlertMessage, error) {
	return queryAll(ctx, d.db, "pending alert messages", func(r rowScanner) (news.AlertMessage, error) {
		var m news.AlertMessage
		var created int64
		err := r.Scan(&m.ID, &m.ChatID, &m.Text, &m.Attempts, &created)
		m.Created = fromMillis(created)
		return m, err
	}, `SELECT id, chat_id, text, attempts, created_at FROM alert_messages
		WHERE status = 'pending' AND next_at <= ? ORDER BY next_at, id LIMIT ?`, now.UnixMilli(), limit)
}

// NextAlertMessageAt is when the next pending alert message is due (zero
// when none is pending).
func (d *DB) NextAlertMessageAt(ctx context.Context) (time.Time, error) {
	var next int64
	err := d.db.QueryRowContext(ctx, `SELECT COALESCE(MIN(next_at), 0) FROM alert_messages WHERE status = 'pending'`).Scan(&next)
	if err != nil {
		return time.Time{}, fmt.Errorf("storage: next alert message: %w", err)
	}
	return fromMillis(next), nil
}

// MarkAlertSent records that Telegram took an alert message.
func (d *DB) MarkAlertSent(ctx context.Context, id int64, messageID int, at time.Time) error {
	_, err := d.db.ExecContext(ctx, `UPDATE alert_messages SET status = 'sent', message_id = ?, sent_at = ?, last_error = ''
		WHERE id = ?`, messageID, at.UnixMilli(), id)
	if err != nil {
		return fmt.Errorf("storage: alert message %d sent: %w", id, err)
	}
	return nil
}

// PostponeAlert keeps an alert message pending until next, saying why;
// attempt counts a failed try (a 429's wait is no attempt).
func (d *DB) PostponeAlert(ctx context.Context, id int64, next time.Time, reason string, attempt bool) error {
	_, err := d.db.ExecContext(ctx, `UPDATE alert_messages SET next_at = ?, last_error = ?, attempts = attempts + ?
		WHERE id = ? AND status = 'pending'`, next.UnixMilli(), textcut.Line(reason, 300), boolInt(attempt), id)
	if err != nil {
		return fmt.Errorf("storage: alert message %d: %w", id, err)
	}
	return nil
}

// MarkAlertFailed gives up on an alert message Telegram will never take
// (the admin never opened the bot, or blocked it), keeping the reason.
func (d *DB) MarkAlertFailed(ctx context.Context, id int64, reason string) error {
	_, err := d.db.ExecContext(ctx, `UPDATE alert_messages SET status = 'failed', last_error = ? WHERE id = ?`,
		textcut.Line(reason, 300), id)
	if err != nil {
		return fmt.Errorf("storage: alert message %d failed: %w", id, err)
	}
	return nil
}

// PruneAlertMessages deletes the alert messages sent or given up on
// before before, and says how many.
func (d *DB) PruneAlertMessages(ctx context.Context, before time.Time) (int, error) {
	res, err := d.db.ExecContext(ctx, `DELETE FROM alert_messages WHERE status <> 'pending' AND created_at < ?`, before.UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("storage: prune alert messages: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// OldestWaitingDelivery is when the oldest pending outbox row that is not
// held for a digest (/limit, quiet hours) was queued: a message that
// should be on its way. Zero when there is none.
func (d *DB) OldestWaitingDelivery(ctx context.Context) (time.Time, error) {
	var oldest int64
	err := d.db.QueryRowContext(ctx, `SELECT COALESCE(MIN(created_at), 0) FROM deliveries
		WHERE status = 'pending' AND held_at = 0`).Scan(&oldest)
	if err != nil {
		return time.Time{}, fmt.Errorf("storage: oldest waiting delivery: %w", err)
	}
	return fromMillis(oldest), nil
}
