package storage

import (
	"path/filepath"
	"testing"
)

// Every connection has the settings Litestream asks of an application
// beside it: WAL, a busy timeout of at least 5 s, synchronous NORMAL, and
// SQLite's own checkpoints held back so Litestream's run first.
func TestConnectionsSuitLitestream(t *testing.T) {
	d, err := Open(t.Context(), filepath.Join(t.TempDir(), "ajel.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for _, tc := range []struct {
		pragma string
		ok     func(int64) bool
	}{
		{"busy_timeout", func(v int64) bool { return v >= 5000 }},
		{"synchronous", func(v int64) bool { return v == 1 }}, // NORMAL
		{"wal_autocheckpoint", func(v int64) bool { return v == walAutocheckpoint }},
		{"foreign_keys", func(v int64) bool { return v == 1 }},
	} {
		var v int64
		if err := d.db.QueryRowContext(t.Context(), "PRAGMA "+tc.pragma).Scan(&v); err != nil || !tc.ok(v) {
			t.Errorf("PRAGMA %s = %d (%v)", tc.pragma, v, err)
		}
	}
	var mode string
	if err := d.db.QueryRowContext(t.Context(), "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode %q (%v)", mode, err)
	}
}
