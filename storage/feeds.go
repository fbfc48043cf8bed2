package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ajel-news/ajel/internal/textcut"
	"github.com/ajel-news/ajel/news"
	sqlite3 "github.com/mattn/go-sqlite3"
)

const feedColumns = `id, url, title, breaking, etag, last_modified, primed, failures, last_error,
	last_error_at, last_success_at, held_old, held_future, held_over_limit, next_poll_at, created_at,
	full_text, pages_read, pages_failed, last_page_error, poll_interval_ms, quiet_polls, publish_gap_ms, country,
	COALESCE((SELECT w.state || char(31) || w.hub || char(31) || w.reason || char(31) || w.lease_until FROM websub w
		WHERE w.feed_id = feeds.id AND w.state <> 'unsubscribing' ORDER BY w.created_at DESC LIMIT 1), '')`

func scanFeed(r rowScanner) (news.Feed, error) {
	var f news.Feed
	var breaking, primed int
	var errAt, okAt, next, created int64
	var mode, websub string
	var interval, gap int64
	err := r.Scan(&f.ID, &f.URL, &f.Title, &breaking, &f.ETag, &f.LastModified, &primed, &f.Failures,
		&f.LastError, &errAt, &okAt, &f.Held.Old, &f.Held.Future, &f.Held.OverLimit, &next, &created,
		&mode, &f.Pages.Read, &f.Pages.Failed, &f.LastPageError, &interval, &f.QuietPolls, &gap, &f.Country, &websub)
	f.FullText = news.FullTextMode(mode)
	f.Interval, f.PublishGap = time.Duration(interval)*time.Millisecond, time.Duration(gap)*time.Millisecond
	if parts := strings.Split(websub, "\x1f"); len(parts) == 4 {
		lease, _ := strconv.ParseInt(parts[3], 10, 64)
		f.WebSub = news.WebSubStatus{State: news.WebSubState(parts[0]), Hub: parts[1], Reason: parts[2], LeaseUntil: fromMillis(lease)}
	}
	f.Breaking, f.Primed = breaking == 1, primed == 1
	f.LastErrorAt, f.LastSuccessAt, f.NextPollAt, f.CreatedAt = fromMillis(errAt), fromMillis(okAt), fromMillis(next), fromMillis(created)
	return f, err
}

// AddFeed records a feed to poll. Adding a URL that is already there returns
// the existing feed with news.ErrAlreadyExists.
func (d *DB) AddFeed(ctx context.Context, f news.Feed) (news.Feed, error) {
	mode, ok := news.ParseFullTextMode(string(f.FullText))
	if !ok {
		return news.Feed{}, fmt.Errorf("storage: add feed %s: full text mode %q: %w", f.URL, f.FullText, news.ErrInvalid)
	}
	res, err := d.db.ExecContext(ctx, `INSERT INTO feeds (url, title, breaking, full_text, country, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		f.URL, f.Title, boolInt(f.Breaking), string(mode), f.Country, d.Now().UnixMilli())
	var sqlErr sqlite3.Error
	if errors.As(err, &sqlErr) && sqlErr.ExtendedCode == sqlite3.ErrConstraintUnique {
		existing, ferr := scanFeed(d.db.QueryRowContext(ctx, `SELECT `+feedColumns+` FROM feeds WHERE url = ?`, f.URL))
		if ferr != nil {
			return news.Feed{}, fmt.Errorf("storage: add feed %s: %w", f.URL, ferr)
		}
		return existing, fmt.Errorf("storage: add feed %s: %w", f.URL, news.ErrAlreadyExists)
	}
	if err != nil {
		return news.Feed{}, fmt.Errorf("storage: add feed %s: %w", f.URL, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return news.Feed{}, fmt.Errorf("storage: add feed %s: %w", f.URL, err)
	}
	return d.Feed(ctx, id)
}

// Feed returns one feed, or news.ErrNotFound.
func (d *DB) Feed(ctx context.Context, id int64) (news.Feed, error) {
	f, err := scanFeed(d.db.QueryRowContext(ctx, `SELECT `+feedColumns+` FROM feeds WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return news.Feed{}, fmt.Errorf("storage: feed %d: %w", id, news.ErrNotFound)
	}
	if err != nil {
		return news.Feed{}, fmt.Errorf("storage: feed %d: %w", id, err)
	}
	return f, nil
}

// Feeds lists every feed in the order they were added.
func (d *DB) Feeds(ctx context.Context) ([]news.Feed, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT `+feedColumns+` FROM feeds ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("storage: feeds: %w", err)
	}
	defer rows.Close()
	var feeds []news.Feed
	for rows.Next() {
		f, err := scanFeed(rows)
		if err != nil {
			return nil, fmt.Errorf("storage: feeds: %w", err)
		}
		feeds = append(feeds, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: feeds: %w", err)
	}
	return feeds, nil
}

// UpdateFeed saves what a poll learned: validators, title, priming, the
// failure count and last error, the items held back, and when to poll
// next.
func (d *DB) UpdateFeed(ctx context.Context, f news.Feed) error {
	res, err := d.db.ExecContext(ctx, `UPDATE feeds SET
		title = CASE WHEN title = '' THEN ? ELSE title END,
		etag = ?, last_modified = ?, primed = ?, failures = ?, last_error = ?,
		last_error_at = ?, last_success_at = ?, held_old = ?, held_future = ?, held_over_limit = ?, next_poll_at = ?,
		poll_interval_ms = ?, quiet_polls = ?, publish_gap_ms = ?
		WHERE id = ?`,
		f.Title, f.ETag, f.LastModified, boolInt(f.Primed), f.Failures, f.LastError,
		millis(f.LastErrorAt), millis(f.LastSuccessAt), f.Held.Old, f.Held.Future, f.Held.OverLimit,
		millis(f.NextPollAt), f.Interval.Milliseconds(), f.QuietPolls, f.PublishGap.Milliseconds(), f.ID)
	if err != nil {
		return fmt.Errorf("storage: update feed %d: %w", f.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("storage: update feed %d: %w", f.ID, news.ErrNotFound)
	}
	return nil
}

// SetFeedOptions changes the options given in opts on a feed (a zero
// field is left as it is; country=none clears the country) and returns
// the feed as it now stands. The country is stored as given: the caller
// has resolved it to a catalogue slug.
func (d *DB) SetFeedOptions(ctx context.Context, id int64, opts news.FeedOptions) (news.Feed, error) {
	if opts.FullText != "" {
		if _, ok := news.ParseFullTextMode(string(opts.FullText)); !ok {
			return news.Feed{}, fmt.Errorf("storage: feed %d: full text mode %q: %w", id, opts.FullText, news.ErrInvalid)
		}
	}
	var f news.Feed
	opts.Apply(&f) // country=none becomes ""
	res, err := d.db.ExecContext(ctx, `UPDATE feeds SET full_text = COALESCE(NULLIF(?, ''), full_text),
		country = CASE WHEN ? THEN ? ELSE country END WHERE id = ?`,
		string(opts.FullText), opts.Country != "", f.Country, id)
	if err != nil {
		return news.Feed{}, fmt.Errorf("storage: feed %d: options: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return news.Feed{}, fmt.Errorf("storage: feed %d: %w", id, news.ErrNotFound)
	}
	return d.Feed(ctx, id)
}

// RecordPage counts an article page read for a feed; failure is why it
// gave nothing usable ("" when it gave the article's text), kept as the
// feed's last page error.
func (d *DB) RecordPage(ctx context.Context, feedID int64, failure string) error {
	_, err := d.db.ExecContext(ctx, `UPDATE feeds SET pages_read = pages_read + 1,
		pages_failed = pages_failed + (? <> ''),
		last_page_error = CASE WHEN ? <> '' THEN ? ELSE last_page_error END
		WHERE id = ?`, failure, failure, textcut.Line(failure, 300), feedID)
	if err != nil {
		return fmt.Errorf("storage: feed %d: record page: %w", feedID, err)
	}
	return nil
}

// DeleteFeed stops polling a feed. Its articles stay, so stories already
// pushed keep their sources.
func (d *DB) DeleteFeed(ctx context.Context, id int64) error {
	res, err := d.db.ExecContext(ctx, `DELETE FROM feeds WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("storage: delete feed %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("storage: delete feed %d: %w", id, news.ErrNotFound)
	}
	return nil
}
