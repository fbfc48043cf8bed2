package storage_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/storage"
	"github.com/ajel-news/ajel/storage/storagetest"
)

// MustOpenDB opens a fresh database in a temporary directory and closes it
// when the test ends.
func MustOpenDB(tb testing.TB) *storage.DB { return storagetest.Open(tb) }

func mustOpenPath(tb testing.TB, path string) *storage.DB { return storagetest.OpenAt(tb, path) }

func mustChat(t *testing.T, db *storage.DB, id int64, typ news.ChatType) {
	storagetest.Chat(t, db, id, typ)
}

func mustSub(t *testing.T, db *storage.DB, chatID int64, kind news.SubscriptionKind, key string) {
	storagetest.Follow(t, db, chatID, kind, key)
}

func TestOpenReopenKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ajel.db")
	db, err := storage.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SaveChat(t.Context(), news.Chat{ID: 7, Type: news.ChatPrivate}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Subscribe(t.Context(), news.Subscription{ChatID: 7, Kind: news.KindKeyword, Key: "ادلب", Display: "إدلب"}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	db = mustOpenPath(t, path)
	subs, err := db.Subscriptions(t.Context(), news.Target{ChatID: 7})
	if err != nil || len(subs) != 1 || subs[0].Display != "إدلب" || subs[0].Key != "ادلب" {
		t.Fatalf("after reopen: %+v, %v", subs, err)
	}
	v, err := db.SchemaVersion(t.Context())
	if err != nil || v < 2 {
		t.Fatalf("schema version %d, %v", v, err)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ajel.db")
	db := mustOpenPath(t, path)
	db.Close()
	raw, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, '999_future.sql', 0)`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	_, err = storage.Open(t.Context(), path)
	if err == nil || !strings.Contains(err.Error(), "newer version of Ajel") || !strings.Contains(err.Error(), "999") {
		t.Fatalf("want a newer-version error, got %v", err)
	}
}

func TestSubscribeRules(t *testing.T) {
	db := MustOpenDB(t)
	ctx := t.Context()
	mustChat(t, db, 1, news.ChatPrivate)
	mustSub(t, db, 1, news.KindTopic, "syria")

	_, err := db.Subscribe(ctx, news.Subscription{ChatID: 1, Kind: news.KindTopic, Key: "syria", Display: "سوريا"})
	if !errors.Is(err, news.ErrAlreadyExists) {
		t.Fatalf("duplicate: %v", err)
	}
	for i := 1; i < news.MaxSubscriptionsPerChat; i++ {
		mustSub(t, db, 1, news.KindKeyword, fmt.Sprint("k", i))
	}
	_, err = db.Subscribe(ctx, news.Subscription{ChatID: 1, Kind: news.KindKeyword, Key: "one-too-many", Display: "x"})
	if !errors.Is(err, news.ErrTooManySubscriptions) {
		t.Fatalf("over the limit: %v", err)
	}
	subs, _ := db.Subscriptions(ctx, news.Target{ChatID: 1})
	if len(subs) != news.MaxSubscriptionsPerChat {
		t.Fatalf("have %d subscriptions, want %d", len(subs), news.MaxSubscriptionsPerChat)
	}
	if err := db.Unsubscribe(ctx, news.Target{ChatID: 1}, news.KindTopic, "syria"); err != nil {
		t.Fatal(err)
	}
	if err := db.Unsubscribe(ctx, news.Target{ChatID: 1}, news.KindTopic, "syria"); !errors.Is(err, news.ErrNotFound) {
		t.Fatalf("second unsubscribe: %v", err)
	}
	if _, err := db.Subscribe(ctx, news.Subscription{ChatID: 404, Kind: news.KindTopic, Key: "x", Display: "x"}); err == nil {
		t.Fatal("subscribing an unknown chat must fail (foreign key)")
	}
	if err := db.DeleteChat(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if subs, _ := db.Subscriptions(ctx, news.Target{ChatID: 1}); len(subs) != 0 {
		t.Fatalf("after delete: %d subscriptions left", len(subs))
	}
}

func TestUpdateOffsetPersists(t *testing.T) {
	db := MustOpenDB(t)
	if n, err := db.UpdateOffset(t.Context()); n != 0 || err != nil {
		t.Fatalf("fresh offset %d, %v", n, err)
	}
	if err := db.SetUpdateOffset(t.Context(), 42); err != nil {
		t.Fatal(err)
	}
	if n, _ := db.UpdateOffset(t.Context()); n != 42 {
		t.Fatalf("offset %d, want 42", n)
	}
}

func article(key, title string, topics, keywords []string) news.Article {
	return news.Article{FeedID: 0, Source: "test", Key: key, Title: title, URL: "https://example.com/" + key,
		Topics: topics, Keywords: keywords, SearchText: title}
}

func TestSaveArticleFansOutOncePerChat(t *testing.T) {
	db := MustOpenDB(t)
	ctx := t.Context()
	// chat 1: topic and keyword both match: one row.
	mustChat(t, db, 1, news.ChatPrivate)
	mustSub(t, db, 1, news.KindTopic, "syria")
	mustSub(t, db, 1, news.KindKeyword, "ادلب")
	// chat 2: only the keyword.
	mustChat(t, db, 2, news.ChatGroup)
	mustSub(t, db, 2, news.KindKeyword, "ادلب")
	// chat 3: paused; chat 4: blocked the bot; chat 5: other topic.
	mustChat(t, db, 3, news.ChatPrivate)
	mustSub(t, db, 3, news.KindTopic, "syria")
	if err := db.SetPaused(ctx, 3, true); err != nil {
		t.Fatal(err)
	}
	mustChat(t, db, 4, news.ChatPrivate)
	mustSub(t, db, 4, news.KindTopic, "syria")
	if _, err := db.DeactivateChat(ctx, 4, "403"); err != nil {
		t.Fatal(err)
	}
	mustChat(t, db, 5, news.ChatPrivate)
	mustSub(t, db, 5, news.KindTopic, "egypt")

	a, queued, err := db.SaveArticle(ctx, article("a1", "قصف في إدلب", []string{"syria"}, []string{"ادلب"}), true)
	if err != nil {
		t.Fatal(err)
	}
	if queued != 2 {
		t.Fatalf("queued %d, want 2 (chats 1 and 2)", queued)
	}
	pending, err := db.PendingDeliveries(ctx, time.Now().Add(time.Minute), 100)
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]string{}
	for _, d := range pending {
		got[d.ChatID] = d.Push.Topic
		if d.Push.Title != "قصف في إدلب" || d.StoryID != a.StoryID {
			t.Errorf("delivery %+v", d)
		}
	}
	if got[1] != "syria" || got[2] != "ادلب" || len(got) != 2 {
		t.Fatalf("deliveries by chat %v: chat 1 should be labelled by its topic", got)
	}

	// The same item again is not new and queues nothing.
	if _, _, err := db.SaveArticle(ctx, article("a1", "قصف في إدلب", []string{"syria"}, nil), true); !errors.Is(err, news.ErrAlreadyExists) {
		t.Fatalf("re-sent item: %v", err)
	}
	// A second outlet joining the story sends nothing to chats that have it,
	// but reaches a chat that newly matches.
	b := article("b1", "غارات على إدلب", []string{"syria", "egypt"}, nil)
	b.Source, b.StoryID = "other outlet", a.StoryID
	_, queued, err = db.SaveArticle(ctx, b, true)
	if err != nil || queued != 1 {
		t.Fatalf("joining article queued %d (want 1, chat 5), %v", queued, err)
	}
	pending, _ = db.PendingDeliveries(ctx, time.Now().Add(time.Minute), 100)
	for _, d := range pending {
		if d.Push.OtherSources != 1 {
			t.Errorf("chat %d: other sources %d, want 1", d.ChatID, d.Push.OtherSources)
		}
	}
	// Priming stores without queuing.
	_, queued, err = db.SaveArticle(ctx, article("c1", "سوريا", []string{"syria"}, nil), false)
	if err != nil || queued != 0 {
		t.Fatalf("priming queued %d, %v", queued, err)
	}
}

func TestDeliveryLifecycle(t *testing.T) {
	db := MustOpenDB(t)
	ctx := t.Context()
	for id := int64(1); id <= 3; id++ {
		mustChat(t, db, id, news.ChatPrivate)
		mustSub(t, db, id, news.KindTopic, "syria")
	}
	if _, _, err := db.SaveArticle(ctx, article("a", "خبر", []string{"syria"}, nil), true); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.SaveArticle(ctx, article("b", "خبر آخر", []string{"syria"}, nil), true); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	pending, _ := db.PendingDeliveries(ctx, now, 100)
	if len(pending) != 6 {
		t.Fatalf("pending %d, want 6", len(pending))
	}
	byChat := map[int64][]news.Delivery{}
	for _, d := range pending {
		byChat[d.ChatID] = append(byChat[d.ChatID], d)
	}
	if err := db.MarkSent(ctx, byChat[1][0].ID, 99, now, false, 0); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkSent(ctx, byChat[1][0].ID, 99, now, false, 0); !errors.Is(err, news.ErrNotFound) {
		t.Fatalf("marking a sent row again: %v", err)
	}
	if err := db.MarkRetry(ctx, byChat[1][1].ID, now.Add(time.Hour), "500 Internal"); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkFailed(ctx, byChat[2][0].ID, "400 chat not found"); err != nil {
		t.Fatal(err)
	}
	dropped, err := db.DeactivateChat(ctx, 3, "403 blocked")
	if err != nil || dropped != 2 {
		t.Fatalf("dropped %d, %v", dropped, err)
	}
	pending, _ = db.PendingDeliveries(ctx, now, 100)
	if len(pending) != 1 || pending[0].ChatID != 2 {
		t.Fatalf("due now: %+v", pending)
	}
	stats, err := db.Outbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Pending != 2 || stats.Sent != 1 || stats.Failed != 1 || stats.Dropped != 2 || stats.OldestPending.IsZero() {
		t.Fatalf("outbox %+v", stats)
	}
	if !stats.NewestSent.Equal(now.Truncate(time.Millisecond)) {
		t.Errorf("newest send %s, want %s", stats.NewestSent, now)
	}
	ds, _ := db.Deliveries(ctx, 2)
	if ds[0].Status != news.DeliveryFailed || ds[0].LastError != "400 chat not found" {
		t.Fatalf("failed row keeps its reason: %+v", ds[0])
	}
}

func TestMigrateChat(t *testing.T) {
	for _, existing := range []bool{false, true} {
		t.Run(fmt.Sprint("target exists=", existing), func(t *testing.T) {
			db := MustOpenDB(t)
			ctx := t.Context()
			mustChat(t, db, -1, news.ChatGroup)
			mustSub(t, db, -1, news.KindTopic, "syria")
			mustSub(t, db, -1, news.KindKeyword, "ادلب")
			if existing {
				mustChat(t, db, -1001, news.ChatSupergroup)
				mustSub(t, db, -1001, news.KindTopic, "syria")
			}
			if _, _, err := db.SaveArticle(ctx, article("a", "خبر", []string{"syria"}, nil), true); err != nil {
				t.Fatal(err)
			}
			if err := db.MigrateChat(ctx, -1, -1001); err != nil {
				t.Fatal(err)
			}
			subs, _ := db.Subscriptions(ctx, news.Target{ChatID: -1001})
			if len(subs) != 2 {
				t.Fatalf("subscriptions after migration: %+v", subs)
			}
			if _, err := db.Chat(ctx, -1); !errors.Is(err, news.ErrNotFound) {
				t.Fatalf("old chat still there: %v", err)
			}
			pending, _ := db.PendingDeliveries(ctx, time.Now().Add(time.Minute), 10)
			if len(pending) != 1 || pending[0].ChatID != -1001 {
				t.Fatalf("pending after migration: %+v", pending)
			}
		})
	}
}

func TestSearchTakesQueryLiterally(t *testing.T) {
	db := MustOpenDB(t)
	ctx := t.Context()
	a := article("a", "انفجار في بيروت", []string{"lebanon"}, nil)
	a.SearchText = "انفجار في بيروت"
	if _, _, err := db.SaveArticle(ctx, a, false); err != nil {
		t.Fatal(err)
	}
	b := article("b", "مباراة", []string{"sports"}, nil)
	if _, _, err := db.SaveArticle(ctx, b, false); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		terms []string
		want  int
	}{
		{[]string{"بيروت"}, 1},
		{[]string{"بيروت", "انفجار"}, 1},
		{[]string{"دمشق"}, 0},
		{[]string{`بيروت" OR "`, "*"}, 0},
		{[]string{"NEAR", "AND", `"`, "'); DROP TABLE articles; --"}, 0},
		{nil, 0},
	} {
		got, err := db.SearchArticles(ctx, tc.terms, 10)
		if err != nil || len(got) != tc.want {
			t.Errorf("search %q: %d results, %v; want %d", tc.terms, len(got), err, tc.want)
		}
	}
	latest, err := db.LatestStories(ctx, "lebanon", 5)
	if err != nil || len(latest) != 1 || latest[0].Title != "انفجار في بيروت" {
		t.Fatalf("latest lebanon: %+v, %v", latest, err)
	}
	latest, _ = db.LatestStories(ctx, "", 5)
	if len(latest) != 2 || latest[0].Title != "مباراة" {
		t.Fatalf("latest: %+v", latest)
	}
}

func TestFeeds(t *testing.T) {
	db := MustOpenDB(t)
	ctx := t.Context()
	f, err := db.AddFeed(ctx, news.Feed{URL: "https://example.com/rss"})
	if err != nil {
		t.Fatal(err)
	}
	again, err := db.AddFeed(ctx, news.Feed{URL: "https://example.com/rss"})
	if !errors.Is(err, news.ErrAlreadyExists) || again.ID != f.ID {
		t.Fatalf("duplicate feed: %+v, %v", again, err)
	}
	f.Title, f.ETag, f.Primed, f.Failures, f.LastError = "Example", `"v1"`, true, 2, "feed: server answered 500"
	f.NextPollAt = time.UnixMilli(1_800_000_000_000).UTC()
	f.Held = news.HeldItems{Old: 1, Future: 2, OverLimit: 3}
	if err := db.UpdateFeed(ctx, f); err != nil {
		t.Fatal(err)
	}
	got, _ := db.Feed(ctx, f.ID)
	if got.Title != "Example" || got.ETag != `"v1"` || !got.Primed || got.Failures != 2 || !got.NextPollAt.Equal(f.NextPollAt) ||
		got.Held != f.Held {
		t.Fatalf("feed after update: %+v", got)
	}
	if err := db.DeleteFeed(ctx, f.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteFeed(ctx, f.ID); !errors.Is(err, news.ErrNotFound) {
		t.Fatalf("delete twice: %v", err)
	}
}

func TestBackup(t *testing.T) {
	db := MustOpenDB(t)
	mustChat(t, db, 1, news.ChatPrivate)
	dst := filepath.Join(t.TempDir(), "backup.db")
	if err := db.Backup(t.Context(), dst); err != nil {
		t.Fatal(err)
	}
	copyDB := mustOpenPath(t, dst)
	if _, err := copyDB.Chat(t.Context(), 1); err != nil {
		t.Fatalf("backup lacks the chat: %v", err)
	}
	if err := db.Backup(t.Context(), dst); err == nil {
		t.Fatal("backup over an existing file must fail")
	}
	if err := db.Backup(t.Context(), filepath.Join(t.TempDir(), "no", "such", "dir.db")); err == nil {
		t.Fatal("backup into a missing directory must fail")
	}
}

func BenchmarkFanout10k(b *testing.B) {
	db := MustOpenDB(b)
	ctx := context.Background()
	for id := int64(1); id <= 10_000; id++ {
		if err := db.SaveChat(ctx, news.Chat{ID: id, Type: news.ChatPrivate}); err != nil {
			b.Fatal(err)
		}
		if _, err := db.Subscribe(ctx, news.Subscription{ChatID: id, Kind: news.KindTopic, Key: "syria", Display: "سوريا"}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := range b.N {
		_, n, err := db.SaveArticle(ctx, article(fmt.Sprint("k", i), "خبر", []string{"syria"}, nil), true)
		if err != nil || n != 10_000 {
			b.Fatalf("queued %d, %v", n, err)
		}
	}
}
