package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/ajel-news/ajel/news"
)

// QueueUpdates keeps updates received from Telegram until they are handled
// and, in the same transaction, saves offset as the next update to ask for:
// Telegram forgets an update once the bot asks past it, so it must be on
// disk first. An update already queued (a webhook delivery Telegram
// repeated) is skipped. It returns the updates really queued, with their
// Seq.
func (d *DB) QueueUpdates(ctx context.Context, ups []news.InboundUpdate, offset int) ([]news.InboundUpdate, error) {
	var queued []news.InboundUpdate
	now := d.Now()
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		queued = queued[:0]
		for _, u := range ups {
			res, err := tx.ExecContext(ctx, `INSERT INTO inbox (update_id, chat_id, body, received_at) VALUES (?, ?, ?, ?)
				ON CONFLICT (update_id) DO NOTHING`, u.UpdateID, u.ChatID, u.Raw, now.UnixMilli())
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue
			}
			if u.Seq, err = res.LastInsertId(); err != nil {
				return err
			}
			u.ReceivedAt = now.UTC()
			queued = append(queued, u)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO bot_state (name, value) VALUES ('update_offset', ?)
			ON CONFLICT (name) DO UPDATE SET value = excluded.value`, strconv.Itoa(offset))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("storage: queue %d updates: %w", len(ups), err)
	}
	return queued, nil
}

// PendingUpdates returns up to limit queued updates whose Seq is above
// after, in the order they arrived.
func (d *DB) PendingUpdates(ctx context.Context, after int64, limit int) ([]news.InboundUpdate, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT seq, update_id, chat_id, body, received_at, attempts FROM inbox
		WHERE seq > ? ORDER BY seq LIMIT ?`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("storage: pending updates: %w", err)
	}
	defer rows.Close()
	var out []news.InboundUpdate
	for rows.Next() {
		var u news.InboundUpdate
		var received int64
		if err := rows.Scan(&u.Seq, &u.UpdateID, &u.ChatID, &u.Raw, &received, &u.Attempts); err != nil {
			return nil, fmt.Errorf("storage: pending updates: %w", err)
		}
		u.ReceivedAt = fromMillis(received)
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: pending updates: %w", err)
	}
	return out, nil
}

// FinishUpdate forgets an update that was handled.
func (d *DB) FinishUpdate(ctx context.Context, seq int64) error {
	if _, err := d.db.ExecContext(ctx, `DELETE FROM inbox WHERE seq = ?`, seq); err != nil {
		return fmt.Errorf("storage: finish update %d: %w", seq, err)
	}
	return nil
}

// BeginUpdate records that handling the update begins: one whose handling
// began again and again without finishing (the process died each time)
// shows it in its Attempts.
func (d *DB) BeginUpdate(ctx context.Context, seq int64) error {
	if _, err := d.db.ExecContext(ctx, `UPDATE inbox SET attempts = attempts + 1 WHERE seq = ?`, seq); err != nil {
		return fmt.Errorf("storage: begin update %d: %w", seq, err)
	}
	return nil
}

// MaxParkedUpdates is how many parked updates are kept for a look; older
// ones are forgotten as new ones come.
const MaxParkedUpdates = 100

// ParkUpdate sets an update aside for a look, with the reason, and never
// hands it out again: kept in the inbox (Seq set), it leaves it; received
// but not kept yet (Seq 0), it is parked as is. Only the newest
// MaxParkedUpdates parked updates are kept.
func (d *DB) ParkUpdate(ctx context.Context, u news.InboundUpdate, reason string) error {
	now := d.Now()
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		received := millis(u.ReceivedAt)
		if received == 0 {
			received = now.UnixMilli()
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO parked_updates (update_id, chat_id, body, reason, received_at, parked_at)
			VALUES (?, ?, ?, ?, ?, ?)`, u.UpdateID, u.ChatID, u.Raw, reason, received, now.UnixMilli()); err != nil {
			return err
		}
		if u.Seq != 0 {
			if _, err := tx.ExecContext(ctx, `DELETE FROM inbox WHERE seq = ?`, u.Seq); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM parked_updates WHERE id <= (SELECT id FROM parked_updates ORDER BY id DESC LIMIT 1 OFFSET ?)`,
			MaxParkedUpdates)
		return err
	})
	if err != nil {
		return fmt.Errorf("storage: park update %d: %w", u.UpdateID, err)
	}
	return nil
}

// ParkedUpdate is an update set aside, as ParkedUpdates lists it.
type ParkedUpdate struct {
	news.InboundUpdate
	Reason   string
	ParkedAt time.Time
}

// ParkedUpdates lists the parked updates, oldest first.
func (d *DB) ParkedUpdates(ctx context.Context) ([]ParkedUpdate, error) {
	var out []ParkedUpdate
	err := d.scan(ctx, func(rows *sql.Rows) error {
		var p ParkedUpdate
		var received, parked int64
		if err := rows.Scan(&p.UpdateID, &p.ChatID, &p.Raw, &p.Reason, &received, &parked); err != nil {
			return err
		}
		p.ReceivedAt, p.ParkedAt = fromMillis(received), fromMillis(parked)
		out = append(out, p)
		return nil
	}, `SELECT update_id, chat_id, body, reason, received_at, parked_at FROM parked_updates ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("storage: parked updates: %w", err)
	}
	return out, nil
}
