// Package storage keeps Ajel's state in one SQLite file through
// mattn/go-sqlite3: chats and their subscriptions, feeds, articles, stories
// and the delivery outbox. The schema comes from numbered SQL migrations
// embedded in the binary and applied in order when the database opens.
package storage

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3" // also registers the "sqlite3" driver
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// DB is Ajel's database. It is safe for concurrent use.
type DB struct {
	db   *sql.DB
	path string
	// Now is the clock used for created/updated times; tests replace it.
	Now func() time.Time

	pruned pruneTotals
	// seenPerFeed bounds each feed's record of seen items
	// (SeenItemsPerFeed; tests lower it).
	seenPerFeed int
}

// walAutocheckpoint is how many WAL pages a commit may leave before SQLite
// checkpoints on its own. Litestream, when it runs beside Ajel, checkpoints
// at 1,000 pages (SQLite's default too) under its own lock; a higher
// threshold here leaves that to it, and still bounds the WAL (about 40 MB)
// when Litestream is not running.
const walAutocheckpoint = 10_000

// driverName is go-sqlite3 with Ajel's per-connection settings that have
// no DSN parameter.
const driverName = "sqlite3_ajel"

func init() {
	sql.Register(driverName, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		if _, err := c.Exec("PRAGMA wal_autocheckpoint = "+strconv.Itoa(walAutocheckpoint), nil); err != nil {
			return err
		}
		// The hash of an item's keys in seen_items, so SQL (a migration
		// filling it from articles) and Go compute the same one.
		return c.RegisterFunc("ajel_key_hash", keyHash, true)
	}})
}

// Open opens (creating if needed) the SQLite file at path and brings its
// schema up to date. A database written by a newer Ajel is refused rather
// than guessed at.
func Open(ctx context.Context, dbPath string) (*DB, error) {
	if dbPath == "" {
		return nil, errors.New("storage: empty database path")
	}
	q := url.Values{}
	q.Set("_foreign_keys", "on")
	q.Set("_journal_mode", "WAL")
	// Litestream needs WAL and asks for a busy timeout of at least 5 s (it
	// takes the write lock briefly to checkpoint); NORMAL is safe in WAL.
	q.Set("_busy_timeout", "10000")
	q.Set("_synchronous", "NORMAL")
	// Writers take the lock at BEGIN, so two writers queue on the busy
	// timeout instead of failing with "database is locked" on upgrade.
	q.Set("_txlock", "immediate")
	// A new file is created with incremental auto-vacuum (an existing one
	// is converted once, after the migrations), so pages Prune frees can be
	// given back to the file system.
	q.Set("_auto_vacuum", "incremental")
	dsn := "file:" + dbPath + "?" + q.Encode()
	sqlDB, err := sql.Open(driverName, dsn)
	if err != nil {
		return nil, fmt.Errorf("storage: open %s: %w", dbPath, err)
	}
	sqlDB.SetMaxOpenConns(4)
	sqlDB.SetConnMaxIdleTime(time.Minute)
	d := &DB{db: sqlDB, path: dbPath, Now: time.Now, seenPerFeed: SeenItemsPerFeed}
	if err := sqlDB.PingContext(ctx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("storage: open %s: %w", dbPath, err)
	}
	if err := d.migrate(ctx); err != nil {
		sqlDB.Close()
		return nil, err
	}
	if err := d.incrementalVacuumOn(ctx); err != nil {
		sqlDB.Close()
		return nil, err
	}
	return d, nil
}

// incrementalVacuumOn turns on auto_vacuum=INCREMENTAL in a database made
// before it was the default: it needs one VACUUM, which rewrites the file
// (and needs as much free disk space again) and so is done once, here.
func (d *DB) incrementalVacuumOn(ctx context.Context) error {
	var mode int
	if err := d.db.QueryRowContext(ctx, `PRAGMA auto_vacuum`).Scan(&mode); err != nil {
		return fmt.Errorf("storage: read auto_vacuum: %w", err)
	}
	const incremental = 2
	if mode == incremental {
		return nil
	}
	conn, err := d.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("storage: turn on incremental vacuum: %w", err)
	}
	defer conn.Close()
	for _, q := range []string{`PRAGMA auto_vacuum = INCREMENTAL`, `VACUUM`} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("storage: turn on incremental vacuum (%s): %w", q, err)
		}
	}
	return nil
}

// Close closes the database.
func (d *DB) Close() error {
	if err := d.db.Close(); err != nil {
		return fmt.Errorf("storage: close: %w", err)
	}
	return nil
}

// Path is the file the database lives in.
func (d *DB) Path() string { return d.path }

// Ping reports whether the database answers a query.
func (d *DB) Ping(ctx context.Context) error {
	var one int
	if err := d.db.QueryRowContext(ctx, `SELECT 1`).Scan(&one); err != nil {
		return fmt.Errorf("storage: ping: %w", err)
	}
	return nil
}

type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, fmt.Errorf("storage: read migrations: %w", err)
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("storage: migration %q must start with a number and '_'", e.Name())
		}
		body, err := migrationFiles.ReadFile(path.Join("migrations", e.Name()))
		if err != nil {
			return nil, fmt.Errorf("storage: read migration %s: %w", e.Name(), err)
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("storage: migrations must be numbered 1, 2, 3…; %s is out of order", m.name)
		}
	}
	return ms, nil
}

// migrate applies every embedded migration the database has not seen, each
// in its own transaction, and records it in schema_migrations.
func (d *DB) migrate(ctx context.Context) error {
	ms, err := loadMigrations()
	if err != nil {
		return err
	}
	if _, err := d.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT    NOT NULL,
		applied_at INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("storage: create schema_migrations: %w", err)
	}
	var current int
	if err := d.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return fmt.Errorf("storage: read schema version: %w", err)
	}
	if current > len(ms) {
		return fmt.Errorf("storage: %s was written by a newer version of Ajel (schema version %d; this binary knows up to %d): run the newer binary or restore a backup", d.path, current, len(ms))
	}
	for _, m := range ms[current:] {
		err := d.inTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
				m.version, m.name, d.Now().UnixMilli())
			return err
		})
		if err != nil {
			return fmt.Errorf("storage: apply migration %s: %w", m.name, err)
		}
	}
	return nil
}

// SchemaVersion is the number of the last migration applied.
func (d *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	if err := d.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("storage: schema version: %w", err)
	}
	return v, nil
}

// inTx runs fn in a short write transaction, committing when fn returns nil.
func (d *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// Backup writes a consistent copy of the live database to dst with VACUUM
// INTO. dst must not exist yet: an existing file is never overwritten.
func (d *DB) Backup(ctx context.Context, dst string) error {
	if dst == "" {
		return errors.New("storage: backup: empty destination path")
	}
	if _, err := d.db.ExecContext(ctx, `VACUUM INTO ?`, dst); err != nil {
		return fmt.Errorf("storage: backup to %s: %w", dst, err)
	}
	return nil
}

func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// IsUnavailable reports whether err comes from the database failing rather
// than from the data: locked by another process past the busy timeout, a
// full disk, an I/O error. Such a failure is worth reporting as the
// database's (in /healthz) and trying again; callers need not know the
// driver's error types.
func IsUnavailable(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se)
}
