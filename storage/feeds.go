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
	full_text, pages_read, pages_failed, last_page_error, poll_interval_ms, quiet_polls, poll_reason, rhythm,
	lang, held_language, country, name, page_url, pages_in_row, pages_failing_since,
	COALESCE((SELECT w.state || char(31) || w.hub || char(31) || w.reason || char(31) || w.lease_until FROM websub w
		WHERE w.feed_id = feeds.id AND w.state <> 'unsubscribing' ORDER BY w.created_at DESC LIMIT 1), '')`

func scanFeed(r rowScanner) (news.Feed, error) {
	var f news.Feed
	var breaking, primed int
	var errAt, okAt, next, created int64
	var mode, lang, websub string
	var interval, pagesSince int64
	var reason string
	var rhythm []byte
	err := r.Scan(&f.ID, &f.URL, &f.Title, &breaking, &f.ETag, &f.LastModified, &primed, &f.Failures,
		&f.LastError, &errAt, &okAt, &f.Held.Old, &f.Held.Future, &f.Held.OverLimit, &next, &created,
		&mode, &f.Pages.Read, &f.Pages.Failed, &f.LastPageError, &interval, &f.QuietPolls, &reason, &rhythm,
		&lang, &f.Held.Language, &f.Country, &f.Name, &f.PageURL, &f.Pages.InRow, &pagesSince, &websub)
	f.Pages.FailingSince = fromMillis(pagesSince)
	f.FullText, f.Lang = news.FullTextMode(mode), news.FeedLanguage(lang)
	f.Interval, f.PollReason = time.Duration(interval)*time.Millisecond, news.PollReason(reason)
	f.Rhythm = decodeRhythm(rhythm)
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
	lang, ok := news.ParseFeedLanguage(string(f.Lang))
	if !ok {
		return news.Feed{}, fmt.Errorf("storage: add feed %s: language %q: %w", f.URL, f.Lang, news.ErrInvalid)
	}
	if f.Name != "" {
		if _, err := news.CheckFeedName(f.Name); err != nil {
			return news.Feed{}, fmt.Errorf("storage: add feed %s: %w", f.URL, err)
		}
	}
	res, err := d.db.ExecContext(ctx, `INSERT INTO feeds (url, title, breaking, full_text, lang, country, name, page_url, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		f.URL, f.Title, boolInt(f.Breaking), string(mode), string(lang), f.Country, f.Name, f.PageURL, d.Now().UnixMilli())
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

// FeedByAddress finds the feed an address names: the feed's own URL, or
// the web page it was found from. It returns news.ErrNotFound when none
// does.
func (d *DB) FeedByAddress(ctx context.Context, addr string) (news.Feed, error) {
	f, err := scanFeed(d.db.QueryRowContext(ctx, `SELECT `+feedColumns+` FROM feeds
		WHERE url = ?1 OR (page_url = ?1 AND page_url <> '') ORDER BY url <> ?1, id LIMIT 1`, addr))
	if errors.Is(err, sql.ErrNoRows) {
		return news.Feed{}, fmt.Errorf("storage: feed at %s: %w", addr, news.ErrNotFound)
	}
	if err != nil {
		return news.Feed{}, fmt.Errorf("storage: feed at %s: %w", addr, err)
	}
	return f, nil
}

// Feeds lists every feed in the order they were added.
func (d *DB) Feeds(ctx context.Context) ([]news.Feed, error) {
	return queryAll(ctx, d.db, "feeds", scanFeed, `SELECT `+feedColumns+` FROM feeds ORDER BY id`)
}

// UpdateFeed saves what a poll learned: validators, title, priming, the
// failure count and last error, the items held back, the feed's rhythm,
// and when to poll next and why.
func (d *DB) UpdateFeed(ctx context.Context, f news.Feed) error {
	res, err := d.db.ExecContext(ctx, `UPDATE feeds SET
		title = CASE WHEN title = '' THEN ? ELSE title END,
		etag = ?, last_modified = ?, primed = ?, failures = ?, last_error = ?,
		last_error_at = ?, last_success_at = ?, held_old = ?, held_future = ?, held_over_limit = ?, held_language = ?,
		next_poll_at = ?, poll_interval_ms = ?, quiet_polls = ?, poll_reason = ?, rhythm = ?
		WHERE id = ?`,
		f.Title, f.ETag, f.LastModified, boolInt(f.Primed), f.Failures, f.LastError,
		millis(f.LastErrorAt), millis(f.LastSuccessAt), f.Held.Old, f.Held.Future, f.Held.OverLimit, f.Held.Language,
		millis(f.NextPollAt), f.Interval.Milliseconds(), f.QuietPolls, string(f.PollReason), encodeRhythm(f.Rhythm), f.ID)
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
	if opts.Lang != "" {
		if _, ok := news.ParseFeedLanguage(string(opts.Lang)); !ok {
			return news.Feed{}, fmt.Errorf("storage: feed %d: language %q: %w", id, opts.Lang, news.ErrInvalid)
		}
	}
	switch opts.Breaking {
	case "", news.Yes, news.No:
	default:
		return news.Feed{}, fmt.Errorf("storage: feed %d: breaking %q: %w", id, opts.Breaking, news.ErrInvalid)
	}
	if opts.Name != "" && opts.Name != news.NameNone {
		if _, err := news.CheckFeedName(opts.Name); err != nil {
			return news.Feed{}, fmt.Errorf("storage: feed %d: %w", id, err)
		}
	}
	var f news.Feed
	opts.Apply(&f) // country=none and name=- become ""
	res, err := d.db.ExecContext(ctx, `UPDATE feeds SET full_text = COALESCE(NULLIF(?, ''), full_text),
		lang = COALESCE(NULLIF(?, ''), lang),
		breaking = CASE ? WHEN 'yes' THEN 1 WHEN 'no' THEN 0 ELSE breaking END,
		country = CASE WHEN ? THEN ? ELSE country END,
		name = CASE WHEN ? THEN ? ELSE name END WHERE id = ?`,
		string(opts.FullText), string(opts.Lang), string(opts.Breaking), opts.Country != "", f.Country,
		opts.Name != "", f.Name, id)
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
// feed's last page error. Failures in a row are counted from the first
// (Pages.InRow, Pages.FailingSince); a page that works starts over.
func (d *DB) RecordPage(ctx context.Context, feedID int64, failure string) error {
	_, err := d.db.ExecContext(ctx, `UPDATE feeds SET pages_read = pages_read + 1,
		pages_failed = pages_failed + (?1 <> ''),
		last_page_error = CASE WHEN ?1 <> '' THEN ?2 ELSE last_page_error END,
		pages_in_row = CASE WHEN ?1 <> '' THEN pages_in_row + 1 ELSE 0 END,
		pages_failing_since = CASE WHEN ?1 = '' THEN 0 WHEN pages_in_row = 0 THEN ?3 ELSE pages_failing_since END
		WHERE id = ?4`, failure, textcut.Line(failure, 300), d.Now().UnixMilli(), feedID)
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
