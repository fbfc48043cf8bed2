package storage_test

import (
	"errors"
	"testing"
	"time"

	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/storage"
)

// A comparison lists each outlet once, by its first telling, first to
// last, under the feed's name (the source for the ingest API's items),
// with when it published (when it was seen, without a date).
func TestCompareStory(t *testing.T) {
	db := MustOpenDB(t)
	ctx := t.Context()
	f, err := db.AddFeed(ctx, news.Feed{URL: "https://wire.example/rss", Title: "وكالة الخبر"})
	if err != nil {
		t.Fatal(err)
	}
	published := time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)
	first := article("a", "زلزال يضرب حلب", []string{"syria"}, nil)
	first.FeedID, first.Source, first.PublishedAt, first.Text = f.ID, "wire.example", published, "ضرب زلزال بقوة 5.8 درجات."
	first, _, err = db.SaveArticle(ctx, first, false)
	if err != nil {
		t.Fatal(err)
	}
	seen := time.Date(2026, 3, 1, 9, 40, 0, 0, time.UTC)
	for _, a := range []news.Article{
		{Key: "a2", Source: "wire.example", FeedID: f.ID, Title: "تحديث: زلزال حلب"},
		{Key: "b", Source: "الشام اليوم", Title: "هزة أرضية في حلب", URL: "https://levant.example/q", SeenAt: seen},
	} {
		a.StoryID, a.SearchText = first.StoryID, a.Title
		if _, _, err := db.SaveArticle(ctx, a, false); err != nil {
			t.Fatal(err)
		}
	}
	st, err := db.CompareStory(ctx, first.StoryID, 10)
	if err != nil {
		t.Fatal(err)
	}
	if st.Outlets != 2 || len(st.Tellings) != 2 || st.Story.Title != "زلزال يضرب حلب" {
		t.Fatalf("comparison %+v", st)
	}
	a, b := st.Tellings[0], st.Tellings[1]
	if a.Outlet != "وكالة الخبر" || a.Title != "زلزال يضرب حلب" || a.Text != "ضرب زلزال بقوة 5.8 درجات." || !a.PublishedAt.Equal(published) {
		t.Errorf("first telling %+v", a)
	}
	if b.Outlet != "الشام اليوم" || b.URL != "https://levant.example/q" || !b.PublishedAt.Equal(seen) {
		t.Errorf("second telling %+v", b)
	}
	// The name an operator gives the feed is the one readers see, as in
	// its pushes.
	if _, err := db.SetFeedOptions(ctx, f.ID, news.FeedOptions{Name: "الخبر"}); err != nil {
		t.Fatal(err)
	}
	if st, err := db.CompareStory(ctx, first.StoryID, 10); err != nil || st.Tellings[0].Outlet != "الخبر" {
		t.Errorf("after name=: %+v, %v", st.Tellings, err)
	}
	if st, err := db.CompareStory(ctx, first.StoryID, 1); err != nil || len(st.Tellings) != 1 || st.Outlets != 2 {
		t.Errorf("limited to 1: %+v, %v", st, err)
	}
	if _, err := db.CompareStory(ctx, 9999, 10); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("a story that is not there: %v, want ErrNotFound", err)
	}
}

// An open comparison is flagged when another outlet joins its story (not
// when the same outlet tells it again), edited at most once every
// news.EditGap, and forgotten once its window closed; an inline message's
// comparison is replaced when pressed again and forgotten when closed.
func TestComparisonsStayUpToDateWhileOpen(t *testing.T) {
	db := MustOpenDB(t)
	ctx := t.Context()
	clock := time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return clock }
	mustChat(t, db, 1, news.ChatPrivate)
	mustChat(t, db, 2, news.ChatSupergroup)
	first := tellStory(t, db, "a", "الأولى", 0)

	if _, err := db.OpenComparison(ctx, news.Target{ChatID: 1}, first.StoryID); !errors.Is(err, news.ErrNotFound) {
		t.Fatalf("an open comparison before any: %v", err)
	}
	chat, err := db.RecordComparison(ctx, news.Comparison{StoryID: first.StoryID, ChatID: 1, MessageID: 40, Outlets: 1})
	if err != nil {
		t.Fatal(err)
	}
	thread, err := db.RecordComparison(ctx, news.Comparison{StoryID: first.StoryID, ChatID: 2, ThreadID: 7, MessageID: 41, Outlets: 1})
	if err != nil {
		t.Fatal(err)
	}
	inline, err := db.RecordComparison(ctx, news.Comparison{StoryID: first.StoryID, InlineMessageID: "AgAAAE", Outlets: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []news.Comparison{{ChatID: 1, MessageID: 3}, {StoryID: first.StoryID}, {StoryID: first.StoryID, ChatID: 1},
		{StoryID: first.StoryID, ChatID: 1, MessageID: 3, InlineMessageID: "x"}} {
		if _, err := db.RecordComparison(ctx, bad); !errors.Is(err, news.ErrInvalid) {
			t.Errorf("%+v recorded: %v", bad, err)
		}
	}
	if c, err := db.OpenComparison(ctx, news.Target{ChatID: 2, ThreadID: 7}, first.StoryID); err != nil || c.ID != thread.ID || c.MessageID != 41 {
		t.Errorf("the thread's comparison: %+v, %v", c, err)
	}
	if _, err := db.OpenComparison(ctx, news.Target{ChatID: 2}, first.StoryID); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("another thread's comparison counted: %v", err)
	}

	// One sent as another outlet joined (it shows fewer than told the
	// story) is due at once.
	late, err := db.RecordComparison(ctx, news.Comparison{StoryID: first.StoryID, ChatID: 1, MessageID: 39})
	if err != nil || late.EditPending != 1 {
		t.Fatalf("a comparison showing no outlet: %+v, %v", late, err)
	}
	if err := db.MarkComparisonEdited(ctx, late.ID, 1); err != nil {
		t.Fatal(err)
	}
	pending := func() []news.Comparison {
		t.Helper()
		cs, err := db.PendingComparisonEdits(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		return cs
	}
	tellStory(t, db, "a2", "الأولى", first.StoryID)
	if cs := pending(); len(cs) != 0 {
		t.Fatalf("the same outlet flagged %+v", cs)
	}
	tellStory(t, db, "b", "الثانية", first.StoryID)
	cs := pending()
	if len(cs) != 3 {
		t.Fatalf("%d comparisons flagged, want 3: %+v", len(cs), cs)
	}
	for _, c := range cs {
		if c.EditPending != 1 {
			t.Errorf("flag %+v", c)
		}
		switch c.ID {
		case chat.ID:
			if c.ChatID != 1 || c.MessageID != 40 || c.ChatType != news.ChatPrivate {
				t.Errorf("chat comparison %+v", c)
			}
		case thread.ID:
			if c.Target() != (news.Target{ChatID: 2, ThreadID: 7}) || c.ChatType != news.ChatSupergroup {
				t.Errorf("thread comparison %+v", c)
			}
		case inline.ID:
			if c.ChatID != 0 || c.InlineMessageID != "AgAAAE" {
				t.Errorf("inline comparison %+v", c)
			}
		}
	}
	for _, c := range cs {
		if err := db.MarkComparisonEdited(ctx, c.ID, c.EditPending); err != nil {
			t.Fatal(err)
		}
	}
	// A third outlet a moment later waits for the gap.
	tellStory(t, db, "c", "الثالثة", first.StoryID)
	if cs := pending(); len(cs) != 0 {
		t.Fatalf("edited again within news.EditGap: %+v", cs)
	}
	clock = clock.Add(news.EditGap)
	if cs := pending(); len(cs) != 4 {
		t.Fatalf("after the gap %d, want 4 (with the late one)", len(cs))
	}
	// A chat that blocked the bot is not edited.
	if _, err := db.DeactivateChat(ctx, 1, "blocked"); err != nil {
		t.Fatal(err)
	}
	if cs := pending(); len(cs) != 2 {
		t.Errorf("with chat 1 blocked: %d, want 2", len(cs))
	}
	// Pressed again on the inline message: its row starts over; closed:
	// gone.
	again, err := db.RecordComparison(ctx, news.Comparison{StoryID: first.StoryID, InlineMessageID: "AgAAAE"})
	if err != nil || again.ID != inline.ID {
		t.Fatalf("the inline message again: %+v, %v (was %d)", again, err, inline.ID)
	}
	if err := db.CloseComparison(ctx, "AgAAAE"); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkComparisonEdited(ctx, inline.ID, 1); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("a closed comparison: %v", err)
	}
	// Past its window a comparison is no longer edited, and pruning
	// forgets it.
	clock = clock.Add(news.CompareWindow)
	tellStory(t, db, "d", "الرابعة", first.StoryID)
	if cs := pending(); len(cs) != 0 {
		t.Errorf("comparisons past their window: %+v", cs)
	}
	if _, err := db.OpenComparison(ctx, news.Target{ChatID: 2, ThreadID: 7}, first.StoryID); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("still open past the window: %v", err)
	}
	if _, err := db.Prune(ctx, clock, storage.Retention{Deliveries: time.Hour, Articles: 365 * 24 * time.Hour}); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkComparisonEdited(ctx, thread.ID, 0); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("pruning kept the comparison: %v", err)
	}
}

// Stories to share are found by topic, by terms (taken literally) or as
// the breaking ones, newest first, each with its picture and other
// outlets' links.
func TestShareStories(t *testing.T) {
	db := MustOpenDB(t)
	ctx := t.Context()
	clock := time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return clock }
	save := func(a news.Article) news.Article {
		t.Helper()
		a.SeenAt = clock
		clock = clock.Add(time.Minute)
		saved, _, err := db.SaveArticle(ctx, a, false)
		if err != nil {
			t.Fatal(err)
		}
		return saved
	}
	quake := article("q", "زلزال في حلب", []string{"syria"}, nil)
	quake.Source, quake.Breaking, quake.Summary = "الأولى", true, "ضرب زلزال."
	quake = save(quake)
	other := article("q2", "هزة في حلب", []string{"syria"}, nil)
	other.Source, other.StoryID, other.ImageURL = "الثانية", quake.StoryID, "https://img.example/q.jpg"
	save(other)
	rates := article("r", "المركزي يبقي الفائدة", []string{"economy"}, nil)
	rates = save(rates)

	check := func(name string, f news.StoryFilter, want ...int64) []news.SharedStory {
		t.Helper()
		got, err := db.ShareStories(ctx, f, 20)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var ids []int64
		for _, s := range got {
			ids = append(ids, s.StoryID)
		}
		if len(ids) != len(want) {
			t.Fatalf("%s: stories %v, want %v", name, ids, want)
		}
		for i := range ids {
			if ids[i] != want[i] {
				t.Fatalf("%s: stories %v, want %v", name, ids, want)
			}
		}
		return got
	}
	all := check("latest", news.StoryFilter{}, rates.StoryID, quake.StoryID)
	q := all[1]
	if q.Push.Title != "زلزال في حلب" || q.Push.Summary != "ضرب زلزال." || q.Push.Source != "الأولى" || !q.Push.Breaking ||
		q.Push.OtherSources != 1 || len(q.Push.Others) != 1 || q.Push.Others[0].Name != "الثانية" ||
		q.Push.Image != "https://img.example/q.jpg" || q.Push.StoryID != quake.StoryID || q.Topics[0] != "syria" {
		t.Errorf("the quake as shared: %+v", q)
	}
	check("one story", news.StoryFilter{Story: quake.StoryID}, quake.StoryID)
	check("a story that is not there", news.StoryFilter{Story: 9999})
	check("topic", news.StoryFilter{Topic: "economy"}, rates.StoryID)
	check("breaking", news.StoryFilter{Breaking: true}, quake.StoryID)
	check("terms", news.StoryFilter{Terms: []string{"حلب"}}, quake.StoryID)
	check("terms that nothing has", news.StoryFilter{Terms: []string{"حلب", "الفائدة"}})
	check("FTS syntax taken literally", news.StoryFilter{Terms: []string{`"`, "OR", "*"}})
	check("no term left", news.StoryFilter{Terms: []string{`"`}})
}
