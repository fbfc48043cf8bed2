package storage

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/ajel-news/ajel/news"
)

// SetChannel maps a topic (or news.BreakingChannel) to a channel, on:
// the channel is recorded as an active chat with its @username and title,
// and the topic's previous channel, if any, is replaced. It is how both
// CHANNELS (FromConfig) and an admin's /channel add record a mapping.
func (d *DB) SetChannel(ctx context.Context, ch news.Channel) error {
	if ch.ChatID == 0 || ch.Topic == "" || ch.Display == "" && ch.Topic != news.BreakingChannel {
		return fmt.Errorf("storage: set channel %d for %q: %w", ch.ChatID, ch.Topic, news.ErrInvalid)
	}
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		return setChannel(ctx, tx, ch, d.Now().UnixMilli())
	})
	if err != nil {
		return fmt.Errorf("storage: set channel %d for %q: %w", ch.ChatID, ch.Topic, err)
	}
	return nil
}

func setChannel(ctx context.Context, tx *sql.Tx, ch news.Channel, now int64) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO chats (id, type, title, username, active, created_at, updated_at)
		VALUES (?, 'channel', ?, ?, 1, ?, ?)
		ON CONFLICT (id) DO UPDATE SET type = 'channel', title = excluded.title, username = excluded.username,
			active = 1, updated_at = excluded.updated_at`,
		ch.ChatID, ch.Title, ch.Username, now, now); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO channels (topic, chat_id, display, from_config, enabled, reason, created_at)
		VALUES (?, ?, ?, ?, 1, '', ?)
		ON CONFLICT (topic) DO UPDATE SET chat_id = excluded.chat_id, display = excluded.display,
			from_config = excluded.from_config, enabled = 1, reason = ''`,
		ch.Topic, ch.ChatID, ch.Display, boolInt(ch.FromConfig), now)
	return err
}

// SetConfigChannels makes the mappings from CHANNELS exactly chs: those a
// previous start set and CHANNELS no longer has are removed (an admin's
// /channel add stays unless CHANNELS maps the same topic).
func (d *DB) SetConfigChannels(ctx context.Context, chs []news.Channel) error {
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM channels WHERE from_config = 1`); err != nil {
			return err
		}
		now := d.Now().UnixMilli()
		for _, ch := range chs {
			ch.FromConfig = true
			if err := setChannel(ctx, tx, ch, now); err != nil {
				return fmt.Errorf("channel %d for %q: %w", ch.ChatID, ch.Topic, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("storage: set channels from the configuration: %w", err)
	}
	return nil
}

// DeleteChannel removes every topic mapping of a channel and returns how
// many there were; none wraps news.ErrNotFound. Posts already sent stay.
func (d *DB) DeleteChannel(ctx context.Context, chatID int64) (int, error) {
	res, err := d.db.ExecContext(ctx, `DELETE FROM channels WHERE chat_id = ?`, chatID)
	if err != nil {
		return 0, fmt.Errorf("storage: delete channel %d: %w", chatID, err)
	}
	n, _ := res.RowsAffected()
	if n == 0 {
		return 0, fmt.Errorf("storage: delete channel %d: %w", chatID, news.ErrNotFound)
	}
	// Stories queued for it and not posted yet are not posted.
	if _, err := d.db.ExecContext(ctx, `UPDATE deliveries SET status = 'dropped', edit_pending = 0, last_error = 'channel removed by an admin'
		WHERE chat_id = ? AND status = 'pending'`, chatID); err != nil {
		return int(n), fmt.Errorf("storage: delete channel %d: %w", chatID, err)
	}
	return int(n), nil
}

// Channels lists every topic mapping, on and off, by topic.
func (d *DB) Channels(ctx context.Context) ([]news.Channel, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT ch.topic, ch.chat_id, c.username, c.title, ch.display, ch.from_config,
		ch.enabled, ch.reason, ch.created_at
		FROM channels ch JOIN chats c ON c.id = ch.chat_id ORDER BY ch.topic`)
	if err != nil {
		return nil, fmt.Errorf("storage: channels: %w", err)
	}
	defer rows.Close()
	var out []news.Channel
	for rows.Next() {
		var ch news.Channel
		var fromConfig, enabled int
		var created int64
		if err := rows.Scan(&ch.Topic, &ch.ChatID, &ch.Username, &ch.Title, &ch.Display, &fromConfig,
			&enabled, &ch.Reason, &created); err != nil {
			return nil, fmt.Errorf("storage: channels: %w", err)
		}
		ch.FromConfig, ch.Enabled, ch.CreatedAt = fromConfig == 1, enabled == 1, fromMillis(created)
		out = append(out, ch)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: channels: %w", err)
	}
	return out, nil
}
