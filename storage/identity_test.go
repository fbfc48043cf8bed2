package storage_test

import (
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/ajel-news/ajel/news"
)

// A feed that lists an item again under a new identity — new GUIDs, a
// move to https, a trailing slash — is not telling anything new: the item
// is recorded under its new key, in the story it told, and queues nothing.
// Another feed carrying the same text is another outlet, and new.
func TestSaveArticleKnowsAnItemByContentOrLink(t *testing.T) {
	db := MustOpenDB(t)
	ctx := t.Context()
	mustChat(t, db, 1, news.ChatPrivate)
	mustSub(t, db, 1, news.KindTopic, "syria")
	feed, err := db.AddFeed(ctx, news.Feed{URL: "https://example.com/rss"})
	if err != nil {
		t.Fatal(err)
	}
	other, err := db.AddFeed(ctx, news.Feed{URL: "https://other.example/rss"})
	if err != nil {
		t.Fatal(err)
	}
	item := func(feedID int64, key, content, link string) news.Article {
		a := article(key, "قصف على ريف إدلب", []string{"syria"}, nil)
		a.FeedID, a.ContentKey, a.LinkKey = feedID, content, link
		return a
	}
	first, queued, err := db.SaveArticle(ctx, item(feed.ID, "guid-1", "c:one", "k:one"), true)
	if err != nil || queued != 1 {
		t.Fatalf("first telling queued %d, %v", queued, err)
	}
	for _, tc := range []struct {
		name string
		a    news.Article
	}{
		{"new GUID, same content", item(feed.ID, "guid-1b", "c:one", "k:elsewhere")},
		{"new GUID, same page (https, slash)", item(feed.ID, "guid-1c", "c:edited", "k:one")},
	} {
		_, queued, err := db.SaveArticle(ctx, tc.a, true)
		if !errors.Is(err, news.ErrAlreadyExists) || queued != 0 {
			t.Errorf("%s: queued %d, err %v; want ErrAlreadyExists", tc.name, queued, err)
		}
	}
	// Recorded under the new keys: the next poll knows them at once.
	unknown, err := db.UnknownItems(ctx, feed.ID, []string{"guid-1", "guid-1b", "guid-1c", "guid-2"})
	if err != nil {
		t.Fatal(err)
	}
	if got := slices.Sorted(maps.Keys(unknown)); !slices.Equal(got, []string{"guid-2"}) {
		t.Errorf("unknown items %q, want only guid-2", got)
	}
	ds, err := db.Deliveries(ctx, 1)
	if err != nil || len(ds) != 1 || ds[0].StoryID != first.StoryID {
		t.Fatalf("chat 1 outbox %+v, %v: want the one push", ds, err)
	}
	stories, err := db.LatestStories(ctx, "", 10)
	if err != nil || len(stories) != 1 {
		t.Errorf("%d stories, %v: a relisted item is no story of its own", len(stories), err)
	}

	// Something really new on the same feed, and the same text from
	// another outlet, both push.
	if _, queued, err := db.SaveArticle(ctx, item(feed.ID, "guid-2", "c:two", "k:two"), true); err != nil || queued != 1 {
		t.Errorf("a new item queued %d, %v", queued, err)
	}
	if _, queued, err := db.SaveArticle(ctx, item(other.ID, "guid-1", "c:one", "k:one"), true); err != nil || queued != 1 {
		t.Errorf("another outlet's telling queued %d, %v", queued, err)
	}
	// Items without keys (a body-less item of the ingest API) are compared
	// by their key only.
	for i, key := range []string{"x1", "x2"} {
		a := item(0, key, "", "")
		a.SeenAt = time.Now().Add(time.Duration(i) * time.Second)
		if _, _, err := db.SaveArticle(ctx, a, false); err != nil {
			t.Errorf("keyless article %s: %v", key, err)
		}
	}
}

// A feed's record of seen items outlives its articles and is bounded by
// count: past the bound the items listed longest ago are forgotten, and
// an item the feed keeps listing (refreshed when a poll lists it again)
// is never among them. An item forgotten that way is new once more.
func TestSeenItemsOutliveArticlesWithinTheirBound(t *testing.T) {
	db := MustOpenDB(t)
	db.SetSeenItemsPerFeed(20)
	ctx := t.Context()
	feed, err := db.AddFeed(ctx, news.Feed{URL: "https://example.com/rss"})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := start
	db.Now = func() time.Time { return clock }
	item := func(i int) news.Article {
		a := article(fmt.Sprint("g:", i), fmt.Sprint("خبر رقم ", i), nil, nil)
		a.FeedID, a.ContentKey, a.LinkKey = feed.ID, fmt.Sprint("c:", i), fmt.Sprint("k:", i)
		return a
	}
	for i := range 25 {
		clock = start.Add(time.Duration(i) * time.Hour)
		if _, _, err := db.SaveArticle(ctx, item(i), false); err != nil {
			t.Fatal(err)
		}
	}
	// Two days later the feed still lists item 0 (an evergreen page).
	clock = start.Add(50 * time.Hour)
	if unknown, err := db.UnknownItems(ctx, feed.ID, []string{"g:0", "g:new"}); err != nil || !maps.Equal(unknown, map[string]bool{"g:new": true}) {
		t.Fatalf("unknown items %v, %v; want only the new one", unknown, err)
	}
	p, err := db.Prune(ctx, start.AddDate(1, 0, 0), keep)
	if err != nil || p.Articles != 25 || p.SeenItems != 5 {
		t.Fatalf("pruned %+v, %v; want 25 articles and the 5 items listed longest ago", p, err)
	}
	for _, tc := range []struct {
		name string
		a    news.Article
		new  bool
	}{
		{"still listed, its article pruned", item(0), false},
		{"listed recently, its article pruned", item(24), false},
		{"listed recently, under a new GUID", func() news.Article { a := item(23); a.Key = "g:renamed"; return a }(), false},
		{"listed recently, same page only", func() news.Article { a := item(22); a.Key, a.ContentKey = "g:moved", "c:edited"; return a }(), false},
		{"listed longest ago, forgotten", item(1), true},
	} {
		_, _, err := db.SaveArticle(ctx, tc.a, false)
		if got := !errors.Is(err, news.ErrAlreadyExists); got != tc.new || (tc.new && err != nil) {
			t.Errorf("%s: SaveArticle = %v, want new %v", tc.name, err, tc.new)
		}
	}
}

// A database from before the record of seen items gets it filled from
// the articles it holds when it opens.
func TestSeenItemsFilledFromArticlesOnUpgrade(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ajel.db")
	db := mustOpenPath(t, path)
	ctx := t.Context()
	feed, err := db.AddFeed(ctx, news.Feed{URL: "https://example.com/rss"})
	if err != nil {
		t.Fatal(err)
	}
	a := article("g:old", "خبر قديم", nil, nil)
	a.FeedID, a.ContentKey, a.LinkKey = feed.ID, "c:old", "k:old"
	if _, _, err := db.SaveArticle(ctx, a, false); err != nil {
		t.Fatal(err)
	}
	db.Close()
	// Back to the schema before it: no record, no attempts, no queue, and
	// none of the migrations after it (each one later must be undone here).
	if _, err := rawExec(t, path, `DROP TABLE seen_items; DROP TABLE parked_updates; DROP TABLE websub_notifications;
		ALTER TABLE inbox DROP COLUMN attempts; ALTER TABLE articles DROP COLUMN story_note;
		DROP INDEX deliveries_edits_due; ALTER TABLE deliveries DROP COLUMN edited_at;
		DROP INDEX feeds_by_page; ALTER TABLE feeds DROP COLUMN name; ALTER TABLE feeds DROP COLUMN page_url;
		ALTER TABLE feeds DROP COLUMN pages_in_row; ALTER TABLE feeds DROP COLUMN pages_failing_since;
		DROP TABLE alerts; DROP TABLE alert_messages; DROP TABLE comparisons;
		DELETE FROM schema_migrations WHERE version >= (SELECT version FROM schema_migrations WHERE name = '014_probe.sql')`); err != nil {
		t.Fatal(err)
	}
	db = mustOpenPath(t, path)
	if _, err := db.Prune(ctx, time.Now().AddDate(1, 0, 0), keep); err != nil {
		t.Fatal(err)
	}
	a.Key = "g:renamed"
	if _, _, err := db.SaveArticle(ctx, a, false); !errors.Is(err, news.ErrAlreadyExists) {
		t.Fatalf("an item known before the upgrade, its article pruned since: %v, want ErrAlreadyExists", err)
	}
}
