package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

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
	rows, err := d.db.QueryContext(ctx, `SELECT seq, update_id, chat_id, body, received_at FROM inbox
		WHERE seq > ? ORDER BY seq LIMIT ?`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("storage: pending updates: %w", err)
	}
	defer rows.Close()
	var out []news.InboundUpdate
	for rows.Next() {
		var u news.InboundUpdate
		var received int64
		if err := rows.Scan(&u.Seq, &u.UpdateID, &u.ChatID, &u.Raw, &received); err != nil {
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
