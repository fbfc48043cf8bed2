package storage

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"fmt"
	"strconv"
	"time"

	"github.com/ajel-news/ajel/news"
)

// SeenItemsPerFeed bounds the record of the items a feed listed
// (seen_items), which outlives their articles so that an item a feed
// still lists after ARTICLE_RETENTION pruned its article is not news
// again. Its order is the last time a poll listed an item, so what a
// feed lists now is always the newest part of its record and only items
// it stopped listing are forgotten: the bound needs only to exceed the
// most entries a feed lists at once. Feeds list 10 to a few hundred
// (some keep every item of the last months, 500–1,000); 5,000 is five
// times the largest of those, and costs about 100 bytes an item
// (0.5 MB a feed at the bound).
const SeenItemsPerFeed = 5000

// seenRefresh is how old an item's last listing may be before a poll
// that lists it again moves it to the front of its feed's record: at
// most one write a day for an item a feed keeps listing.
const seenRefresh = 24 * time.Hour

// keyHash is the 64-bit hash of an item's key, content key or link key
// that seen_items keeps (0 for none): the first 8 bytes of its SHA-256.
// Keys are already hashes; this only makes them small. A false match
// within one feed's 15,000 keys has a chance of about 1 in 10^15.
func keyHash(key string) int64 {
	if key == "" {
		return 0
	}
	sum := sha256.Sum256([]byte(key))
	if h := int64(binary.BigEndian.Uint64(sum[:8])); h != 0 {
		return h
	}
	return 1
}

// feedOrigin is the origin of a feed's articles.
func feedOrigin(feedID int64) string { return "feed:" + strconv.FormatInt(feedID, 10) }

// recordSeen adds an item of a feed to seen_items, or marks it listed at.
func recordSeen(ctx context.Context, tx *sql.Tx, a news.Article, at time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO seen_items (feed_id, item, content, link, listed_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (feed_id, item) DO UPDATE SET listed_at = MAX(listed_at, excluded.listed_at)`,
		a.FeedID, keyHash(a.Key), keyHash(a.ContentKey), keyHash(a.LinkKey), millis(at))
	return err
}

// seenBefore reports whether the feed listed an item with a's key
// (sameItem), or another one with its content or its link (sameContent),
// at any time its record still covers.
func seenBefore(ctx context.Context, tx *sql.Tx, a news.Article) (sameItem, sameContent bool, err error) {
	err = tx.QueryRowContext(ctx, `SELECT
		EXISTS (SELECT 1 FROM seen_items WHERE feed_id = ?1 AND item = ?2),
		EXISTS (SELECT 1 FROM seen_items WHERE feed_id = ?1 AND content <> 0 AND content = ?3) OR
		EXISTS (SELECT 1 FROM seen_items WHERE feed_id = ?1 AND link <> 0 AND link = ?4)`,
		a.FeedID, keyHash(a.Key), keyHash(a.ContentKey), keyHash(a.LinkKey)).Scan(&sameItem, &sameContent)
	return sameItem, sameContent, err
}

// UnknownItems returns those of keys that feed feedID never listed: no
// article under the key, and none in the feed's record of seen items
// (the items of a poll that may be new; one relisted under a new key may
// still turn out to be known by its content or link). The keys it knows
// are, as the poll listed them, moved to the front of the feed's record
// when they were last listed more than a day ago.
func (d *DB) UnknownItems(ctx context.Context, feedID int64, keys []string) (map[string]bool, error) {
	byHash := make(map[int64]string, len(keys))
	hashes := make([]int64, 0, len(keys))
	for _, k := range keys {
		h := keyHash(k)
		byHash[h] = k
		hashes = append(hashes, h)
	}
	now := d.Now()
	seen := map[string]bool{}
	var stale []int64
	err := d.scan(ctx, func(rows *sql.Rows) error {
		var h, listed int64
		if err := rows.Scan(&h, &listed); err != nil {
			return err
		}
		seen[byHash[h]] = true
		if now.Sub(fromMillis(listed)) > seenRefresh {
			stale = append(stale, h)
		}
		return nil
	}, `SELECT item, listed_at FROM seen_items WHERE feed_id = ? AND item IN (SELECT value FROM json_each(?))`,
		feedID, jsonInts(hashes))
	if err != nil {
		return nil, wrapUnknown(feedID, err)
	}
	if len(stale) > 0 {
		if _, err := d.db.ExecContext(ctx, `UPDATE seen_items SET listed_at = ?1
			WHERE feed_id = ?2 AND item IN (SELECT value FROM json_each(?3)) AND listed_at < ?1`,
			millis(now), feedID, jsonInts(stale)); err != nil {
			return nil, fmt.Errorf("storage: mark items of feed %d listed: %w", feedID, err)
		}
	}
	var rest []string
	for _, k := range keys {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	out := map[string]bool{}
	if len(rest) == 0 {
		return out, nil
	}
	// A busy feed's record may have let go of an item whose article is
	// still kept: the articles have the last word.
	err = d.scan(ctx, func(rows *sql.Rows) error {
		var k string
		if err := rows.Scan(&k); err != nil {
			return err
		}
		out[k] = true
		return nil
	}, `SELECT DISTINCT j.value FROM json_each(?2) j
		WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.origin = ?1 AND a.item_key = j.value)`,
		feedOrigin(feedID), jsonList(rest))
	return out, wrapUnknown(feedID, err)
}

func wrapUnknown(feedID int64, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("storage: unknown items of feed %d: %w", feedID, err)
}

// scan runs a query and hands each row to fn.
func (d *DB) scan(ctx context.Context, fn func(*sql.Rows) error, query string, args ...any) error {
	rows, err := d.db.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// pruneSeen forgets, a batch at a time, the items each feed listed
// longest ago beyond SeenItemsPerFeed, and says how many went. Counting
// reads the whole record (about 1 ms per 10,000 items), every prune.
func (d *DB) pruneSeen(ctx context.Context, batch int) (int, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT feed_id, COUNT(*) - ? FROM seen_items GROUP BY feed_id HAVING COUNT(*) > ?`,
		d.seenPerFeed, d.seenPerFeed)
	if err != nil {
		return 0, fmt.Errorf("storage: prune seen items: %w", err)
	}
	type excess struct {
		feed int64
		n    int
	}
	var over []excess
	for rows.Next() {
		var e excess
		if err := rows.Scan(&e.feed, &e.n); err != nil {
			rows.Close()
			return 0, fmt.Errorf("storage: prune seen items: %w", err)
		}
		over = append(over, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("storage: prune seen items: %w", err)
	}
	pruned := 0
	for _, e := range over {
		for left := e.n; left > 0 && ctx.Err() == nil; {
			res, err := d.db.ExecContext(ctx, `DELETE FROM seen_items WHERE feed_id = ?1 AND item IN (
				SELECT item FROM seen_items WHERE feed_id = ?1 ORDER BY listed_at, item LIMIT ?2)`, e.feed, min(left, batch))
			if err != nil {
				return pruned, fmt.Errorf("storage: prune seen items of feed %d: %w", e.feed, err)
			}
			n, _ := res.RowsAffected()
			if n == 0 {
				break
			}
			pruned += int(n)
			left -= int(n)
		}
	}
	return pruned, nil
}

func jsonInts(xs []int64) string {
	b := make([]byte, 0, len(xs)*21+2)
	b = append(b, '[')
	for i, x := range xs {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, x, 10)
	}
	return string(append(b, ']'))
}
