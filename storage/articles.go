package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ajel-news/ajel/news"
)

// SaveArticle stores an article and, in the same transaction, its story and
// its outbox rows. An article whose origin and Key are already stored is not
// new: nothing changes and the error wraps news.ErrAlreadyExists. This is how
// the rest of Ajel knows what is new. Nor is one whose ContentKey or LinkKey
// an article of the same origin has (the feed renamed its items): it is
// recorded under its Key in that article's story, without text, search
// entry or outbox rows, and the error wraps news.ErrAlreadyExists too. A
// feed's items are also recorded in its record of seen items, which
// outlives their articles (see SeenItemsPerFeed): an item it lists again
// after its article was pruned, under its key or with its content or link,
// is not new either.
//
// With a.StoryID set the article joins that story; otherwise it starts one.
// When push is true every active, unpaused chat with a subscription matching
// a.Topics or a.Keywords gets exactly one pending delivery of the story,
// however many of its subscriptions match; a chat that already has the story
// gets nothing new, but when the article brings a new outlet to the story
// the pushes already sent are flagged for an edit (see PendingEdits). It returns the stored article and how many deliveries it
// queued.
func (d *DB) SaveArticle(ctx context.Context, a news.Article, push bool) (news.Article, int, error) {
	if a.Title == "" || a.Key == "" {
		return news.Article{}, 0, fmt.Errorf("storage: save article: title and key are required: %w", news.ErrInvalid)
	}
	if a.SeenAt.IsZero() {
		a.SeenAt = d.Now()
	}
	origin, feedID := articleOrigin(a)
	topics, keywords := jsonList(a.Topics), jsonList(a.Keywords)
	var queued int64
	var seenAs string // why an item with a new key is not new
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		// The same content or the same page under a new identity (a feed
		// that changed its GUIDs, moved to https, added a slash) is
		// recorded under that identity, so it is known next time, in the
		// story it already told, and nothing is pushed.
		var known bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM articles WHERE origin = ? AND item_key = ?)`,
			origin, a.Key).Scan(&known); err != nil {
			return err
		}
		fromFeed := a.FeedID != 0
		var seenItem, seenContent bool
		if fromFeed && !known {
			// The article may be gone (ARTICLE_RETENTION) while the feed
			// still lists the item: its record of seen items remembers.
			var err error
			if seenItem, seenContent, err = seenBefore(ctx, tx, a); err != nil {
				return err
			}
		}
		if known || seenItem {
			return news.ErrAlreadyExists
		}
		var same int64
		var sameStory sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT id, story_id FROM articles WHERE origin = ?1 AND
			((?2 <> '' AND content_key = ?2) OR (?3 <> '' AND link_key = ?3)) LIMIT 1`,
			origin, a.ContentKey, a.LinkKey).Scan(&same, &sameStory)
		switch {
		case err == nil:
			seenAs = fmt.Sprintf("the same content or link as article %d", same)
			_, err := tx.ExecContext(ctx, `INSERT INTO articles
				(feed_id, origin, item_key, source, url, title, body, summary, topics, keywords, breaking, published_at, seen_at,
					story_id, content_key, link_key)
				VALUES (?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (origin, item_key) DO NOTHING`,
				feedID, origin, a.Key, a.Source, a.URL, a.Title, a.Summary, topics, keywords,
				boolInt(a.Breaking), millis(a.PublishedAt), millis(a.SeenAt), sameStory, a.ContentKey, a.LinkKey)
			if err == nil && fromFeed {
				err = recordSeen(ctx, tx, a, a.SeenAt)
			}
			return err // committed: seenAs says it is not new
		case !errors.Is(err, sql.ErrNoRows):
			return err
		case seenContent:
			// Its article was pruned: the new key is remembered, nothing
			// else is stored.
			seenAs = "the same content or link as an item the feed listed before"
			return recordSeen(ctx, tx, a, a.SeenAt)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO articles
			(feed_id, origin, item_key, source, url, title, body, summary, topics, keywords, breaking, published_at, seen_at,
				content_key, link_key, image_url, story_note)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (origin, item_key) DO NOTHING`,
			feedID, origin, a.Key, a.Source, a.URL, a.Title, a.Text, a.Summary, topics, keywords,
			boolInt(a.Breaking), millis(a.PublishedAt), millis(a.SeenAt), a.ContentKey, a.LinkKey, a.ImageURL, a.StoryNote)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return news.ErrAlreadyExists
		}
		if a.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		if fromFeed {
			if err := recordSeen(ctx, tx, a, a.SeenAt); err != nil {
				return err
			}
		}
		if err := indexArticle(ctx, tx, a.ID, a.SearchText); err != nil {
			return err
		}
		if a.StoryID == 0 {
			res, err := tx.ExecContext(ctx, `INSERT INTO stories (title, summary, topics, breaking, source_count, first_seen_at, updated_at)
				VALUES (?, ?, ?, ?, 1, ?, ?)`, a.Title, a.Summary, topics, boolInt(a.Breaking), millis(a.SeenAt), millis(a.SeenAt))
			if err != nil {
				return err
			}
			if a.StoryID, err = res.LastInsertId(); err != nil {
				return err
			}
		} else {
			var sourcesBefore int
			var summaryBefore string
			err := tx.QueryRowContext(ctx, `SELECT source_count, summary FROM stories WHERE id = ?`, a.StoryID).
				Scan(&sourcesBefore, &summaryBefore)
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("story %d: %w", a.StoryID, news.ErrNotFound)
			}
			if err != nil {
				return err
			}
			// The summary is the one written from every outlet's telling
			// when there is one; otherwise the first telling's stays, and
			// a later one fills it only when the first was a bare headline.
			res, err := tx.ExecContext(ctx, `UPDATE stories SET
				summary = CASE WHEN ?1 <> '' THEN ?1 WHEN summary = '' THEN ?2 ELSE summary END,
				breaking = MAX(breaking, ?3),
				source_count = (SELECT COUNT(DISTINCT source) FROM articles WHERE story_id = stories.id OR id = ?4),
				updated_at = ?5
				WHERE id = ?6`, a.StorySummary, a.Summary, boolInt(a.Breaking), a.ID, millis(a.SeenAt), a.StoryID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return fmt.Errorf("story %d: %w", a.StoryID, news.ErrNotFound)
			}
			if err := flagEdits(ctx, tx, a.StoryID, sourcesBefore, summaryBefore, d.Now()); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE articles SET story_id = ? WHERE id = ?`, a.StoryID, a.ID); err != nil {
			return err
		}
		if !push {
			return nil
		}
		n, err := queueDeliveries(ctx, tx, a, topics, keywords)
		queued = n
		return err
	})
	if err == nil && seenAs != "" {
		return news.Article{}, 0, fmt.Errorf("storage: article %s %s has %s: %w", origin, a.Key, seenAs, news.ErrAlreadyExists)
	}
	if errors.Is(err, news.ErrAlreadyExists) {
		return news.Article{}, 0, fmt.Errorf("storage: article %s %s: %w", origin, a.Key, news.ErrAlreadyExists)
	}
	if err != nil {
		return news.Article{}, 0, fmt.Errorf("storage: save article %q: %w", a.Title, err)
	}
	return a, int(queued), nil
}

// articleOrigin is where an article came from, the namespace of its Key:
// "feed:<id>" for a feed's items, "ingest:<source>" for the ingest API's;
// feedID is the feeds row it belongs to (nil for the ingest API).
func articleOrigin(a news.Article) (origin string, feedID any) {
	if a.FeedID != 0 {
		return feedOrigin(a.FeedID), a.FeedID
	}
	return "ingest:" + a.Source, nil
}

// queueDeliveries queues the article's story, in one row per chat (or
// forum thread), for every topic channel that carries one of its topics
// (or every breaking story) and every active, unpaused chat with a
// subscription matching its topics or keywords. A chat that has the story
// already gets nothing new.
func queueDeliveries(ctx context.Context, tx *sql.Tx, a news.Article, topics, keywords string) (int64, error) {
	at := millis(a.SeenAt)
	var queued int64
	// Channels first, and first in the outbox (priority 0): one post
	// reaches a whole audience. A channel mapped to several of the story's
	// topics gets one post, labelled with the first of them.
	res, err := tx.ExecContext(ctx, `INSERT INTO deliveries (chat_id, thread_id, story_id, article_id, topic, status, next_attempt_at, created_at, priority)
		SELECT ch.chat_id, 0, ?1, ?2, substr(MIN((ch.topic = 'breaking') || ch.display), 2), 'pending', ?3, ?3, 0
		FROM channels ch JOIN chats c ON c.id = ch.chat_id
		WHERE ch.enabled = 1 AND c.active = 1 AND (
			ch.topic IN (SELECT value FROM json_each(?4)) OR (ch.topic = 'breaking' AND ?5 = 1))
		GROUP BY ch.chat_id
		ON CONFLICT (chat_id, thread_id, story_id) DO NOTHING`,
		a.StoryID, a.ID, at, topics, boolInt(a.Breaking))
	if err != nil {
		return 0, err
	}
	if n, err := res.RowsAffected(); err == nil {
		queued += n
	}
	if len(a.Topics) == 0 && len(a.Keywords) == 0 {
		return queued, nil
	}
	// One row per chat or thread: GROUP BY collapses several matching
	// subscriptions, and the label prefers a topic over a keyword.
	// Breaking stories go before the rest (priority 1).
	res, err = tx.ExecContext(ctx, `INSERT INTO deliveries (chat_id, thread_id, story_id, article_id, topic, status, next_attempt_at, created_at, priority)
		SELECT s.chat_id, s.thread_id, ?1, ?2, substr(MIN((s.kind = 'keyword') || s.display), 2), 'pending', ?3, ?3,
			CASE WHEN ?6 = 1 THEN 1 ELSE 2 END
		FROM subscriptions s JOIN chats c ON c.id = s.chat_id
		WHERE c.active = 1 AND c.paused = 0 AND c.type <> 'channel' AND (
			(s.kind = 'topic' AND s.key IN (SELECT value FROM json_each(?4))) OR
			(s.kind = 'keyword' AND s.key IN (SELECT value FROM json_each(?5))))
			AND NOT EXISTS (SELECT 1 FROM subscriptions m WHERE m.chat_id = s.chat_id AND m.thread_id = s.thread_id
				AND m.kind = 'mute' AND m.key IN (SELECT value FROM json_each(?5)))
		GROUP BY s.chat_id, s.thread_id
		ON CONFLICT (chat_id, thread_id, story_id) DO NOTHING`,
		a.StoryID, a.ID, at, topics, keywords, boolInt(a.Breaking))
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return queued + n, err
}

// flagEdits marks the story's sent pushes for an edit when a new outlet
// joined it or its summary changed: readers who already have the story get
// no second message, but theirs may say who else carried it and carry the
// summary written from every telling. Pending pushes are flagged too: one
// may be in flight with the text as it was, and MarkSent keeps the flag
// only when the message was written before it. Pushes that go out inside
// a digest are left alone (their message is the digest). A new outlet
// also flags the story's open comparisons (see PendingComparisonEdits), as
// of now.
func flagEdits(ctx context.Context, tx *sql.Tx, storyID int64, sourcesBefore int, summaryBefore string, now time.Time) error {
	var sources int
	var summary string
	if err := tx.QueryRowContext(ctx, `SELECT source_count, summary FROM stories WHERE id = ?`, storyID).
		Scan(&sources, &summary); err != nil {
		return err
	}
	if sources <= sourcesBefore && summary == summaryBefore {
		return nil
	}
	if sources > sourcesBefore {
		if err := flagComparisons(ctx, tx, storyID, now); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, `UPDATE deliveries SET edit_pending = edit_pending + 1
		WHERE story_id = ? AND held_at = 0 AND (status = 'sent' AND message_id <> 0 OR status = 'pending')`, storyID)
	return err
}

// StoryTellings returns a story and the first article each outlet
// published of it (source, URL, title and text), oldest first, at most
// limit of them; a story that does not exist wraps news.ErrNotFound.
func (d *DB) StoryTellings(ctx context.Context, storyID int64, limit int) (news.Story, []news.Article, error) {
	var st news.Story
	err := d.db.QueryRowContext(ctx, `SELECT id, title, summary FROM stories WHERE id = ?`, storyID).
		Scan(&st.ID, &st.Title, &st.Summary)
	if errors.Is(err, sql.ErrNoRows) {
		return news.Story{}, nil, fmt.Errorf("storage: story %d: %w", storyID, news.ErrNotFound)
	}
	if err != nil {
		return news.Story{}, nil, fmt.Errorf("storage: story %d: %w", storyID, err)
	}
	// With MIN(id), SQLite takes the bare columns from that row: each
	// outlet's first article.
	rows, err := d.db.QueryContext(ctx, `SELECT source, url, title, body, MIN(id) AS first FROM articles
		WHERE story_id = ? GROUP BY source ORDER BY first LIMIT ?`, storyID, limit)
	if err != nil {
		return news.Story{}, nil, fmt.Errorf("storage: tellings of story %d: %w", storyID, err)
	}
	defer rows.Close()
	var out []news.Article
	for rows.Next() {
		a := news.Article{StoryID: storyID}
		if err := rows.Scan(&a.Source, &a.URL, &a.Title, &a.Text, &a.ID); err != nil {
			return news.Story{}, nil, fmt.Errorf("storage: tellings of story %d: %w", storyID, err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return news.Story{}, nil, fmt.Errorf("storage: tellings of story %d: %w", storyID, err)
	}
	return st, out, nil
}

func jsonList(xs []string) string {
	if len(xs) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(xs) // a []string always marshals
	return string(b)
}

func parseList(s string) []string {
	var xs []string
	_ = json.Unmarshal([]byte(s), &xs) // written by jsonList; a bad value reads as empty
	return xs
}

// Article returns one stored article, or news.ErrNotFound.
func (d *DB) Article(ctx context.Context, id int64) (news.Article, error) {
	var a news.Article
	var feedID, storyID sql.NullInt64
	var topics, keywords string
	var breaking int
	var pub, seen int64
	err := d.db.QueryRowContext(ctx, `SELECT id, feed_id, item_key, source, url, title, body, summary, topics, keywords,
		breaking, published_at, seen_at, story_id, story_note FROM articles WHERE id = ?`, id).Scan(
		&a.ID, &feedID, &a.Key, &a.Source, &a.URL, &a.Title, &a.Text, &a.Summary, &topics, &keywords,
		&breaking, &pub, &seen, &storyID, &a.StoryNote)
	if errors.Is(err, sql.ErrNoRows) {
		return news.Article{}, fmt.Errorf("storage: article %d: %w", id, news.ErrNotFound)
	}
	if err != nil {
		return news.Article{}, fmt.Errorf("storage: article %d: %w", id, err)
	}
	a.FeedID, a.StoryID = feedID.Int64, storyID.Int64
	a.Topics, a.Keywords = parseList(topics), parseList(keywords)
	a.Breaking = breaking == 1
	a.PublishedAt, a.SeenAt = fromMillis(pub), fromMillis(seen)
	return a, nil
}

// RecentArticles returns the articles first seen at or after since, oldest
// first, with their story and times, to warm the story detector after a
// restart.
func (d *DB) RecentArticles(ctx context.Context, since time.Time) ([]news.Article, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT id, COALESCE(feed_id, 0), item_key, source, url, title, body,
		breaking, published_at, seen_at, COALESCE(story_id, 0) FROM articles WHERE seen_at >= ? ORDER BY seen_at, id`, since.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("storage: recent articles: %w", err)
	}
	defer rows.Close()
	var out []news.Article
	for rows.Next() {
		var a news.Article
		var breaking int
		var published, seen int64
		if err := rows.Scan(&a.ID, &a.FeedID, &a.Key, &a.Source, &a.URL, &a.Title, &a.Text, &breaking, &published, &seen, &a.StoryID); err != nil {
			return nil, fmt.Errorf("storage: recent articles: %w", err)
		}
		a.Breaking, a.PublishedAt, a.SeenAt = breaking == 1, fromMillis(published), fromMillis(seen)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: recent articles: %w", err)
	}
	return out, nil
}
