package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/ajel-news/ajel/news"
)

// FillText gives a stored item that was saved without a summary (its text
// was only a placeholder such as «التفاصيل بعد قليل», or nothing) the text
// that came later: a is the same item again (its origin and Key, or its
// link), analysed, with a summary. The stored article takes a's text,
// summary and search text, and its picture when it had none; its story
// takes the summary when it has none yet, and then the story's sent pushes
// are flagged for an edit (see PendingEdits), so readers who got the bare
// headline get the story's text in the same message. It reports whether an
// article was filled; a has no summary, or the item already has one: false.
func (d *DB) FillText(ctx context.Context, a news.Article) (bool, error) {
	if a.Summary == "" || a.Key == "" {
		return false, nil
	}
	origin, _ := articleOrigin(a)
	// Most items seen again have their text: one read, no write lock.
	var id int64
	err := d.db.QueryRowContext(ctx, `SELECT id FROM articles WHERE origin = ?1 AND summary = '' AND body = ''
		AND (item_key = ?2 OR (?3 <> '' AND link_key = ?3)) ORDER BY id LIMIT 1`, origin, a.Key, a.LinkKey).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("storage: fill text of %s %s: %w", origin, a.Key, err)
	}
	filled := false
	err = d.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE articles SET body = ?, summary = ?,
			image_url = CASE WHEN image_url = '' THEN ? ELSE image_url END
			WHERE id = ? AND summary = ''`, a.Text, a.Summary, a.ImageURL, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // filled meanwhile
		}
		filled = true
		if _, err := tx.ExecContext(ctx, `DELETE FROM articles_fts WHERE docid = ?`, id); err != nil {
			return err
		}
		if err := indexArticle(ctx, tx, id, a.SearchText); err != nil {
			return err
		}
		var storyID sql.NullInt64
		var sources int
		var summary string
		err = tx.QueryRowContext(ctx, `SELECT s.id, s.source_count, s.summary FROM articles a JOIN stories s ON s.id = a.story_id
			WHERE a.id = ?`, id).Scan(&storyID, &sources, &summary)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // a story pruned: the article alone
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE stories SET summary = CASE WHEN summary = '' THEN ? ELSE summary END,
			updated_at = CASE WHEN summary = '' THEN ? ELSE updated_at END WHERE id = ?`, a.Summary, d.Now().UnixMilli(), storyID.Int64); err != nil {
			return err
		}
		return flagEdits(ctx, tx, storyID.Int64, sources, summary, d.Now())
	})
	if err != nil {
		return false, fmt.Errorf("storage: fill text of article %d: %w", id, err)
	}
	return filled, nil
}
