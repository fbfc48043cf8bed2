package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/ajel-news/ajel/news"
)

const chatColumns = `id, type, title, username, active, paused, quiet_from, quiet_to, max_per_hour, created_at, pictures_off, rings`

func scanChat(r rowScanner) (news.Chat, error) {
	var c news.Chat
	var typ string
	var active, paused, noPictures int
	var created int64
	var rings string
	err := r.Scan(&c.ID, &typ, &c.Title, &c.Username, &active, &paused,
		&c.Quiet.From, &c.Quiet.To, &c.MaxPerHour, &created, &noPictures, &rings)
	c.PicturesOff = noPictures == 1
	c.Rings, _ = news.ParseRingMode(rings)
	c.Type = news.ChatType(typ)
	c.Active, c.Paused = active == 1, paused == 1
	c.CreatedAt = fromMillis(created)
	return c, err
}

// SaveChat records a chat the bot heard from, or refreshes its type, title
// and username. A chat that talks to the bot again is active again, even
// if it had blocked the bot before.
func (d *DB) SaveChat(ctx context.Context, c news.Chat) error {
	now := d.Now().UnixMilli()
	_, err := d.db.ExecContext(ctx, `
		INSERT INTO chats (id, type, title, username, active, created_at, updated_at)
		VALUES (?, ?, ?, ?, 1, ?, ?)
		ON CONFLICT (id) DO UPDATE SET
			type = excluded.type, title = excluded.title, username = excluded.username,
			active = 1, updated_at = excluded.updated_at`,
		c.ID, string(c.Type), c.Title, c.Username, now, now)
	if err != nil {
		return fmt.Errorf("storage: save chat %d: %w", c.ID, err)
	}
	return nil
}

// Chat returns one chat, or news.ErrNotFound.
func (d *DB) Chat(ctx context.Context, id int64) (news.Chat, error) {
	c, err := scanChat(d.db.QueryRowContext(ctx, `SELECT `+chatColumns+` FROM chats WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return news.Chat{}, fmt.Errorf("storage: chat %d: %w", id, news.ErrNotFound)
	}
	if err != nil {
		return news.Chat{}, fmt.Errorf("storage: chat %d: %w", id, err)
	}
	return c, nil
}

// SetPaused pauses or resumes pushes to a chat. Pausing also drops the
// chat's pending deliveries: a reader who said /pause gets nothing more,
// not even what was already queued.
func (d *DB) SetPaused(ctx context.Context, chatID int64, paused bool) error {
	if err := d.updateChat(ctx, chatID, `paused = ?`, boolInt(paused)); err != nil || !paused {
		return err
	}
	_, err := d.db.ExecContext(ctx, `UPDATE deliveries SET status = 'dropped', edit_pending = 0, last_error = 'paused by the reader'
		WHERE chat_id = ? AND status = 'pending'`, chatID)
	if err != nil {
		return fmt.Errorf("storage: pause chat %d: %w", chatID, err)
	}
	return nil
}

// SetQuietHours sets the chat's quiet window; a zero QuietHours turns it off.
func (d *DB) SetQuietHours(ctx context.Context, chatID int64, q news.QuietHours) error {
	if q.From < 0 || q.From > 23 || q.To < 0 || q.To > 23 {
		return fmt.Errorf("storage: quiet hours %d-%d: %w", q.From, q.To, news.ErrInvalid)
	}
	return d.updateChat(ctx, chatID, `quiet_from = ?, quiet_to = ?`, q.From, q.To)
}

// SetMaxPerHour sets how many pushes an hour a chat takes before stories are
// gathered into a digest; 0 means no cap.
func (d *DB) SetMaxPerHour(ctx context.Context, chatID int64, n int) error {
	if n < 0 {
		return fmt.Errorf("storage: max per hour %d: %w", n, news.ErrInvalid)
	}
	return d.updateChat(ctx, chatID, `max_per_hour = ?`, n)
}

// SetRings sets what arrives with sound in a chat.
func (d *DB) SetRings(ctx context.Context, chatID int64, m news.RingMode) error {
	mode, ok := news.ParseRingMode(string(m))
	if !ok {
		return fmt.Errorf("storage: ring mode %q: %w", m, news.ErrInvalid)
	}
	return d.updateChat(ctx, chatID, `rings = ?`, string(mode))
}

// SetPictures turns the story's picture above a chat's pushes on or off.
func (d *DB) SetPictures(ctx context.Context, chatID int64, on bool) error {
	return d.updateChat(ctx, chatID, `pictures_off = ?`, boolInt(!on))
}

func (d *DB) updateChat(ctx context.Context, chatID int64, set string, args ...any) error {
	args = append(args, d.Now().UnixMilli(), chatID)
	res, err := d.db.ExecContext(ctx, `UPDATE chats SET `+set+`, updated_at = ? WHERE id = ?`, args...)
	if err != nil {
		return fmt.Errorf("storage: update chat %d: %w", chatID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("storage: update chat %d: %w", chatID, news.ErrNotFound)
	}
	return nil
}

// DeactivateChat marks a chat that Telegram refused for good (the user
// blocked the bot, it was removed from the group or the channel) as
// inactive, drops its pending deliveries with the reason and turns off the
// topic mappings of a channel. It returns how many rows were dropped.
func (d *DB) DeactivateChat(ctx context.Context, chatID int64, reason string) (int, error) {
	var dropped int64
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		now := d.Now().UnixMilli()
		if _, err := tx.ExecContext(ctx, `UPDATE chats SET active = 0, updated_at = ? WHERE id = ?`, now, chatID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE deliveries SET status = 'dropped', edit_pending = 0, last_error = ?
			WHERE chat_id = ? AND status = 'pending'`, reason, chatID)
		if err != nil {
			return err
		}
		// Nor can updates of the stories it follows.
		if _, err := tx.ExecContext(ctx, `UPDATE updates SET status = 'dropped', last_error = ?
			WHERE chat_id = ? AND status = 'pending'`, reason, chatID); err != nil {
			return err
		}
		// Edits of what it was sent cannot reach it either.
		if _, err := tx.ExecContext(ctx, `UPDATE deliveries SET edit_pending = 0
			WHERE chat_id = ? AND edit_pending > 0`, chatID); err != nil {
			return err
		}
		// A channel that refuses posts gets no more stories: its topic
		// mappings go off until an admin adds it again.
		if _, err := tx.ExecContext(ctx, `UPDATE channels SET enabled = 0, reason = ? WHERE chat_id = ?`, reason, chatID); err != nil {
			return err
		}
		dropped, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("storage: deactivate chat %d: %w", chatID, err)
	}
	return int(dropped), nil
}

// DeleteChat forgets a chat: its subscriptions, settings and outbox rows
// (what /stop promises).
func (d *DB) DeleteChat(ctx context.Context, chatID int64) error {
	if _, err := d.db.ExecContext(ctx, `DELETE FROM chats WHERE id = ?`, chatID); err != nil {
		return fmt.Errorf("storage: delete chat %d: %w", chatID, err)
	}
	return nil
}

// MigrateChat moves a group that became a supergroup to its new id, with its
// settings, subscriptions and outbox rows. If the new id already exists (the
// supergroup talked to the bot first) the two are merged.
func (d *DB) MigrateChat(ctx context.Context, fromID, toID int64) error {
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		var exists int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM chats WHERE id = ?`, toID).Scan(&exists); err != nil {
			return err
		}
		now := d.Now().UnixMilli()
		if exists == 0 {
			// ON UPDATE CASCADE carries subscriptions and deliveries along.
			_, err := tx.ExecContext(ctx, `UPDATE chats SET id = ?, type = 'supergroup', updated_at = ? WHERE id = ?`, toID, now, fromID)
			return err
		}
		stmts := []string{
			`INSERT OR IGNORE INTO subscriptions (chat_id, thread_id, kind, key, display, created_at)
				SELECT ?2, thread_id, kind, key, display, created_at FROM subscriptions WHERE chat_id = ?1`,
			`INSERT OR IGNORE INTO deliveries (chat_id, thread_id, story_id, article_id, topic, status, attempts, last_error,
					next_attempt_at, message_id, created_at, sent_at, held_at, priority, paid)
				SELECT ?2, thread_id, story_id, article_id, topic, status, attempts, last_error,
					next_attempt_at, message_id, created_at, sent_at, held_at, priority, paid
				FROM deliveries WHERE chat_id = ?1`,
			`UPDATE chats SET active = 1, type = 'supergroup',
				paused = (SELECT paused FROM chats WHERE id = ?1),
				quiet_from = (SELECT quiet_from FROM chats WHERE id = ?1),
				quiet_to = (SELECT quiet_to FROM chats WHERE id = ?1),
				max_per_hour = (SELECT max_per_hour FROM chats WHERE id = ?1)
				WHERE id = ?2`,
			`DELETE FROM chats WHERE id = ?1`,
		}
		for _, s := range stmts {
			if _, err := tx.ExecContext(ctx, s, fromID, toID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("storage: migrate chat %d to %d: %w", fromID, toID, err)
	}
	return nil
}

// Subscribe adds a subscription of a chat, or of one forum topic thread of
// it (s.ThreadID). It returns news.ErrAlreadyExists when the chat or thread
// already follows it and news.ErrTooManySubscriptions past
// news.MaxSubscriptionsPerChat for the whole chat, its threads and mutes
// together (counted per thread, a forum group could hold 50 in each, and
// a deleted thread's moved to the main thread beyond 50); in both cases
// nothing changes.
func (d *DB) Subscribe(ctx context.Context, s news.Subscription) (news.Subscription, error) {
	if s.Key == "" || (s.Kind != news.KindTopic && s.Kind != news.KindKeyword && s.Kind != news.KindMute) {
		return news.Subscription{}, fmt.Errorf("storage: subscribe %q: %w", s.Key, news.ErrInvalid)
	}
	now := d.Now()
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		var count, dup int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(thread_id = ? AND kind = ? AND key = ?), 0) FROM subscriptions
			WHERE chat_id = ?`,
			s.ThreadID, string(s.Kind), s.Key, s.ChatID).Scan(&count, &dup); err != nil {
			return err
		}
		if dup > 0 {
			return news.ErrAlreadyExists
		}
		if count >= news.MaxSubscriptionsPerChat {
			return news.ErrTooManySubscriptions
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO subscriptions (chat_id, thread_id, kind, key, display, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			s.ChatID, s.ThreadID, string(s.Kind), s.Key, s.Display, now.UnixMilli())
		if err != nil {
			return err
		}
		s.ID, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return news.Subscription{}, fmt.Errorf("storage: subscribe chat %d to %s %q: %w", s.ChatID, s.Kind, s.Key, err)
	}
	s.CreatedAt = now.UTC()
	return s, nil
}

// Unsubscribe removes one subscription of a chat or thread, or returns
// news.ErrNotFound.
func (d *DB) Unsubscribe(ctx context.Context, of news.Target, kind news.SubscriptionKind, key string) error {
	res, err := d.db.ExecContext(ctx, `DELETE FROM subscriptions WHERE chat_id = ? AND thread_id = ? AND kind = ? AND key = ?`,
		of.ChatID, of.ThreadID, string(kind), key)
	if err != nil {
		return fmt.Errorf("storage: unsubscribe chat %d from %q: %w", of.ChatID, key, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("storage: unsubscribe chat %d from %q: %w", of.ChatID, key, news.ErrNotFound)
	}
	return nil
}

// Subscriptions lists the subscriptions of a chat, or of one forum topic
// thread of it, oldest first.
func (d *DB) Subscriptions(ctx context.Context, of news.Target) ([]news.Subscription, error) {
	return d.querySubscriptions(ctx, `WHERE chat_id = ? AND thread_id = ? ORDER BY id`, of.ChatID, of.ThreadID)
}

// KeywordSubscriptions lists the distinct normalized keywords that active
// chats follow or mute, which is what the keyword index is built from (a
// mute must be recognized to keep its stories out).
func (d *DB) KeywordSubscriptions(ctx context.Context) ([]string, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT DISTINCT s.key FROM subscriptions s JOIN chats c ON c.id = s.chat_id
		WHERE s.kind IN ('keyword', 'mute') AND c.active = 1 ORDER BY s.key`)
	if err != nil {
		return nil, fmt.Errorf("storage: keyword subscriptions: %w", err)
	}
	defer rows.Close()
	var keys []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, fmt.Errorf("storage: keyword subscriptions: %w", err)
		}
		keys = append(keys, k)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: keyword subscriptions: %w", err)
	}
	return keys, nil
}

func (d *DB) querySubscriptions(ctx context.Context, where string, args ...any) ([]news.Subscription, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT id, chat_id, thread_id, kind, key, display, created_at FROM subscriptions `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: subscriptions: %w", err)
	}
	defer rows.Close()
	var subs []news.Subscription
	for rows.Next() {
		var s news.Subscription
		var kind string
		var created int64
		if err := rows.Scan(&s.ID, &s.ChatID, &s.ThreadID, &kind, &s.Key, &s.Display, &created); err != nil {
			return nil, fmt.Errorf("storage: subscriptions: %w", err)
		}
		s.Kind, s.CreatedAt = news.SubscriptionKind(kind), fromMillis(created)
		subs = append(subs, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: subscriptions: %w", err)
	}
	return subs, nil
}

// UpdateOffset returns the Telegram getUpdates offset saved by
// SetUpdateOffset, or 0 on a new database.
func (d *DB) UpdateOffset(ctx context.Context) (int, error) {
	v, err := d.state(ctx, "update_offset")
	if err != nil || v == "" {
		return 0, err
	}
	var n int
	if _, err := fmt.Sscan(v, &n); err != nil {
		return 0, fmt.Errorf("storage: update offset %q: %w", v, err)
	}
	return n, nil
}

// SetUpdateOffset saves the offset of the next update to ask Telegram for,
// so a restart neither loses nor repeats updates.
func (d *DB) SetUpdateOffset(ctx context.Context, offset int) error {
	return d.setState(ctx, "update_offset", fmt.Sprint(offset))
}

func (d *DB) state(ctx context.Context, name string) (string, error) {
	var v string
	err := d.db.QueryRowContext(ctx, `SELECT value FROM bot_state WHERE name = ?`, name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("storage: read %s: %w", name, err)
	}
	return v, nil
}

func (d *DB) setState(ctx context.Context, name, value string) error {
	_, err := d.db.ExecContext(ctx, `INSERT INTO bot_state (name, value) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, value)
	if err != nil {
		return fmt.Errorf("storage: save %s: %w", name, err)
	}
	return nil
}

// RekeyKeywords brings the keyword subscriptions and mutes saved under an
// older matching form up to the current one: rekey gives a subscription's
// key and display as they are written now (the same when nothing
// changed). One that becomes the same as another of its chat or thread,
// or whose key becomes empty (it could never match), is dropped. It says
// how many it changed or dropped.
func (d *DB) RekeyKeywords(ctx context.Context, rekey func(key, display string) (string, string)) (int, error) {
	type change struct {
		id           int64
		key, display string
	}
	var changes []change
	err := d.scan(ctx, func(rows *sql.Rows) error {
		var c change
		if err := rows.Scan(&c.id, &c.key, &c.display); err != nil {
			return err
		}
		if key, display := rekey(c.key, c.display); key != c.key || display != c.display {
			changes = append(changes, change{c.id, key, display})
		}
		return nil
	}, `SELECT id, key, display FROM subscriptions WHERE kind IN ('keyword', 'mute')`)
	if err != nil || len(changes) == 0 {
		return 0, wrapRekey(err)
	}
	err = d.inTx(ctx, func(tx *sql.Tx) error {
		for _, c := range changes {
			kept := int64(0)
			if c.key != "" {
				res, err := tx.ExecContext(ctx, `UPDATE OR IGNORE subscriptions SET key = ?, display = ? WHERE id = ?`, c.key, c.display, c.id)
				if err != nil {
					return err
				}
				kept, _ = res.RowsAffected()
			}
			if kept == 0 { // the chat has it already under the new key, or it is empty
				if _, err := tx.ExecContext(ctx, `DELETE FROM subscriptions WHERE id = ?`, c.id); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return 0, wrapRekey(err)
	}
	return len(changes), nil
}

func wrapRekey(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("storage: bring keywords up to the matching form: %w", err)
}
