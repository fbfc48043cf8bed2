package storage_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ajel-news/ajel/internal/testclock"
	"github.com/ajel-news/ajel/news"
)

func TestFeedNamesAndPages(t *testing.T) {
	db := MustOpenDB(t)
	ctx := t.Context()
	f, err := db.AddFeed(ctx, news.Feed{URL: "https://www.hespress.com/feed", PageURL: "https://www.hespress.com", Name: "هسبريس",
		Title: "Hespress - Article Feed"})
	if err != nil || f.Name != "هسبريس" || f.PageURL != "https://www.hespress.com" {
		t.Fatalf("= %+v, %v", f, err)
	}
	for _, addr := range []string{"https://www.hespress.com/feed", "https://www.hespress.com"} {
		if got, err := db.FeedByAddress(ctx, addr); err != nil || got.ID != f.ID {
			t.Errorf("FeedByAddress(%s) = %+v, %v", addr, got, err)
		}
	}
	if _, err := db.FeedByAddress(ctx, "https://other.example/"); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("an unknown address: %v", err)
	}
	if _, err := db.FeedByAddress(ctx, ""); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("no address matched a feed without a page: %v", err)
	}
	if got, err := db.SetFeedOptions(ctx, f.ID, news.FeedOptions{Name: "الشرق الأوسط", Lang: news.LangAny}); err != nil ||
		got.Name != "الشرق الأوسط" || got.Lang != news.LangAny || got.FullText != news.FullTextAuto {
		t.Errorf("renamed = %+v, %v", got, err)
	}
	if got, err := db.SetFeedOptions(ctx, f.ID, news.FeedOptions{FullText: news.FullTextNever}); err != nil || got.Name != "الشرق الأوسط" {
		t.Errorf("another option changed the name: %+v, %v", got, err)
	}
	if got, err := db.SetFeedOptions(ctx, f.ID, news.FeedOptions{Name: news.NameNone}); err != nil || got.Name != "" || got.SourceName() != "Hespress" {
		t.Errorf("name=- = %+v, %v", got, err)
	}
	if _, err := db.SetFeedOptions(ctx, f.ID, news.FeedOptions{Name: "<b>x</b>"}); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("a name with markup: %v, want ErrInvalid", err)
	}
	if _, err := db.AddFeed(ctx, news.Feed{URL: "https://a.example/rss", Name: strings.Repeat("x", 65)}); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("a name too long: %v", err)
	}
}

func TestPagesFailingInARow(t *testing.T) {
	db := MustOpenDB(t)
	clock := testclock.New(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	db.Now = clock.Now
	ctx := t.Context()
	f, err := db.AddFeed(ctx, news.Feed{URL: "https://a.example/rss"})
	if err != nil {
		t.Fatal(err)
	}
	first := clock.Now()
	for range 3 {
		if err := db.RecordPage(ctx, f.ID, "feed: page is not HTML"); err != nil {
			t.Fatal(err)
		}
		clock.Add(time.Hour)
	}
	got, _ := db.Feed(ctx, f.ID)
	if got.Pages.InRow != 3 || !got.Pages.FailingSince.Equal(first) || got.Pages.Read != 3 || got.Pages.Failed != 3 {
		t.Errorf("after three failures: %+v", got.Pages)
	}
	if err := db.RecordPage(ctx, f.ID, ""); err != nil {
		t.Fatal(err)
	}
	got, _ = db.Feed(ctx, f.ID)
	if got.Pages.InRow != 0 || !got.Pages.FailingSince.IsZero() || got.LastPageError != "feed: page is not HTML" {
		t.Errorf("after a page that worked: %+v %q", got.Pages, got.LastPageError)
	}
}

func TestAlertStatesAndMessages(t *testing.T) {
	db := MustOpenDB(t)
	ctx := t.Context()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	a := news.Alert{Key: "feed_failing:3", Kind: news.AlertFeedFailing, FeedID: 3, Source: "هسبريس", Detail: "503", Since: now.Add(-7 * time.Hour)}
	err := db.ApplyAlerts(ctx, []news.AlertState{{Alert: a, FirstSeen: now, Open: true}}, nil,
		[]news.AlertMessage{{ChatID: 1, Text: "<b>تنبيه</b>"}, {ChatID: 2, Text: "<b>تنبيه</b>"}}, now)
	if err != nil {
		t.Fatal(err)
	}
	states, err := db.AlertStates(ctx)
	if err != nil || len(states) != 1 || !states[0].Open || states[0].Alert.Source != "هسبريس" || !states[0].Alert.Since.Equal(a.Since) {
		t.Fatalf("states = %+v, %v", states, err)
	}
	msgs, err := db.PendingAlertMessages(ctx, now, 10)
	if err != nil || len(msgs) != 2 || msgs[0].ChatID != 1 || msgs[1].Text != "<b>تنبيه</b>" {
		t.Fatalf("pending = %+v, %v", msgs, err)
	}
	if err := db.PostponeAlert(ctx, msgs[0].ID, now.Add(30*time.Second), "429", false); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkAlertFailed(ctx, msgs[1].ID, "403 Forbidden"); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.PendingAlertMessages(ctx, now.Add(10*time.Second), 10); len(got) != 0 {
		t.Errorf("due before its time: %+v", got)
	}
	if next, err := db.NextAlertMessageAt(ctx); err != nil || !next.Equal(now.Add(30*time.Second)) {
		t.Errorf("next = %v, %v", next, err)
	}
	got, _ := db.PendingAlertMessages(ctx, now.Add(30*time.Second), 10)
	if len(got) != 1 || got[0].Attempts != 0 {
		t.Fatalf("after retry_after: %+v (a 429 is no attempt)", got)
	}
	if err := db.MarkAlertSent(ctx, got[0].ID, 77, now.Add(31*time.Second)); err != nil {
		t.Fatal(err)
	}
	if next, _ := db.NextAlertMessageAt(ctx); !next.IsZero() {
		t.Errorf("a message still pending: %v", next)
	}
	// The problem ends: forgotten, with its end message.
	if err := db.ApplyAlerts(ctx, nil, []string{a.Key}, []news.AlertMessage{{ChatID: 1, Text: "انتهت"}}, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if states, _ := db.AlertStates(ctx); len(states) != 0 {
		t.Errorf("states after the end: %+v", states)
	}
	if n, err := db.PruneAlertMessages(ctx, now.Add(time.Minute)); err != nil || n != 2 {
		t.Errorf("pruned %d, %v; want the sent and the failed one (not the pending end)", n, err)
	}
}

func TestOldestWaitingDelivery(t *testing.T) {
	db := MustOpenDB(t)
	ctx := t.Context()
	if got, err := db.OldestWaitingDelivery(ctx); err != nil || !got.IsZero() {
		t.Fatalf("empty outbox: %v, %v", got, err)
	}
	mustChat(t, db, 1, news.ChatPrivate)
	mustSub(t, db, 1, news.KindTopic, "syria")
	mustChat(t, db, 2, news.ChatPrivate)
	mustSub(t, db, 2, news.KindTopic, "syria")
	first := time.Now().Add(-20 * time.Minute).Truncate(time.Millisecond)
	db.Now = func() time.Time { return first }
	if _, _, err := db.SaveArticle(ctx, article("a", "خبر عن سوريا", []string{"syria"}, nil), true); err != nil {
		t.Fatal(err)
	}
	db.Now = time.Now
	if got, _ := db.OldestWaitingDelivery(ctx); !got.Equal(first) {
		t.Fatalf("oldest = %v, want %v", got, first)
	}
	// A row held for its chat's digest is not waiting to go.
	ds, err := db.PendingDeliveries(ctx, time.Now(), 10)
	if err != nil || len(ds) != 2 {
		t.Fatalf("pending = %+v, %v", ds, err)
	}
	for _, d := range ds {
		if err := db.Hold(ctx, d.ID, time.Now(), time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := db.OldestWaitingDelivery(ctx); !got.IsZero() {
		t.Errorf("held rows count as waiting: %v", got)
	}
}
