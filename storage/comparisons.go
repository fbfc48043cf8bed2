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

// Comparisons of a story's tellings («كيف نقلتها المصادر») and the stories
// shared through inline mode.

// outletName is the name readers see for an outlet in a comparison: its
// feed's name as pushes say it (news.Feed.SourceName: the operator's name=,
// else the feed's title cleaned), the source an article came with
// otherwise (the ingest API's).
func outletName(f news.Feed, source string) string {
	if f.URL != "" {
		return f.SourceName()
	}
	return strings.TrimSpace(source)
}

// maxTellingText bounds the text read of each telling: the facts that
// differ are in its first paragraphs.
const maxTellingText = 2000

// CompareStory returns a story and the first telling of each outlet that
// carried it, first to last, at most limit of them, and how many outlets
// told it in all. A story that does not exist (it was pruned, or never
// was) wraps news.ErrNotFound.
func (d *DB) CompareStory(ctx context.Context, storyID int64, limit int) (news.StoryTellings, error) {
	var st news.StoryTellings
	var breaking int
	var first, updated int64
	err := d.db.QueryRowContext(ctx, `SELECT s.id, s.title, s.summary, s.breaking, s.first_seen_at, s.updated_at,
		(SELECT COUNT(DISTINCT source) FROM articles WHERE story_id = s.id)
		FROM stories s WHERE s.id = ?`, storyID).
		Scan(&st.Story.ID, &st.Story.Title, &st.Story.Summary, &breaking, &first, &updated, &st.Outlets)
	if errors.Is(err, sql.ErrNoRows) {
		return news.StoryTellings{}, fmt.Errorf("storage: story %d: %w", storyID, news.ErrNotFound)
	}
	if err != nil {
		return news.StoryTellings{}, fmt.Errorf("storage: story %d: %w", storyID, err)
	}
	st.Story.Breaking, st.Story.SourceCount = breaking == 1, st.Outlets
	st.Story.FirstSeenAt, st.Story.UpdatedAt = fromMillis(first), fromMillis(updated)
	// With MIN(id), SQLite takes the bare columns from that row: each
	// outlet's first article.
	rows, err := d.db.QueryContext(ctx, `SELECT COALESCE(f.name, ''), COALESCE(f.title, ''), COALESCE(f.url, ''), a.source, a.title, substr(a.body, 1, ?), a.url,
			CASE WHEN a.published_at > 0 THEN a.published_at ELSE a.seen_at END, MIN(a.id) AS first
		FROM articles a LEFT JOIN feeds f ON f.id = a.feed_id
		WHERE a.story_id = ? GROUP BY a.source ORDER BY first LIMIT ?`, maxTellingText, storyID, max(limit, 1))
	if err != nil {
		return news.StoryTellings{}, fmt.Errorf("storage: tellings of story %d: %w", storyID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var t news.Telling
		var f news.Feed
		var source string
		var published, id int64
		if err := rows.Scan(&f.Name, &f.Title, &f.URL, &source, &t.Title, &t.Text, &t.URL, &published, &id); err != nil {
			return news.StoryTellings{}, fmt.Errorf("storage: tellings of story %d: %w", storyID, err)
		}
		t.Outlet, t.PublishedAt = outletName(f, source), fromMillis(published)
		st.Tellings = append(st.Tellings, t)
	}
	if err := rows.Err(); err != nil {
		return news.StoryTellings{}, fmt.Errorf("storage: tellings of story %d: %w", storyID, err)
	}
	return st, nil
}

// RecordComparison keeps a comparison that was sent, open from now on
// (news.CompareWindow) and up to date. One of an inline message replaces
// what that message showed before (its row is opened again). When more
// outlets told the story than c.Outlets (they joined while it was being
// sent) it is due for an edit at once.
func (d *DB) RecordComparison(ctx context.Context, c news.Comparison) (news.Comparison, error) {
	if c.StoryID <= 0 || (c.InlineMessageID == "") == (c.ChatID == 0) || (c.ChatID != 0 && c.MessageID <= 0) {
		return news.Comparison{}, fmt.Errorf("storage: record comparison: a story and either a chat's message or an inline message: %w", news.ErrInvalid)
	}
	c.CreatedAt = d.Now()
	var chatID any
	if c.ChatID != 0 {
		chatID = c.ChatID
	}
	err := d.db.QueryRowContext(ctx, `INSERT INTO comparisons (story_id, chat_id, thread_id, message_id, inline_message_id, created_at, edit_pending)
		VALUES (?1, ?2, ?3, ?4, ?5, ?6,
			(SELECT COUNT(DISTINCT source) FROM articles WHERE story_id = ?1) > ?7)
		ON CONFLICT (inline_message_id) WHERE inline_message_id <> '' DO UPDATE SET
			story_id = excluded.story_id, created_at = excluded.created_at, edit_pending = excluded.edit_pending, edited_at = 0
		RETURNING id, edit_pending`, c.StoryID, chatID, c.ThreadID, c.MessageID, c.InlineMessageID, millis(c.CreatedAt), c.Outlets).
		Scan(&c.ID, &c.EditPending)
	if err != nil {
		return news.Comparison{}, fmt.Errorf("storage: record comparison of story %d: %w", c.StoryID, err)
	}
	return c, nil
}

// OpenComparison is the newest comparison of the story a chat (or forum
// thread) got that is still open; news.ErrNotFound when there is none.
func (d *DB) OpenComparison(ctx context.Context, to news.Target, storyID int64) (news.Comparison, error) {
	c := news.Comparison{StoryID: storyID, ChatID: to.ChatID, ThreadID: to.ThreadID}
	var created int64
	err := d.db.QueryRowContext(ctx, `SELECT id, message_id, created_at FROM comparisons
		WHERE chat_id = ? AND thread_id = ? AND story_id = ? AND created_at > ?
		ORDER BY created_at DESC, id DESC LIMIT 1`,
		to.ChatID, to.ThreadID, storyID, millis(d.Now().Add(-news.CompareWindow))).Scan(&c.ID, &c.MessageID, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return news.Comparison{}, fmt.Errorf("storage: comparison of story %d in %d: %w", storyID, to.ChatID, news.ErrNotFound)
	}
	if err != nil {
		return news.Comparison{}, fmt.Errorf("storage: comparison of story %d in %d: %w", storyID, to.ChatID, err)
	}
	c.CreatedAt = fromMillis(created)
	return c, nil
}

// CloseComparison forgets the comparison an inline message showed (it
// shows the story again): it is no longer edited.
func (d *DB) CloseComparison(ctx context.Context, inlineMessageID string) error {
	if _, err := d.db.ExecContext(ctx, `DELETE FROM comparisons WHERE inline_message_id = ? AND inline_message_id <> ''`,
		inlineMessageID); err != nil {
		return fmt.Errorf("storage: close comparison: %w", err)
	}
	return nil
}

// PendingComparisonEdits returns up to limit open comparisons whose story
// another outlet joined since they were last brought up to date, not
// edited in the last news.EditGap, in active chats (or inline messages):
// the least recently edited first.
func (d *DB) PendingComparisonEdits(ctx context.Context, limit int) ([]news.Comparison, error) {
	now := d.Now()
	rows, err := d.db.QueryContext(ctx, `SELECT c.id, c.story_id, COALESCE(c.chat_id, 0), c.thread_id, COALESCE(ch.type, ''),
			c.message_id, c.inline_message_id, c.edit_pending, c.created_at
		FROM comparisons c LEFT JOIN chats ch ON ch.id = c.chat_id
		WHERE c.edit_pending > 0 AND c.edited_at <= ? AND c.created_at > ? AND (c.chat_id IS NULL OR ch.active = 1)
		ORDER BY c.edited_at, c.id LIMIT ?`,
		millis(now.Add(-news.EditGap)), millis(now.Add(-news.CompareWindow)), limit)
	if err != nil {
		return nil, fmt.Errorf("storage: pending comparison edits: %w", err)
	}
	defer rows.Close()
	var out []news.Comparison
	for rows.Next() {
		var c news.Comparison
		var typ string
		var created int64
		if err := rows.Scan(&c.ID, &c.StoryID, &c.ChatID, &c.ThreadID, &typ, &c.MessageID, &c.InlineMessageID,
			&c.EditPending, &created); err != nil {
			return nil, fmt.Errorf("storage: pending comparison edits: %w", err)
		}
		c.ChatType, c.CreatedAt = news.ChatType(typ), fromMillis(created)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: pending comparison edits: %w", err)
	}
	return out, nil
}

// MarkComparisonEdited clears a comparison's pending edit, whether
// Telegram took it or not (edits are best-effort), as of seq, its
// EditPending when the edit was made: an outlet that joined meanwhile
// keeps it flagged, for an edit news.EditGap later.
func (d *DB) MarkComparisonEdited(ctx context.Context, id int64, seq int) error {
	res, err := d.db.ExecContext(ctx, `UPDATE comparisons SET edit_pending = MAX(edit_pending - ?, 0), edited_at = ? WHERE id = ?`,
		seq, d.Now().UnixMilli(), id)
	if err != nil {
		return fmt.Errorf("storage: mark comparison %d edited: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("storage: mark comparison %d edited: %w", id, news.ErrNotFound)
	}
	return nil
}

// flagComparisons marks the story's open comparisons for an edit (a new
// outlet joined it) as of now.
func flagComparisons(ctx context.Context, tx *sql.Tx, storyID int64, now time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE comparisons SET edit_pending = edit_pending + 1
		WHERE story_id = ? AND created_at > ?`, storyID, millis(now.Add(-news.CompareWindow)))
	return err
}

// ShareStories returns up to limit stories f picks, the most recently
// updated first, each as its push reads (its first telling's outlet and
// link, a few other outlets' links, its picture: the first one any telling
// has).
func (d *DB) ShareStories(ctx context.Context, f news.StoryFilter, limit int) ([]news.SharedStory, error) {
	match := ftsQuery(f.Terms)
	if len(f.Terms) > 0 && match == "" {
		return nil, nil // nothing searchable: nothing matches
	}
	rows, err := d.db.QueryContext(ctx, `SELECT s.id, s.title, s.summary, s.topics, s.breaking, s.source_count, s.updated_at,
			a.source, a.url, CASE WHEN a.published_at > 0 THEN a.published_at ELSE a.seen_at END,
			COALESCE((SELECT i.image_url FROM articles i WHERE i.story_id = s.id AND i.image_url <> '' ORDER BY i.id LIMIT 1), '')
		FROM stories s
		JOIN articles a ON a.id = (SELECT MIN(id) FROM articles WHERE story_id = s.id)
		WHERE (?1 = '' OR EXISTS (SELECT 1 FROM json_each(s.topics) WHERE value = ?1))
			AND (?2 = 0 OR s.breaking = 1)
			AND (?3 = '' OR s.id IN (SELECT story_id FROM articles WHERE id IN
				(SELECT docid FROM articles_fts WHERE articles_fts MATCH ?3)))
			AND (?5 = 0 OR s.id = ?5)
		ORDER BY s.updated_at DESC, s.id DESC
		LIMIT ?4`, f.Topic, boolInt(f.Breaking), match, limit, f.Story)
	if err != nil {
		return nil, fmt.Errorf("storage: stories to share: %w", err)
	}
	var out []news.SharedStory
	err = func() error {
		defer rows.Close()
		for rows.Next() {
			var s news.SharedStory
			var topics string
			var breaking, sources int
			var updated, published int64
			if err := rows.Scan(&s.StoryID, &s.Push.Title, &s.Push.Summary, &topics, &breaking, &sources, &updated,
				&s.Push.Source, &s.Push.URL, &published, &s.Push.Image); err != nil {
				return err
			}
			s.Topics, s.Push.Breaking = parseList(topics), breaking == 1
			s.Push.StoryID, s.Push.OtherSources = s.StoryID, max(sources-1, 0)
			s.UpdatedAt, s.PublishedAt = fromMillis(updated), fromMillis(published)
			out = append(out, s)
		}
		return rows.Err()
	}()
	if err != nil {
		return nil, fmt.Errorf("storage: stories to share: %w", err)
	}
	for i := range out {
		p := &out[i].Push
		if p.OtherSources == 0 {
			continue
		}
		if p.Others, err = d.otherLinks(ctx, out[i].StoryID, p.Source); err != nil {
			return nil, fmt.Errorf("storage: stories to share: %w", err)
		}
	}
	return out, nil
}
