package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ajel-news/ajel/news"
)

// Retention says what Prune keeps.
type Retention struct {
	// Deliveries is how long sent, failed and dropped outbox rows are kept
	// after they were queued; pending rows are never pruned.
	Deliveries time.Duration
	// Articles is how long articles are kept after they were seen; one a
	// pending row still carries is kept, and a story goes with its last
	// article.
	Articles time.Duration
	// Batch is the most rows one short write transaction deletes (default
	// 500), so the write lock is never held for long; after a batch that
	// held it longer than 50 ms the next one is halved (down to 25 rows),
	// and the next Prune starts at the size the last one ended with.
	Batch int
}

const (
	// slowBatch is how long a prune batch may hold the write lock before
	// the next one is made smaller: other writers (a story being queued,
	// a push being recorded) wait that long at most.
	slowBatch = 50 * time.Millisecond
	// minBatch is the smallest batch.
	minBatch = 25
)

// Pruned says what one Prune deleted.
type Pruned struct {
	Deliveries, Articles, Stories int
	// SeenItems counts the items forgotten from feeds' records of seen
	// items beyond SeenItemsPerFeed (items those feeds stopped listing).
	SeenItems int
	// LongestLock is the longest one batch held the write lock: from the
	// moment its transaction had the lock to the end of its deletes (the
	// commit, which appends the pages to the WAL, follows).
	LongestLock time.Duration
	// LongestBatch is the longest one batch took end to end, waiting for
	// the lock and committing included (and a checkpoint, when SQLite runs
	// one after the commit; it does not hold the write lock).
	LongestBatch time.Duration
	// FreedPages is how many pages the incremental vacuum gave back.
	FreedPages int
}

// Prune deletes what r no longer keeps as of now, in batches of at most
// r.Batch rows, each its own short transaction, and gives the freed pages back to
// the file system (PRAGMA incremental_vacuum), also in steps. It stops
// early, with what it did so far, when ctx ends.
func (d *DB) Prune(ctx context.Context, now time.Time, r Retention) (Pruned, error) {
	if r.Batch <= 0 {
		r.Batch = 500
	}
	var p Pruned
	steps := []struct {
		what   string
		count  *int
		pick   string // the ids to delete, at most LIMIT ?
		cutoff int64
	}{
		{"deliveries", &p.Deliveries, `SELECT id FROM deliveries
			WHERE status <> 'pending' AND created_at < ? LIMIT ?`, millis(now.Add(-r.Deliveries))},
		// Follow updates are outbox rows too, counted with them.
		{"updates", &p.Deliveries, `SELECT id FROM updates
			WHERE status <> 'pending' AND created_at < ? LIMIT ?`, millis(now.Add(-r.Deliveries))},
		{"articles", &p.Articles, `SELECT a.id FROM articles a
			WHERE a.seen_at < ? AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.article_id = a.id AND d.status = 'pending')
			LIMIT ?`, millis(now.Add(-r.Articles))},
		// A story with no article left (and no pending push) goes too.
		{"stories", &p.Stories, `SELECT s.id FROM stories s
			WHERE s.updated_at < ? AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.story_id = s.id)
			AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.story_id = s.id AND d.status = 'pending')
			LIMIT ?`, millis(now.Add(-r.Articles))},
	}
	for _, st := range steps {
		size := r.Batch
		if learned, ok := d.pruned.sizes.Load(st.what); ok {
			size = min(learned.(int), r.Batch)
		}
		for ctx.Err() == nil {
			began := time.Now()
			n, held, err := d.pruneBatch(ctx, st.what, st.pick, st.cutoff, size)
			p.LongestBatch = max(p.LongestBatch, time.Since(began))
			p.LongestLock = max(p.LongestLock, held)
			if err != nil {
				return p, err
			}
			*st.count += n
			if n < size {
				break
			}
			// What a row costs to delete grows with the tables (and an
			// article's search entry costs more than an outbox row): a slow
			// batch halves the next one, quick ones let it grow back.
			switch {
			case held > slowBatch && size > minBatch:
				size = max(size/2, minBatch)
			case held < slowBatch/4 && size < r.Batch:
				size = min(size*2, r.Batch)
			}
		}
		d.pruned.sizes.Store(st.what, size)
	}
	seen, err := d.pruneSeen(ctx, r.Batch)
	p.SeenItems = seen
	if err != nil {
		return p, err
	}
	// Follows that ended are forgotten (few: one per tap).
	if _, err := d.db.ExecContext(ctx, `DELETE FROM follows WHERE until < ?`, millis(now)); err != nil {
		return p, fmt.Errorf("storage: prune follows: %w", err)
	}
	// So are comparisons no longer open (no longer edited).
	if _, err := d.db.ExecContext(ctx, `DELETE FROM comparisons WHERE created_at < ?`, millis(now.Add(-news.CompareWindow))); err != nil {
		return p, fmt.Errorf("storage: prune comparisons: %w", err)
	}
	freed, err := d.vacuumFree(ctx)
	p.FreedPages = freed
	d.pruned.add(p, now)
	return p, err
}

// pruneBatch deletes, in its own transaction, the rows of table what that
// pick chooses (at most limit) and says how many went and how long it held
// the write lock before committing. Articles leave the search index with
// them.
func (d *DB) pruneBatch(ctx context.Context, what, pick string, cutoff int64, limit int) (int, time.Duration, error) {
	var n int64
	var held time.Duration
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		locked := time.Now() // BEGIN IMMEDIATE has the write lock
		defer func() { held = time.Since(locked) }()
		rows, err := tx.QueryContext(ctx, pick, cutoff, limit)
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil || len(ids) == 0 {
			return err
		}
		list, _ := json.Marshal(ids) // a []int64 always marshals
		if what == "articles" {
			if _, err := tx.ExecContext(ctx, `DELETE FROM articles_fts WHERE docid IN (SELECT value FROM json_each(?))`, string(list)); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM `+what+` WHERE id IN (SELECT value FROM json_each(?))`, string(list))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, held, fmt.Errorf("storage: prune %s: %w", what, err)
	}
	return int(n), held, nil
}

// vacuumPages is how many free pages one incremental_vacuum step gives
// back (4 MiB at 4 KiB pages): short, like a prune batch.
const vacuumPages = 1000

// vacuumFree gives the free pages back to the file system, a step at a
// time, and says how many it gave: what the file lost, in pages (the free
// pages and the pointer-map pages that tracked them), not the pages asked
// for.
//
// PRAGMA incremental_vacuum frees one page per step of its statement (it
// returns a row per page), so it is read to the end: executed once, as
// database/sql's Exec does, it frees a single page of the thousand asked
// for, and counting the thousand made the prune log ~1000× too high.
func (d *DB) vacuumFree(ctx context.Context) (int, error) {
	pragma := func(name string) (int, error) {
		var n int
		if err := d.db.QueryRowContext(ctx, `PRAGMA `+name).Scan(&n); err != nil {
			return 0, fmt.Errorf("storage: %s: %w", name, err)
		}
		return n, nil
	}
	pages, err := pragma("page_count")
	if err != nil {
		return 0, err
	}
	freed := func() int {
		now, err := pragma("page_count")
		if err != nil {
			return 0
		}
		return max(pages-now, 0)
	}
	for ctx.Err() == nil {
		free, err := pragma("freelist_count")
		if err != nil {
			return freed(), err
		}
		if free == 0 {
			break
		}
		steps := 0
		if err := d.scan(ctx, func(*sql.Rows) error { steps++; return nil },
			fmt.Sprintf(`PRAGMA incremental_vacuum(%d)`, min(free, vacuumPages))); err != nil {
			return freed(), fmt.Errorf("storage: incremental_vacuum: %w", err)
		}
		if steps == 0 {
			break // nothing could be given back now
		}
	}
	return freed(), nil
}

// pruneTotals counts what this process pruned, for /stats, /healthz and
// /metrics.
type pruneTotals struct {
	deliveries, articles, stories atomic.Int64
	last                          atomic.Int64 // Unix ms of the last Prune
	// sizes is the batch size each table's last batch ended with, so the
	// next Prune starts where this one learned the rows' cost.
	sizes sync.Map // table name → int
}

func (t *pruneTotals) add(p Pruned, at time.Time) {
	t.deliveries.Add(int64(p.Deliveries))
	t.articles.Add(int64(p.Articles))
	t.stories.Add(int64(p.Stories))
	t.last.Store(at.UnixMilli())
}

// Upkeep is the state of the database's upkeep.
type Upkeep struct {
	// Bytes is the size of the database on disk (its file and its WAL).
	Bytes int64
	// PrunedDeliveries, PrunedArticles and PrunedStories count what Prune
	// deleted since the process started; LastPrune is when it last ran.
	PrunedDeliveries, PrunedArticles, PrunedStories int64
	LastPrune                                       time.Time
}

// Upkeep reports the database's size and what was pruned.
func (d *DB) Upkeep() Upkeep {
	u := Upkeep{
		PrunedDeliveries: d.pruned.deliveries.Load(),
		PrunedArticles:   d.pruned.articles.Load(),
		PrunedStories:    d.pruned.stories.Load(),
		LastPrune:        fromMillis(d.pruned.last.Load()),
	}
	for _, f := range []string{d.path, d.path + "-wal"} {
		if st, err := os.Stat(f); err == nil {
			u.Bytes += st.Size()
		}
	}
	return u
}

// KeepPruned runs Prune every interval (and once at once) until ctx ends,
// logging what each run deleted; a failed run is logged and tried again at
// the next one.
func (d *DB) KeepPruned(ctx context.Context, r Retention, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		p, err := d.Prune(ctx, d.Now(), r)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("storage: pruning failed; tried again later", "err", err)
		case p.Deliveries+p.Articles+p.Stories+p.SeenItems > 0:
			log.Info("storage: pruned", "deliveries", p.Deliveries, "articles", p.Articles, "stories", p.Stories,
				"seen_items", p.SeenItems,
				"freed_pages", p.FreedPages, "longest_lock", p.LongestLock, "longest_batch", p.LongestBatch)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
