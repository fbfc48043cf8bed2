package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ajel-news/ajel/news"
)

// SentPush returns the push of a story sent to a chat (or thread): its
// message id and when it was queued; news.ErrNotFound when the chat never
// got that story as a push of its own (a digest is not one).
func (d *DB) SentPush(ctx context.Context, to news.Target, storyID int64) (news.Delivery, error) {
	var dl news.Delivery
	var created int64
	err := d.db.QueryRowContext(ctx, `SELECT id, message_id, created_at FROM deliveries
		WHERE chat_id = ? AND thread_id = ? AND story_id = ? AND status = 'sent' AND held_at = 0 AND message_id > 0`,
		to.ChatID, to.ThreadID, storyID).Scan(&dl.ID, &dl.MessageID, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return news.Delivery{}, fmt.Errorf("storage: push of story %d to %d: %w", storyID, to.ChatID, news.ErrNotFound)
	}
	if err != nil {
		return news.Delivery{}, fmt.Errorf("storage: push of story %d to %d: %w", storyID, to.ChatID, err)
	}
	dl.ChatID, dl.ThreadID, dl.StoryID, dl.CreatedAt = to.ChatID, to.ThreadID, storyID, fromMillis(created)
	return dl, nil
}

// Follow makes a chat (or thread) follow a story until until; updates
// reply to messageID. A follow already running gives news.ErrAlreadyExists.
func (d *DB) Follow(ctx context.Context, to news.Target, storyID int64, messageID int, until time.Time) error {
	now := d.Now().UnixMilli()
	res, err := d.db.ExecContext(ctx, `INSERT INTO follows (chat_id, thread_id, story_id, message_id, until, created_at)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (chat_id, thread_id, story_id) DO UPDATE SET until = excluded.until, message_id = excluded.message_id
			WHERE follows.until <= ?`,
		to.ChatID, to.ThreadID, storyID, messageID, until.UnixMilli(), now, now)
	if err != nil {
		return fmt.Errorf("storage: follow story %d: %w", storyID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("storage: follow story %d: %w", storyID, news.ErrAlreadyExists)
	}
	return nil
}

// Unfollow ends a follow; news.ErrNotFound when there was none running.
func (d *DB) Unfollow(ctx context.Context, to news.Target, storyID int64) error {
	res, err := d.db.ExecContext(ctx, `DELETE FROM follows WHERE chat_id = ? AND thread_id = ? AND story_id = ? AND until > ?`,
		to.ChatID, to.ThreadID, storyID, d.Now().UnixMilli())
	if err != nil {
		return fmt.Errorf("storage: unfollow story %d: %w", storyID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("storage: unfollow story %d: %w", storyID, news.ErrNotFound)
	}
	_, err = d.db.ExecContext(ctx, `UPDATE updates SET status = 'dropped', last_error = 'unfollowed'
		WHERE chat_id = ? AND thread_id = ? AND story_id = ? AND status = 'pending'`, to.ChatID, to.ThreadID, storyID)
	if err != nil {
		return fmt.Errorf("storage: unfollow story %d: %w", storyID, err)
	}
	return nil
}

// Follows lists what a chat (or thread) follows now, the latest first.
func (d *DB) Follows(ctx context.Context, to news.Target) ([]news.Follow, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT f.story_id, f.message_id, f.until, s.title FROM follows f
		JOIN stories s ON s.id = f.story_id
		WHERE f.chat_id = ? AND f.thread_id = ? AND f.until > ? ORDER BY f.created_at DESC, f.story_id DESC`,
		to.ChatID, to.ThreadID, d.Now().UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("storage: follows of %d: %w", to.ChatID, err)
	}
	defer rows.Close()
	var out []news.Follow
	for rows.Next() {
		f := news.Follow{ChatID: to.ChatID, ThreadID: to.ThreadID}
		var until int64
		if err := rows.Scan(&f.StoryID, &f.MessageID, &until, &f.Title); err != nil {
			return nil, fmt.Errorf("storage: follows of %d: %w", to.ChatID, err)
		}
		f.Until = fromMillis(until)
		out = append(out, f)
	}
	return out, rows.Err()
}

// StoryKnown is what a story's followers know of it: its headline and
// summary and every update queued for it so far (each text once, however
// many followers it went to). followed is false when nobody follows the
// story now; known is then "" (nothing needs it).
func (d *DB) StoryKnown(ctx context.Context, storyID int64) (known string, followed bool, err error) {
	err = d.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM follows WHERE story_id = ? AND until > ?)`,
		storyID, d.Now().UnixMilli()).Scan(&followed)
	if err != nil || !followed {
		return "", false, wrapStory(storyID, err)
	}
	var summary, updates string
	err = d.db.QueryRowContext(ctx, `SELECT s.title || char(10) || s.summary,
		COALESCE((SELECT group_concat(t, char(10)) FROM (SELECT DISTINCT u.text AS t FROM updates u WHERE u.story_id = s.id)), '')
		FROM stories s WHERE s.id = ?`, storyID).Scan(&summary, &updates)
	if errors.Is(err, sql.ErrNoRows) {
		err = news.ErrNotFound
	}
	if err != nil {
		return "", false, wrapStory(storyID, err)
	}
	return summary + "\n" + updates, true, nil
}

func wrapStory(storyID int64, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("storage: story %d: %w", storyID, err)
}

// QueueFollowUpdates gives every follower of a story (follow running, chat
// active and not paused) the new facts: added to its pending update when
// one waits, else a new update due news.UpdateGap after its last one
// (or now). It returns how many followers got them.
func (d *DB) QueueFollowUpdates(ctx context.Context, storyID int64, facts []string, source, url string) (int, error) {
	if len(facts) == 0 {
		return 0, nil
	}
	text := strings.Join(facts, "\n")
	now := d.Now().UnixMilli()
	gap := news.UpdateGap.Milliseconds()
	var n int
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT f.chat_id, f.thread_id, f.message_id,
			(SELECT u.id FROM updates u WHERE u.chat_id = f.chat_id AND u.thread_id = f.thread_id AND u.story_id = f.story_id
				AND u.status = 'pending' LIMIT 1),
			COALESCE((SELECT MAX(u.sent_at) FROM updates u WHERE u.chat_id = f.chat_id AND u.thread_id = f.thread_id
				AND u.story_id = f.story_id AND u.status = 'sent'), 0)
			FROM follows f JOIN chats c ON c.id = f.chat_id
			WHERE f.story_id = ? AND f.until > ? AND c.active = 1 AND c.paused = 0`, storyID, now)
		if err != nil {
			return err
		}
		type follower struct {
			chat       int64
			thread     int
			replyTo    int
			pending    sql.NullInt64
			lastSentAt int64
		}
		var fs []follower
		for rows.Next() {
			var f follower
			if err := rows.Scan(&f.chat, &f.thread, &f.replyTo, &f.pending, &f.lastSentAt); err != nil {
				rows.Close()
				return err
			}
			fs = append(fs, f)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, f := range fs {
			if f.pending.Valid {
				_, err = tx.ExecContext(ctx, `UPDATE updates SET text = text || char(10) || ?, source = ?, url = ? WHERE id = ?`,
					text, source, url, f.pending.Int64)
			} else {
				_, err = tx.ExecContext(ctx, `INSERT INTO updates (chat_id, thread_id, story_id, reply_to, text, source, url, next_attempt_at, created_at)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, f.chat, f.thread, storyID, f.replyTo, text, source, url, max(now, f.lastSentAt+gap), now)
			}
			if err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("storage: queue updates of story %d: %w", storyID, err)
	}
	return n, nil
}

// DueFollowUpdates returns up to limit pending updates due at now, with their
// chat's settings and the story's headline, oldest first.
func (d *DB) DueFollowUpdates(ctx context.Context, now time.Time, limit int) ([]news.Update, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT u.id, u.chat_id, u.thread_id, c.type, u.story_id, u.reply_to, s.title, u.text,
			u.source, u.url, c.quiet_from, c.quiet_to, c.rings, c.max_per_hour, u.attempts, u.created_at
		FROM updates u JOIN chats c ON c.id = u.chat_id JOIN stories s ON s.id = u.story_id
		WHERE u.status = 'pending' AND u.next_attempt_at <= ? ORDER BY u.next_attempt_at, u.id LIMIT ?`, now.UnixMilli(), limit)
	if err != nil {
		return nil, fmt.Errorf("storage: due updates: %w", err)
	}
	defer rows.Close()
	var out []news.Update
	for rows.Next() {
		var u news.Update
		var typ, text, rings string
		var created int64
		if err := rows.Scan(&u.ID, &u.ChatID, &u.ThreadID, &typ, &u.StoryID, &u.ReplyTo, &u.Title, &text,
			&u.Source, &u.URL, &u.Quiet.From, &u.Quiet.To, &rings, &u.MaxPerHour, &u.Attempts, &created); err != nil {
			return nil, fmt.Errorf("storage: due updates: %w", err)
		}
		u.ChatType, u.Facts, u.CreatedAt = news.ChatType(typ), strings.Split(text, "\n"), fromMillis(created)
		u.Rings, _ = news.ParseRingMode(rings)
		out = append(out, u)
	}
	return out, rows.Err()
}

// MarkFollowUpdateSent records that Telegram took an update whose text
// was sent. Facts added to it while it was on its way (the text grew)
// are not lost: they become the next update, due news.UpdateGap later.
func (d *DB) MarkFollowUpdateSent(ctx context.Context, id int64, messageID int, at time.Time, sent string) error {
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		var u struct {
			text, source, url  string
			chat, story, reply int64
			thread             int
		}
		err := tx.QueryRowContext(ctx, `SELECT text, chat_id, thread_id, story_id, reply_to, source, url FROM updates
			WHERE id = ? AND status = 'pending'`, id).Scan(&u.text, &u.chat, &u.thread, &u.story, &u.reply, &u.source, &u.url)
		if errors.Is(err, sql.ErrNoRows) {
			return news.ErrNotFound
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE updates SET status = 'sent', text = ?, message_id = ?, sent_at = ?,
			attempts = attempts + 1, last_error = '' WHERE id = ?`, sent, messageID, at.UnixMilli(), id); err != nil {
			return err
		}
		if rest, ok := strings.CutPrefix(u.text, sent+"\n"); ok && rest != "" {
			_, err = tx.ExecContext(ctx, `INSERT INTO updates (chat_id, thread_id, story_id, reply_to, text, source, url, next_attempt_at, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, u.chat, u.thread, u.story, u.reply, rest, u.source, u.url,
				at.Add(news.UpdateGap).UnixMilli(), at.UnixMilli())
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("storage: update %d sent: %w", id, err)
	}
	return nil
}

// RetryFollowUpdate puts an update off until next (an attempt counted when
// attempted is set).
func (d *DB) RetryFollowUpdate(ctx context.Context, id int64, next time.Time, reason string, attempted bool) error {
	return d.markUpdate(ctx, id, `next_attempt_at = ?, last_error = ?, attempts = attempts + ?`,
		next.UnixMilli(), reason, boolInt(attempted))
}

// FailFollowUpdate gives an update up.
func (d *DB) FailFollowUpdate(ctx context.Context, id int64, reason string) error {
	return d.markUpdate(ctx, id, `status = 'failed', last_error = ?, attempts = attempts + 1`, reason)
}

func (d *DB) markUpdate(ctx context.Context, id int64, set string, args ...any) error {
	return d.markPending(ctx, "updates", "follow update", id, set, args...)
}
