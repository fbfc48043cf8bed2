package storage_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
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
	if got, err := db.SetFeedOptions(t.Context(), f.ID, news.FeedOptions{FullText: news.FullTextNever}); err != nil || got.FullText != news.FullTextNever {
		t.Fatalf("set options: %q, %v", got.FullText, err)
	}
	if got, err := db.SetFeedOptions(t.Context(), f.ID, news.FeedOptions{}); err != nil || got.FullText != news.FullTextNever {
		t.Errorf("no option given changed the mode: %q, %v", got.FullText, err)
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
	if _, err := db.SetFeedOptions(t.Context(), 99, news.FeedOptions{FullText: news.FullTextAlways}); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("unknown feed: %v", err)
	}
}

// A muted word keeps a story out of the chat (or forum thread) that muted
// it, even when a topic or keyword of that chat matches; other chats get
// it; mutes count in the bound of 50.
func TestMutesKeepStoriesOut(t *testing.T) {
	db := MustOpenDB(t)
	for _, id := range []int64{1, 2} {
		mustChat(t, db, id, news.ChatPrivate)
		mustSub(t, db, id, news.KindTopic, "syria")
	}
	mustSub(t, db, 1, news.KindKeyword, "كره القدم")
	if _, err := db.Subscribe(t.Context(), news.Subscription{ChatID: 1, Kind: news.KindMute, Key: "كره القدم", Display: "كرة القدم"}); err != nil {
		t.Fatal(err)
	}
	if kws, _ := db.KeywordSubscriptions(t.Context()); !slices.Contains(kws, "كره القدم") {
		t.Errorf("the keyword index is not told of the mute: %q", kws)
	}
	a := article("m", "مباراة كرة قدم في دمشق", []string{"syria"}, []string{"كره القدم"})
	_, queued, err := db.SaveArticle(t.Context(), a, true)
	if err != nil || queued != 1 {
		t.Fatalf("queued %d, %v; want only chat 2", queued, err)
	}
	if ds, _ := db.Deliveries(t.Context(), 1); len(ds) != 0 {
		t.Errorf("the chat that muted it got %d rows", len(ds))
	}
	// A story that does not mention it still reaches chat 1.
	if _, queued, _ := db.SaveArticle(t.Context(), article("n", "خبر آخر عن سوريا", []string{"syria"}, nil), true); queued != 2 {
		t.Errorf("an unmuted story queued %d, want 2", queued)
	}
	for i := 3; i < news.MaxSubscriptionsPerChat; i++ { // 3 already; fill to 50
		if _, err := db.Subscribe(t.Context(), news.Subscription{ChatID: 1, Kind: news.KindMute, Key: fmt.Sprint("m", i), Display: fmt.Sprint("m", i)}); err != nil {
			t.Fatalf("mute %d: %v", i, err)
		}
	}
	if _, err := db.Subscribe(t.Context(), news.Subscription{ChatID: 1, Kind: news.KindMute, Key: "one more", Display: "one more"}); !errors.Is(err, news.ErrTooManySubscriptions) {
		t.Errorf("the 51st entry: %v", err)
	}
}

// Facts that join an update while it is on its way to Telegram are not
// lost with it: they become the next update, ten minutes later.
func TestFollowUpdateGrownInFlight(t *testing.T) {
	db := MustOpenDB(t)
	mustChat(t, db, 1, news.ChatPrivate)
	mustSub(t, db, 1, news.KindTopic, "syria")
	saved, _, err := db.SaveArticle(t.Context(), article("s", "خبر", []string{"syria"}, nil), true)
	if err != nil {
		t.Fatal(err)
	}
	to := news.Target{ChatID: 1}
	if err := db.Follow(t.Context(), to, saved.StoryID, 42, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := db.Follow(t.Context(), to, saved.StoryID, 42, time.Now().Add(time.Hour)); !errors.Is(err, news.ErrAlreadyExists) {
		t.Errorf("following twice: %v", err)
	}
	if n, err := db.QueueFollowUpdates(t.Context(), saved.StoryID, []string{"أول"}, "و", ""); err != nil || n != 1 {
		t.Fatalf("queued %d, %v", n, err)
	}
	due, _ := db.DueFollowUpdates(t.Context(), time.Now(), 10)
	if len(due) != 1 || due[0].ReplyTo != 42 {
		t.Fatalf("due %+v", due)
	}
	// A second fact arrives while the first is being sent.
	if _, err := db.QueueFollowUpdates(t.Context(), saved.StoryID, []string{"ثان"}, "و", ""); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := db.MarkFollowUpdateSent(t.Context(), due[0].ID, 900, now, "أول"); err != nil {
		t.Fatal(err)
	}
	if d, _ := db.DueFollowUpdates(t.Context(), now.Add(9*time.Minute), 10); len(d) != 0 {
		t.Errorf("the second fact is due within ten minutes: %+v", d)
	}
	later, _ := db.DueFollowUpdates(t.Context(), now.Add(11*time.Minute), 10)
	if len(later) != 1 || len(later[0].Facts) != 1 || later[0].Facts[0] != "ثان" {
		t.Errorf("the second fact: %+v", later)
	}
	known, _, _ := db.StoryKnown(t.Context(), saved.StoryID)
	if !strings.Contains(known, "أول") || !strings.Contains(known, "ثان") {
		t.Errorf("what followers know: %q", known)
	}
}

func TestFeedCountry(t *testing.T) {
	db := MustOpenDB(t)
	f, err := db.AddFeed(t.Context(), news.Feed{URL: "https://a.example/rss", Country: "morocco"})
	if err != nil || f.Country != "morocco" {
		t.Fatalf("added with a country: %q, %v", f.Country, err)
	}
	for _, tc := range []struct {
		name string
		opts news.FeedOptions
		want string
		mode news.FullTextMode
	}{
		{"another option leaves the country", news.FeedOptions{FullText: news.FullTextNever}, "morocco", news.FullTextNever},
		{"a new country", news.FeedOptions{Country: "algeria"}, "algeria", news.FullTextNever},
		{"nothing given", news.FeedOptions{}, "algeria", news.FullTextNever},
		{"none clears it", news.FeedOptions{Country: news.CountryNone}, "", news.FullTextNever},
	} {
		got, err := db.SetFeedOptions(t.Context(), f.ID, tc.opts)
		if err != nil || got.Country != tc.want || got.FullText != tc.mode {
			t.Errorf("%s: country %q mode %q, %v; want %q %q", tc.name, got.Country, got.FullText, err, tc.want, tc.mode)
		}
	}
	// A poll's own update leaves it alone, and it survives a reopen.
	if _, err := db.SetFeedOptions(t.Context(), f.ID, news.FeedOptions{Country: "tunisia"}); err != nil {
		t.Fatal(err)
	}
	f, _ = db.Feed(t.Context(), f.ID)
	f.Failures = 2
	if err := db.UpdateFeed(t.Context(), f); err != nil {
		t.Fatal(err)
	}
	if feeds, err := db.Feeds(t.Context()); err != nil || len(feeds) != 1 || feeds[0].Country != "tunisia" {
		t.Errorf("feeds %+v, %v", feeds, err)
	}
}
