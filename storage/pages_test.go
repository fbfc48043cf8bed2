package storage_test

import (
	"errors"
	"testing"
	"time"

	"github.com/ajel-news/ajel/news"
)

// A push carries its story's picture, but not to a chat that said
// /pictures off, and not in its edits either.
func TestPushesCarryThePictureUnlessTurnedOff(t *testing.T) {
	db := MustOpenDB(t)
	for _, id := range []int64{1, 2} {
		mustChat(t, db, id, news.ChatPrivate)
		mustSub(t, db, id, news.KindTopic, "syria")
	}
	if err := db.SetPictures(t.Context(), 2, false); err != nil {
		t.Fatal(err)
	}
	a := article("p", "خبر بصورة", []string{"syria"}, nil)
	a.ImageURL = "https://img.example/p.jpg"
	if _, _, err := db.SaveArticle(t.Context(), a, true); err != nil {
		t.Fatal(err)
	}
	ds, err := db.PendingDeliveries(t.Context(), time.Now(), 10)
	if err != nil || len(ds) != 2 {
		t.Fatalf("%+v, %v", ds, err)
	}
	for _, d := range ds {
		want := map[int64]string{1: "https://img.example/p.jpg", 2: ""}[d.ChatID]
		if d.Push.Image != want {
			t.Errorf("chat %d: picture %q, want %q", d.ChatID, d.Push.Image, want)
		}
	}
	if c, _ := db.Chat(t.Context(), 2); !c.PicturesOff {
		t.Error("chat 2 does not say pictures are off")
	}
	if err := db.SetPictures(t.Context(), 404, true); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("unknown chat: %v", err)
	}
}

func TestFeedFullTextAndPages(t *testing.T) {
	db := MustOpenDB(t)
	f, err := db.AddFeed(t.Context(), news.Feed{URL: "https://a.example/rss"})
	if err != nil || f.FullText != news.FullTextAuto {
		t.Fatalf("default mode %q, %v", f.FullText, err)
	}
	if _, err := db.AddFeed(t.Context(), news.Feed{URL: "https://b.example/rss", FullText: "sometimes"}); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("a bad mode: %v", err)
	}
	if err := db.SetFeedFullText(t.Context(), f.ID, news.FullTextNever); err != nil {
		t.Fatal(err)
	}
	for _, failure := range []string{"", "feed: page is not HTML but application/pdf", ""} {
		if err := db.RecordPage(t.Context(), f.ID, failure); err != nil {
			t.Fatal(err)
		}
	}
	// A poll's own update leaves the page counts alone.
	f, _ = db.Feed(t.Context(), f.ID)
	f.Failures = 1
	if err := db.UpdateFeed(t.Context(), f); err != nil {
		t.Fatal(err)
	}
	f, _ = db.Feed(t.Context(), f.ID)
	if f.FullText != news.FullTextNever || f.Pages != (news.PageCounts{Read: 3, Failed: 1}) ||
		f.LastPageError != "feed: page is not HTML but application/pdf" {
		t.Errorf("feed %+v", f)
	}
	if err := db.SetFeedFullText(t.Context(), 99, news.FullTextAlways); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("unknown feed: %v", err)
	}
}
