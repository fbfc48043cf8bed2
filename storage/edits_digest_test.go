package storage_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/storage"
)

// tellStory saves one outlet's report; storyID 0 starts a story.
func tellStory(t *testing.T, db *storage.DB, key, source string, storyID int64) news.Article {
	t.Helper()
	a := article(key, "عنوان "+key, []string{"syria"}, nil)
	a.Source, a.URL, a.StoryID = source, "https://"+key+".example/x", storyID
	saved, _, err := db.SaveArticle(t.Context(), a, true)
	if err != nil {
		t.Fatal(err)
	}
	return saved
}

func sendAll(t *testing.T, db *storage.DB, now time.Time) {
	t.Helper()
	ds, err := db.PendingDeliveries(t.Context(), now, 100)
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range ds {
		if err := db.MarkSent(t.Context(), d.ID, 100+int(d.ID)+i, now, false, d.EditPending); err != nil {
			t.Fatal(err)
		}
	}
}

func TestNewSourceFlagsSentPushesForEdit(t *testing.T) {
	db := MustOpenDB(t)
	clock := time.Now()
	db.Now = func() time.Time { return clock }
	for _, id := range []int64{1, 2} {
		mustChat(t, db, id, news.ChatPrivate)
		mustSub(t, db, id, news.KindTopic, "syria")
	}
	// Rows are due from when they were queued: on the clock sendAll reads
	// at, or a slow machine queues them after it and nothing is sent.
	now := clock
	first := tellStory(t, db, "a", "الأولى", 0)
	sendAll(t, db, now)

	// The same outlet again: not a new source, nothing to edit.
	tellStory(t, db, "a2", "الأولى", first.StoryID)
	if eds, err := db.PendingEdits(t.Context(), 10); err != nil || len(eds) != 0 {
		t.Fatalf("edits after a same-outlet report: %+v, %v", eds, err)
	}
	// A second and a third outlet: one flag each, no new pushes.
	tellStory(t, db, "b", "الثانية", first.StoryID)
	tellStory(t, db, "c", "الثالثة", first.StoryID)
	if pend, _ := db.PendingDeliveries(t.Context(), now, 10); len(pend) != 0 {
		t.Fatalf("joining the story queued pushes: %+v", pend)
	}
	eds, err := db.PendingEdits(t.Context(), 10)
	if err != nil || len(eds) != 2 {
		t.Fatalf("edits %+v, %v; want one per reader", eds, err)
	}
	for _, d := range eds {
		p := d.Push
		if d.MessageID == 0 || d.EditPending != 2 || p.Source != "الأولى" || p.URL != "https://a.example/x" ||
			p.OtherSources != 2 || p.Title != "عنوان a" {
			t.Errorf("edit %+v", d)
		}
		want := []news.SourceLink{{Name: "الثانية", URL: "https://b.example/x"}, {Name: "الثالثة", URL: "https://c.example/x"}}
		if len(p.Others) != 2 || p.Others[0] != want[0] || p.Others[1] != want[1] {
			t.Errorf("others %+v, want %+v", p.Others, want)
		}
	}

	// An edit made from one change does not clear a change that landed
	// meanwhile.
	if err := db.MarkEdited(t.Context(), eds[0].ID, 1); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkEdited(t.Context(), eds[1].ID, eds[1].EditPending); err != nil {
		t.Fatal(err)
	}
	// It waits for news.EditGap: a push is edited at most once a minute.
	if left, _ := db.PendingEdits(t.Context(), 10); len(left) != 0 {
		t.Fatalf("edited again within news.EditGap: %+v", left)
	}
	clock = clock.Add(news.EditGap)
	left, _ := db.PendingEdits(t.Context(), 10)
	if len(left) != 1 || left[0].ID != eds[0].ID {
		t.Fatalf("left %+v, want the half-done edit", left)
	}
	if err := db.MarkEdited(t.Context(), 9999, 1); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("unknown row: %v", err)
	}
	// A chat that blocked the bot gets no edits.
	if _, err := db.DeactivateChat(t.Context(), left[0].ChatID, "blocked"); err != nil {
		t.Fatal(err)
	}
	if left, _ := db.PendingEdits(t.Context(), 10); len(left) != 0 {
		t.Errorf("edits of a blocked chat: %+v", left)
	}
}

func TestPendingPushCarriesOtherSources(t *testing.T) {
	db := MustOpenDB(t)
	mustChat(t, db, 1, news.ChatPrivate)
	mustSub(t, db, 1, news.KindTopic, "syria")
	first := tellStory(t, db, "a", "الأولى", 0)
	for _, k := range []string{"b", "c", "d", "e"} {
		tellStory(t, db, k, "مصدر "+k, first.StoryID)
	}
	ds, err := db.PendingDeliveries(t.Context(), time.Now(), 10)
	if err != nil || len(ds) != 1 {
		t.Fatalf("%+v, %v", ds, err)
	}
	p := ds[0].Push
	if p.OtherSources != 4 || len(p.Others) != 3 || p.Others[0].Name != "مصدر b" || p.Others[2].Name != "مصدر d" {
		t.Errorf("push %+v: want 4 others, the first three linked", p)
	}
}

// A push in flight when another outlet joins went out with the story as
// it was: it lands flagged, and is edited. One written after the join
// carries it already and is not.
func TestOutletJoiningWhileAPushIsInFlightGetsItEdited(t *testing.T) {
	db := MustOpenDB(t)
	for _, id := range []int64{1, 2} {
		mustChat(t, db, id, news.ChatPrivate)
		mustSub(t, db, id, news.KindTopic, "syria")
	}
	now := time.Now()
	first := tellStory(t, db, "a", "الأولى", 0)
	inFlight, err := db.PendingDeliveries(t.Context(), now, 10)
	if err != nil || len(inFlight) != 2 || inFlight[0].Push.OtherSources != 0 {
		t.Fatalf("pending %+v, %v", inFlight, err)
	}
	// Chat 1's message is on its way; the second outlet joins meanwhile.
	tellStory(t, db, "b", "الثانية", first.StoryID)
	if err := db.MarkSent(t.Context(), inFlight[0].ID, 10, now, false, inFlight[0].EditPending); err != nil {
		t.Fatal(err)
	}
	// Chat 2's row is read, and written, after the join.
	later, err := db.PendingDeliveries(t.Context(), now, 10)
	if err != nil || len(later) != 1 || later[0].Push.OtherSources != 1 {
		t.Fatalf("pending after the join %+v, %v", later, err)
	}
	if err := db.MarkSent(t.Context(), later[0].ID, 11, now, false, later[0].EditPending); err != nil {
		t.Fatal(err)
	}
	eds, err := db.PendingEdits(t.Context(), 10)
	if err != nil || len(eds) != 1 || eds[0].ChatID != inFlight[0].ChatID || eds[0].MessageID != 10 ||
		eds[0].Push.OtherSources != 1 || eds[0].Push.Others[0].Name != "الثانية" {
		t.Fatalf("edits %+v, %v; want the push that was in flight, naming the second outlet", eds, err)
	}
}

func TestHoldAndDigest(t *testing.T) {
	db := MustOpenDB(t)
	mustChat(t, db, 1, news.ChatPrivate)
	mustSub(t, db, 1, news.KindTopic, "syria")
	if err := db.SetMaxPerHour(t.Context(), 1, 1); err != nil {
		t.Fatal(err)
	}
	if err := db.SetMaxPerHour(t.Context(), 1, -1); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("negative cap: %v", err)
	}
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return t0 }
	s1 := tellStory(t, db, "s1", "الأولى", 0)
	sendAll(t, db, t0)
	tellStory(t, db, "s2", "الأولى", 0)
	tellStory(t, db, "s3", "الأولى", 0)

	sent, oldest, heldSince, err := db.RecentPushes(t.Context(), 1, t0.Add(-time.Hour))
	if err != nil || sent != 1 || !oldest.Equal(t0) || !heldSince.IsZero() {
		t.Fatalf("recent: %d %v %v %v", sent, oldest, heldSince, err)
	}
	pend, _ := db.PendingDeliveries(t.Context(), t0, 10)
	if len(pend) != 2 || pend[0].MaxPerHour != 1 {
		t.Fatalf("pending %+v", pend)
	}
	due := t0.Add(15 * time.Minute)
	for _, d := range pend {
		if err := db.Hold(t.Context(), d.ID, t0.Add(time.Minute), due); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Hold(t.Context(), pend[0].ID, t0.Add(2*time.Minute), due); err != nil { // held_at stays
		t.Fatal(err)
	}
	if now, _ := db.PendingDeliveries(t.Context(), t0.Add(time.Minute), 10); len(now) != 0 {
		t.Errorf("held rows due before their digest: %+v", now)
	}
	_, _, heldSince, _ = db.RecentPushes(t.Context(), 1, t0.Add(-time.Hour))
	if !heldSince.Equal(t0.Add(time.Minute)) {
		t.Errorf("held since %v", heldSince)
	}
	held, err := db.HeldDeliveries(t.Context(), news.Target{ChatID: 1})
	if err != nil || len(held) != 2 || held[0].HeldAt.IsZero() || held[0].Push.Title != "عنوان s2" {
		t.Fatalf("held %+v, %v", held, err)
	}
	at := due
	if err := db.MarkDigestSent(t.Context(), []int64{held[0].ID, held[1].ID}, 555, at); err != nil {
		t.Fatal(err)
	}
	ds, _ := db.Deliveries(t.Context(), 1)
	for _, d := range ds[1:] {
		if d.Status != news.DeliverySent || d.MessageID != 555 || !d.SentAt.Equal(at) || d.HeldAt.IsZero() {
			t.Errorf("digest row %+v", d)
		}
	}
	// The digest counts as no push, and its stories are never edited into
	// single pushes.
	if sent, _, heldSince, _ := db.RecentPushes(t.Context(), 1, at.Add(-time.Hour)); sent != 1 || !heldSince.IsZero() {
		t.Errorf("after the digest: %d pushes, held since %v", sent, heldSince)
	}
	tellStory(t, db, "s3b", "الثانية", ds[2].StoryID)
	tellStory(t, db, "s1b", "الثانية", s1.StoryID)
	eds, _ := db.PendingEdits(t.Context(), 10)
	if len(eds) != 1 || eds[0].StoryID != s1.StoryID {
		t.Errorf("edits %+v, want only the single push of s1", eds)
	}

	// A story that another outlet joins while its row waits, before it is
	// held, still goes out in the digest and is never edited on its own.
	s4 := tellStory(t, db, "s4", "الأولى", 0)
	tellStory(t, db, "s4b", "الثانية", s4.StoryID)
	pend, _ = db.PendingDeliveries(t.Context(), t0, 10)
	if len(pend) != 1 || pend[0].EditPending != 1 {
		t.Fatalf("pending %+v: want s4, flagged by the join", pend)
	}
	if err := db.Hold(t.Context(), pend[0].ID, t0.Add(20*time.Minute), due); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkDigestSent(t.Context(), []int64{pend[0].ID}, 556, due); err != nil {
		t.Fatal(err)
	}
	eds, _ = db.PendingEdits(t.Context(), 10)
	for _, e := range eds {
		if e.StoryID == s4.StoryID {
			t.Errorf("the digest's story s4 is to be edited into a single push: %+v", e)
		}
	}
}

// An article that joins a story with a summary written from every outlet's
// telling replaces the story's summary, and the pushes already sent are
// flagged for an edit that carries it; one without keeps the story's.
func TestStorySummaryReplacesTheFirstTellings(t *testing.T) {
	db := MustOpenDB(t)
	clock := time.Now()
	db.Now = func() time.Time { return clock }
	mustChat(t, db, 1, news.ChatPrivate)
	mustSub(t, db, 1, news.KindTopic, "syria")
	// Rows are due from when they were queued: on the clock sendAll reads
	// at, or a slow machine queues them after it and nothing is sent.
	now := clock
	first := tellStory(t, db, "a", "الأولى", 0)
	sendAll(t, db, now)

	// The same outlet again, with no story summary: nothing changes.
	tellStory(t, db, "a2", "الأولى", first.StoryID)
	// Another outlet, with the summary from both tellings.
	b := article("b", "عنوان b", []string{"syria"}, nil)
	b.Source, b.StoryID, b.StorySummary = "الثانية", first.StoryID, "ملخص من روايتين."
	if _, _, err := db.SaveArticle(t.Context(), b, true); err != nil {
		t.Fatal(err)
	}
	eds, err := db.PendingEdits(t.Context(), 10)
	if err != nil || len(eds) != 1 || eds[0].Push.Summary != "ملخص من روايتين." {
		t.Fatalf("edits %+v, %v; want one carrying the story summary", eds, err)
	}
	if err := db.MarkEdited(t.Context(), eds[0].ID, eds[0].EditPending); err != nil {
		t.Fatal(err)
	}
	// The same outlet updates its telling and the story summary changes:
	// no new outlet, but the push is edited again.
	b2 := article("b2", "عنوان b2", []string{"syria"}, nil)
	b2.Source, b2.StoryID, b2.StorySummary = "الثانية", first.StoryID, "ملخص أحدث."
	if _, _, err := db.SaveArticle(t.Context(), b2, true); err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(news.EditGap)
	if eds, err := db.PendingEdits(t.Context(), 10); err != nil || len(eds) != 1 || eds[0].Push.Summary != "ملخص أحدث." {
		t.Fatalf("edits %+v, %v; want one carrying the newer summary", eds, err)
	}

	story, tellings, err := db.StoryTellings(t.Context(), first.StoryID, 5)
	if err != nil {
		t.Fatal(err)
	}
	if story.Title != first.Title || story.Summary != "ملخص أحدث." {
		t.Errorf("story %+v", story)
	}
	// One telling an outlet, its first: a (not a2), then b (not b2).
	if len(tellings) != 2 || tellings[0].Source != "الأولى" || tellings[0].Title != "عنوان a" ||
		tellings[1].Source != "الثانية" || tellings[1].Title != "عنوان b" {
		t.Errorf("tellings %+v", tellings)
	}
	if _, _, err := db.StoryTellings(t.Context(), 9999, 5); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("a missing story: %v, want ErrNotFound", err)
	}
}

// A story that 500 outlets' items join within an hour stays one push per
// reader, and each reader's push is edited at most once every
// news.EditGap, whatever the number of changes: 61 edits at most, not
// 500.
func TestEditsOfABusyStoryArePaced(t *testing.T) {
	db := MustOpenDB(t)
	clock := time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return clock }
	mustChat(t, db, 1, news.ChatPrivate)
	mustSub(t, db, 1, news.KindTopic, "syria")
	first := tellStory(t, db, "a", "المصدر 0", 0)
	sendAll(t, db, clock)

	edits := 0
	for i := 1; i < 500; i++ {
		clock = clock.Add(7200 * time.Millisecond) // 500 items in an hour
		a := article(fmt.Sprintf("k%d", i), "عنوان", []string{"syria"}, nil)
		a.Source, a.StoryID, a.StorySummary = fmt.Sprintf("المصدر %d", i), first.StoryID, fmt.Sprintf("ملخص رقم %d.", i)
		if _, queued, err := db.SaveArticle(t.Context(), a, true); err != nil || queued != 0 {
			t.Fatalf("item %d: queued %d, %v; want no second push", i, queued, err)
		}
		// The worker edits whatever is due, as often as it looks.
		eds, err := db.PendingEdits(t.Context(), 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range eds {
			edits++
			if err := db.MarkEdited(t.Context(), d.ID, d.EditPending); err != nil {
				t.Fatal(err)
			}
		}
	}
	if edits < 50 || edits > 61 {
		t.Errorf("%d edits of one push in an hour; want one a minute at most (and changes not dropped)", edits)
	}
	// The last change is not lost: it is due once the gap has passed.
	clock = clock.Add(news.EditGap)
	eds, err := db.PendingEdits(t.Context(), 10)
	if err != nil || len(eds) != 1 || eds[0].Push.Summary != "ملخص رقم 499." || eds[0].Push.OtherSources != 499 {
		t.Fatalf("final edit %+v, %v; want the last summary and 499 other outlets", eds, err)
	}
	if ds, _ := db.Deliveries(t.Context(), 1); len(ds) != 1 {
		t.Errorf("%d deliveries for one story; want one push", len(ds))
	}
}

// Why an article joined its story is kept with it, and the warm-up after
// a restart reads the articles' publication times.
func TestStoryNoteAndRecentArticles(t *testing.T) {
	db := MustOpenDB(t)
	published := time.Date(2026, 3, 10, 7, 30, 0, 0, time.UTC)
	a := article("n1", "عنوان", []string{"syria"}, nil)
	a.StoryNote, a.PublishedAt, a.SeenAt = "event 2.10: shared «الدرويشي»", published, published.Add(5*time.Minute)
	saved, _, err := db.SaveArticle(t.Context(), a, false)
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.Article(t.Context(), saved.ID)
	if err != nil || got.StoryNote != a.StoryNote {
		t.Errorf("story note %q, %v; want %q", got.StoryNote, err, a.StoryNote)
	}
	recent, err := db.RecentArticles(t.Context(), published.Add(-time.Hour))
	if err != nil || len(recent) != 1 || !recent[0].PublishedAt.Equal(published) || recent[0].StoryID != saved.StoryID {
		t.Errorf("recent %+v, %v", recent, err)
	}
}
