package storage_test

import (
	"testing"
	"time"

	"github.com/ajel-news/ajel/news"
)

// A breaking item pushed as its headline alone (its text was a
// placeholder) gets its text when the same item comes again with one: the
// article and the story take it, and the sent push is flagged for an edit.
// An item that had a summary is never overwritten, and an item seen again
// without one changes nothing.
func TestFillTextEditsAPushThatHadOnlyItsHeadline(t *testing.T) {
	db := MustOpenDB(t)
	ctx := t.Context()
	mustChat(t, db, 1, news.ChatPrivate)
	mustSub(t, db, 1, news.KindTopic, "lebanon")
	f, err := db.AddFeed(ctx, news.Feed{URL: "https://a.example/rss"})
	if err != nil {
		t.Fatal(err)
	}
	bare := article("p1", "انفجار في مرفأ بيروت", []string{"lebanon"}, nil)
	bare.FeedID, bare.Breaking, bare.LinkKey = f.ID, true, "a.example/p1"
	saved, queued, err := db.SaveArticle(ctx, bare, true)
	if err != nil || queued != 1 {
		t.Fatalf("queued %d, %v", queued, err)
	}
	sendAll(t, db, time.Now())

	again := bare // the feed's next poll: the same item, no text yet
	if filled, err := db.FillText(ctx, again); err != nil || filled {
		t.Fatalf("an item without a summary filled: %v, %v", filled, err)
	}
	full := bare
	full.Text = "دوى انفجار قوي في مرفأ بيروت مساء اليوم وتصاعدت سحب الدخان.\nوهرعت فرق الإطفاء إلى المكان."
	full.Summary = "دوى انفجار قوي في مرفأ بيروت مساء اليوم وتصاعدت سحب الدخان."
	full.SearchText = bare.SearchText + " الدخان الاطفاء"
	full.ImageURL = "https://img.example/port.jpg"
	if filled, err := db.FillText(ctx, full); err != nil || !filled {
		t.Fatalf("filled %v, %v", filled, err)
	}
	a, err := db.Article(ctx, saved.ID)
	if err != nil || a.Text != full.Text || a.Summary != full.Summary {
		t.Fatalf("article %+v, %v", a, err)
	}
	eds, err := db.PendingEdits(ctx, 10)
	if err != nil || len(eds) != 1 || eds[0].Push.Summary != full.Summary || eds[0].Push.Title != bare.Title {
		t.Fatalf("edits %+v, %v", eds, err)
	}
	if found, err := db.SearchArticles(ctx, []string{"الاطفاء"}, 5); err != nil || len(found) != 1 {
		t.Errorf("the filled text is not searchable: %+v, %v", found, err)
	}
	if err := db.MarkEdited(ctx, eds[0].ID, eds[0].EditPending); err != nil {
		t.Fatal(err)
	}

	// Once filled, never again: a later telling does not replace it.
	later := full
	later.Summary, later.Text = "نص آخر.", "نص آخر."
	if filled, err := db.FillText(ctx, later); err != nil || filled {
		t.Errorf("a filled article was filled again: %v, %v", filled, err)
	}
	// The same page under a new item key (the feed renamed it) is the item.
	renamed := article("p2", "حريق في مستودع", []string{"lebanon"}, nil)
	renamed.FeedID, renamed.LinkKey = f.ID, "a.example/p2"
	if _, _, err := db.SaveArticle(ctx, renamed, false); err != nil {
		t.Fatal(err)
	}
	renamed.Key, renamed.Summary, renamed.Text = "p2-v2", "اندلع حريق في مستودع.", "اندلع حريق في مستودع."
	if filled, err := db.FillText(ctx, renamed); err != nil || !filled {
		t.Errorf("the item known by its link was not filled: %v, %v", filled, err)
	}
}

func TestFeedLanguage(t *testing.T) {
	db := MustOpenDB(t)
	ctx := t.Context()
	f, err := db.AddFeed(ctx, news.Feed{URL: "https://a.example/rss"})
	if err != nil || f.Lang != news.LangArabic {
		t.Fatalf("a new feed's language %q, %v; want ar", f.Lang, err)
	}
	g, err := db.AddFeed(ctx, news.Feed{URL: "https://b.example/rss", Lang: news.LangAny})
	if err != nil || g.Lang != news.LangAny {
		t.Fatalf("lang %q, %v", g.Lang, err)
	}
	if _, err := db.AddFeed(ctx, news.Feed{URL: "https://c.example/rss", Lang: "fr"}); err == nil {
		t.Error("a feed in an unknown language was added")
	}
	if f, err = db.SetFeedOptions(ctx, f.ID, news.FeedOptions{Lang: news.LangAny}); err != nil || f.Lang != news.LangAny {
		t.Fatalf("lang %q, %v", f.Lang, err)
	}
	if f, err = db.SetFeedOptions(ctx, f.ID, news.FeedOptions{FullText: news.FullTextNever}); err != nil || f.Lang != news.LangAny {
		t.Fatalf("another option changed the language: %q, %v", f.Lang, err)
	}
	if _, err := db.SetFeedOptions(ctx, f.ID, news.FeedOptions{Lang: "fr"}); err == nil {
		t.Error("an unknown language was set")
	}
	f.Held = news.HeldItems{Old: 1, Language: 7}
	if err := db.UpdateFeed(ctx, f); err != nil {
		t.Fatal(err)
	}
	if f, err = db.Feed(ctx, f.ID); err != nil || f.Held.Language != 7 || f.Held.Total() != 8 {
		t.Errorf("held %+v, %v", f.Held, err)
	}
}
