// Package storagetest opens Ajel's database for tests: a real SQLite file
// in the test's temporary directory (never :memory:, which a connection
// pool would split into several databases), closed when the test ends, and
// chats seeded with what they follow.
package storagetest

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/storage"
)

// Open opens a fresh database in tb's temporary directory.
func Open(tb testing.TB) *storage.DB {
	tb.Helper()
	return OpenAt(tb, filepath.Join(tb.TempDir(), "ajel.db"))
}

// OpenAt opens (creating if needed) the database at path, as a process
// start does; it is closed when tb ends, unless the test closed it first.
func OpenAt(tb testing.TB, path string) *storage.DB {
	tb.Helper()
	db, err := storage.Open(context.Background(), path)
	if err != nil {
		tb.Fatalf("storagetest: open %s: %v", path, err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// Chat saves a chat of the given type that follows the given topics
// (catalogue slugs, shown under the slug).
func Chat(tb testing.TB, db *storage.DB, id int64, typ news.ChatType, topics ...string) {
	tb.Helper()
	ctx := context.Background()
	if err := db.SaveChat(ctx, news.Chat{ID: id, Type: typ, Title: fmt.Sprint("chat ", id)}); err != nil {
		tb.Fatalf("storagetest: save chat %d: %v", id, err)
	}
	for _, topic := range topics {
		if _, err := db.Subscribe(ctx, news.Subscription{ChatID: id, Kind: news.KindTopic, Key: topic, Display: topic}); err != nil {
			tb.Fatalf("storagetest: subscribe %d to %s: %v", id, topic, err)
		}
	}
}

// Follow subscribes a chat to a topic slug or a keyword (key in matching
// form), shown under its key.
func Follow(tb testing.TB, db *storage.DB, chatID int64, kind news.SubscriptionKind, key string) {
	tb.Helper()
	if _, err := db.Subscribe(context.Background(), news.Subscription{ChatID: chatID, Kind: kind, Key: key, Display: key}); err != nil {
		tb.Fatalf("storagetest: subscribe %d to %s %q: %v", chatID, kind, key, err)
	}
}

// Readers saves the private chats first … first+n-1, each following topic.
func Readers(tb testing.TB, db *storage.DB, first int64, n int, topic string) {
	tb.Helper()
	for id := first; id < first+int64(n); id++ {
		Chat(tb, db, id, news.ChatPrivate, topic)
	}
}

// Seed writes readers into the database file at path before any process
// opens it, and closes it again.
func Seed(tb testing.TB, path string, first int64, n int, topic string) {
	tb.Helper()
	db, err := storage.Open(context.Background(), path)
	if err != nil {
		tb.Fatalf("storagetest: open %s: %v", path, err)
	}
	defer db.Close()
	Readers(tb, db, first, n, topic)
}
