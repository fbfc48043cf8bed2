package storage_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/storage"
)

// clock is a settable time for db.Now.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

var keep = storage.Retention{Deliveries: 7 * 24 * time.Hour, Articles: 30 * 24 * time.Hour, Batch: 50}

// Prune deletes what is old and done, and never what is pending or recent.
func TestPruneKeepsPendingAndRecent(t *testing.T) {
	db := MustOpenDB(t)
	ctx := t.Context()
	c := &clock{t: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)}
	db.Now = c.now
	mustChat(t, db, 1, news.ChatPrivate)
	mustSub(t, db, 1, news.KindTopic, "syria")
	save := func(key string, at time.Time) news.Article {
		t.Helper()
		c.t = at
		a, _, err := db.SaveArticle(ctx, news.Article{Key: key, Title: "خبر " + key, Topics: []string{"syria"},
			SearchText: "خبر " + key, SeenAt: at}, true)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	start := c.t
	old := save("old", start)                                   // sent below, then 40 days pass
	stuck := save("stuck", start.Add(time.Hour))                // still pending after 40 days
	week := save("week", start.Add(35*24*time.Hour))            // sent 5 days before the prune
	_ = save("recent", start.Add(39*24*time.Hour+23*time.Hour)) // pending and recent
	for _, a := range []news.Article{old, week} {
		ds, _ := db.Deliveries(ctx, 1)
		for _, d := range ds {
			if d.ArticleID == a.ID {
				if err := db.MarkSent(ctx, d.ID, 10, a.SeenAt, false, d.EditPending); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	now := start.Add(40 * 24 * time.Hour)
	p, err := db.Prune(ctx, now, keep)
	if err != nil {
		t.Fatal(err)
	}
	if p.Deliveries != 1 || p.Articles != 1 || p.Stories != 1 {
		t.Errorf("pruned %+v, want the old article's delivery, article and story", p)
	}
	rows, _ := db.Deliveries(ctx, 1)
	var left []string
	for _, d := range rows {
		left = append(left, d.Push.Title+"/"+string(d.Status))
	}
	want := "خبر stuck/pending خبر week/sent خبر recent/pending"
	if strings.Join(left, " ") != want {
		t.Errorf("deliveries left %q, want %q", strings.Join(left, " "), want)
	}
	if _, err := db.Article(ctx, stuck.ID); err != nil {
		t.Errorf("the article a pending push carries was pruned: %v", err)
	}
	if _, err := db.Article(ctx, old.ID); err == nil {
		t.Error("the old article is still there")
	}
	if found, _ := db.SearchArticles(ctx, []string{"old"}, 5); len(found) != 0 {
		t.Errorf("search still finds the pruned article: %+v", found)
	}
	if found, _ := db.SearchArticles(ctx, []string{"week"}, 5); len(found) != 1 {
		t.Errorf("search does not find a kept article: %+v", found)
	}
	// Nothing is left to prune: a second run deletes nothing.
	if p, err := db.Prune(ctx, now, keep); err != nil || p.Deliveries+p.Articles+p.Stories != 0 {
		t.Errorf("second prune: %+v, %v", p, err)
	}
	if u := db.Upkeep(); u.PrunedDeliveries != 1 || u.PrunedArticles != 1 || u.Bytes == 0 || !u.LastPrune.Equal(now) {
		t.Errorf("upkeep %+v", u)
	}
}

// A fan-out of 10,000 rows queued long ago and still pending survives any
// prune, in batches that each hold the write lock briefly.
func TestPruneNeverTouchesPendingRows(t *testing.T) {
	db := MustOpenDB(t)
	ctx := t.Context()
	for id := int64(1); id <= 10_000; id++ {
		if err := db.SaveChat(ctx, news.Chat{ID: id, Type: news.ChatPrivate}); err != nil {
			t.Fatal(err)
		}
		mustSub(t, db, id, news.KindTopic, "syria")
	}
	seen := time.Now().Add(-90 * 24 * time.Hour)
	if _, n, err := db.SaveArticle(ctx, news.Article{Key: "k", Title: "خبر", Topics: []string{"syria"}, SeenAt: seen}, true); err != nil || n != 10_000 {
		t.Fatalf("queued %d, %v", n, err)
	}
	p, err := db.Prune(ctx, time.Now(), storage.Retention{Deliveries: time.Hour, Articles: time.Hour})
	if err != nil || p.Deliveries+p.Articles+p.Stories != 0 {
		t.Fatalf("pruned %+v (%v) while 10,000 rows are pending", p, err)
	}
	out, _ := db.Outbox(ctx)
	if out.Pending != 10_000 {
		t.Errorf("%d pending after the prune, want 10,000", out.Pending)
	}
}

// The file shrinks once old articles go: pages are given back.
func TestPruneShrinksTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ajel.db")
	db := mustOpenPath(t, path)
	ctx := t.Context()
	body := strings.Repeat("نص طويل من خبر قديم لا يبحث عنه أحد. ", 150) // ~ 8 KB
	old := time.Now().Add(-60 * 24 * time.Hour)
	for i := range 1500 {
		if _, _, err := db.SaveArticle(ctx, news.Article{Key: fmt.Sprint(i), Title: "خبر", Text: body, SearchText: body, SeenAt: old}, false); err != nil {
			t.Fatal(err)
		}
	}
	before := fileSize(t, path)
	pagesBefore := pageCount(t, path)
	p, err := db.Prune(ctx, time.Now(), keep)
	if err != nil || p.Articles != 1500 || p.FreedPages == 0 {
		t.Fatalf("pruned %+v, %v", p, err)
	}
	// The prune log's freed_pages is what the file lost, not the pages
	// asked of each vacuum step (it once said ~1000 times more).
	if lost := pagesBefore - pageCount(t, path); p.FreedPages != lost {
		t.Errorf("FreedPages = %d, but the database lost %d pages", p.FreedPages, lost)
	}
	// The WAL holds the freed pages until a checkpoint writes them back.
	if _, err := rawExec(t, path, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	after := fileSize(t, path)
	if after > before/4 {
		t.Errorf("the file went from %d to %d bytes; want it to shrink with the articles", before, after)
	}
	t.Logf("1500 articles of 8 KB: %d bytes before the prune, %d after", before, after)
}

// pageCount is the database's size in pages, as another connection sees it.
func pageCount(t *testing.T, path string) int {
	t.Helper()
	raw, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var n int
	if err := raw.QueryRowContext(t.Context(), `PRAGMA page_count`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	var n int64
	for _, f := range []string{path, path + "-wal"} {
		if st, err := os.Stat(f); err == nil {
			n += st.Size()
		}
	}
	return n
}

func rawExec(t *testing.T, path, q string) (sql.Result, error) {
	t.Helper()
	raw, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		return nil, err
	}
	defer raw.Close()
	return raw.ExecContext(context.Background(), q)
}

// A database made before incremental vacuum was on is converted at Open.
func TestOpenTurnsOnIncrementalVacuum(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	if _, err := rawExec(t, path, `CREATE TABLE x (a); DROP TABLE x;`); err != nil {
		t.Fatal(err)
	}
	mustOpenPath(t, path).Close()
	raw, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var mode int
	if err := raw.QueryRow(`PRAGMA auto_vacuum`).Scan(&mode); err != nil || mode != 2 {
		t.Errorf("auto_vacuum %d (%v), want 2 (incremental)", mode, err)
	}
}
