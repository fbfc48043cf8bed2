package storage

import (
	"context"
	"database/sql"
	"time"
)

// SeedReaders saves private chats first … first+n-1, the i-th following
// topics[i % len(topics)], in one transaction: setup for simulations
// with a hundred thousand readers, where one transaction per chat would
// take longer than what is measured.
func (d *DB) SeedReaders(ctx context.Context, first int64, n int, topics []string) error {
	now := d.Now().UnixMilli()
	return d.inTx(ctx, func(tx *sql.Tx) error {
		for i := range n {
			id := first + int64(i)
			if _, err := tx.ExecContext(ctx, `INSERT INTO chats (id, type, title, username, active, created_at, updated_at)
				VALUES (?, 'private', '', '', 1, ?, ?)`, id, now, now); err != nil {
				return err
			}
			topic := topics[i%len(topics)]
			if _, err := tx.ExecContext(ctx, `INSERT INTO subscriptions (chat_id, thread_id, kind, key, display, created_at)
				VALUES (?, 0, 'topic', ?, ?, ?)`, id, topic, topic, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// MarkStorySent records every pending row of the story as sent at at, as
// the delivery worker would one by one.
func (d *DB) MarkStorySent(ctx context.Context, storyID int64, at time.Time) (int64, error) {
	res, err := d.db.ExecContext(ctx, `UPDATE deliveries SET status = 'sent', sent_at = ?, message_id = id, attempts = 1
		WHERE story_id = ? AND status = 'pending'`, at.UnixMilli(), storyID)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// Checkpoint folds the WAL into the database file, so its size says what
// the data takes.
func (d *DB) Checkpoint(ctx context.Context) error {
	_, err := d.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	return err
}

// SetSeenItemsPerFeed lowers the bound of each feed's record of seen
// items, so a test need not list thousands.
func (d *DB) SetSeenItemsPerFeed(n int) { d.seenPerFeed = n }
