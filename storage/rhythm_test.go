package storage_test

import (
	"database/sql"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/ajel-news/ajel/news"
)

// A feed's rhythm, interval and why are kept as a poll saved them; a
// rhythm that cannot be read (a damaged row) is no rhythm, so the feed
// learns again at the shortest interval instead of failing.
func TestFeedRhythmKept(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ajel.db")
	db := mustOpenPath(t, path)
	f, err := db.AddFeed(t.Context(), news.Feed{URL: "https://a.example/rss"})
	if err != nil {
		t.Fatal(err)
	}
	if f.Rhythm != (news.Rhythm{}) || f.PollReason != "" {
		t.Errorf("a new feed: %+v, %q", f.Rhythm, f.PollReason)
	}
	at := time.Date(2026, 12, 2, 12, 30, 0, 0, time.UTC)
	f.Rhythm = news.Rhythm{DecayedAt: at, Since: at.Add(-9 * 24 * time.Hour), Newest: at.Add(-time.Minute), LastPublished: at}
	f.Rhythm.Weights[0], f.Rhythm.Weights[84], f.Rhythm.Weights[news.HoursPerWeek-1] = 1, 0.125, 0.3
	f.Interval, f.PollReason, f.QuietPolls = 90*time.Second, news.PollQuiet, 1
	if err := db.UpdateFeed(t.Context(), f); err != nil {
		t.Fatal(err)
	}
	got, err := db.Feed(t.Context(), f.ID)
	if err != nil || got.Rhythm != f.Rhythm || got.Interval != f.Interval || got.PollReason != news.PollQuiet || got.QuietPolls != 1 {
		t.Errorf("kept %+v, %v", got, err)
	}

	raw, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, blob := range [][]byte{{1, 2, 3}, append([]byte{9}, make([]byte, 704)...)} {
		if _, err := raw.Exec(`UPDATE feeds SET rhythm = ? WHERE id = ?`, blob, f.ID); err != nil {
			t.Fatal(err)
		}
		if got, err := db.Feed(t.Context(), f.ID); err != nil || got.Rhythm != (news.Rhythm{}) {
			t.Errorf("a damaged rhythm (%d bytes): %+v, %v", len(blob), got.Rhythm, err)
		}
	}
}

// breaking=yes|no is set on a known feed like any option; a value that is
// neither is refused.
func TestFeedBreakingOption(t *testing.T) {
	db := MustOpenDB(t)
	f, err := db.AddFeed(t.Context(), news.Feed{URL: "https://a.example/rss", Breaking: true})
	if err != nil || !f.Breaking {
		t.Fatalf("added: %+v, %v", f, err)
	}
	if got, err := db.SetFeedOptions(t.Context(), f.ID, news.FeedOptions{FullText: news.FullTextNever}); err != nil || !got.Breaking {
		t.Errorf("another option changed breaking: %+v, %v", got, err)
	}
	if got, err := db.SetFeedOptions(t.Context(), f.ID, news.FeedOptions{Breaking: news.No}); err != nil || got.Breaking || got.FullText != news.FullTextNever {
		t.Errorf("breaking=no: %+v, %v", got, err)
	}
	if got, err := db.SetFeedOptions(t.Context(), f.ID, news.FeedOptions{Breaking: news.Yes}); err != nil || !got.Breaking {
		t.Errorf("breaking=yes: %+v, %v", got, err)
	}
	if _, err := db.SetFeedOptions(t.Context(), f.ID, news.FeedOptions{Breaking: "maybe"}); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("breaking=maybe: %v", err)
	}
	if got, _ := db.Feed(t.Context(), f.ID); !got.Breaking {
		t.Error("a refused value changed the feed")
	}
}
