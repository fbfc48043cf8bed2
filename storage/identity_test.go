package storage_test

import (
	"errors"
	"maps"
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
