package pipeline_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/pipeline"
	"github.com/ajel-news/ajel/storage"
)

// fakeStore remembers saved articles by key, like storage does.
type fakeStore struct {
	mu       sync.Mutex
	saved    []news.Article
	keys     map[string]bool
	keywords []string
	kwCalls  int
	failOn   string // SaveArticle fails for this key
	queue    int    // deliveries "queued" per new article when push
}

func (s *fakeStore) SaveArticle(_ context.Context, a news.Article, push bool) (news.Article, int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a.Key == s.failOn {
		return news.Article{}, 0, errors.New("storage: disk full")
	}
	if s.keys == nil {
		s.keys = map[string]bool{}
	}
	if s.keys[a.Key] {
		return news.Article{}, 0, fmt.Errorf("storage: article %s: %w", a.Key, news.ErrAlreadyExists)
	}
	s.keys[a.Key] = true
	a.ID = int64(len(s.saved) + 1)
	a.StoryID = a.ID
	s.saved = append(s.saved, a)
	if push {
		return a, s.queue, nil
	}
	return a, 0, nil
}

func (s *fakeStore) KeywordSubscriptions(context.Context) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.kwCalls++
	return slices.Clone(s.keywords), nil
}

func (s *fakeStore) titles() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, a := range s.saved {
		out = append(out, a.Title)
	}
	return out
}

type countNotifier struct{ n int }

func (c *countNotifier) Notify() { c.n++ }

type countObserver struct{ seen, fresh, queued int }

func (o *countObserver) ArticleSeen(_ int64, isNew bool, queued int) {
	o.seen++
	if isNew {
		o.fresh++
	}
	o.queued += queued
}

// syriaClassifier tags anything mentioning سوريا or ادلب with "syria".
var syriaClassifier = pipeline.ClassifierFunc(func(title, text string) []string {
	s := title + " " + text
	if strings.Contains(s, "سوريا") || strings.Contains(s, "ادلب") {
		return []string{"syria"}
	}
	return nil
})

func openDB(t *testing.T, path string) *storage.DB {
	t.Helper()
	db, err := storage.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func chatWith(t *testing.T, db *storage.DB, id int64, subs ...news.Subscription) {
	t.Helper()
	if err := db.SaveChat(t.Context(), news.Chat{ID: id, Type: news.ChatPrivate}); err != nil {
		t.Fatal(err)
	}
	for _, s := range subs {
		s.ChatID, s.Display = id, s.Key
		if _, err := db.Subscribe(t.Context(), s); err != nil {
			t.Fatal(err)
		}
	}
}

var (
	topicSyria   = news.Subscription{Kind: news.KindTopic, Key: "syria"}
	topicEgypt   = news.Subscription{Kind: news.KindTopic, Key: "egypt"}
	keywordIdlib = news.Subscription{Kind: news.KindKeyword, Key: "ادلب"}
)

func TestProcessWithStorage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ajel.db")
	db := openDB(t, path)
	ctx := t.Context()
	chatWith(t, db, 1, topicSyria, keywordIdlib) // both match: one row
	chatWith(t, db, 2, keywordIdlib)             // keyword only
	chatWith(t, db, 3, topicSyria)               // paused
	if err := db.SetPaused(ctx, 3, true); err != nil {
		t.Fatal(err)
	}
	chatWith(t, db, 4, topicSyria, keywordIdlib) // blocked the bot
	if _, err := db.DeactivateChat(ctx, 4, "403"); err != nil {
		t.Fatal(err)
	}
	chatWith(t, db, 5, topicEgypt) // other topic

	notes, obs := &countNotifier{}, &countObserver{}
	p := pipeline.New(db, pipeline.Options{Classifier: syriaClassifier, Notifier: notes, Observer: obs})
	raw := news.Article{
		FeedID: 0, Source: "newsroom", Key: "a1", URL: "https://example.com/a1",
		Title: "عاجل: قصف على ادلب",
		Text:  "<p>قتل خمسة أشخاص في قصف على مدينة ادلب.</p><p>شارك هذا المقال</p><p>وقال الدفاع المدني إن الحصيلة مرشحة للارتفاع.</p>",
	}
	a, queued, err := p.Process(ctx, raw, true)
	if err != nil {
		t.Fatal(err)
	}
	if queued != 2 || notes.n != 1 {
		t.Fatalf("queued %d, notified %d times; want 2 rows (chats 1 and 2) and one poke", queued, notes.n)
	}
	if a.Title != "قصف على ادلب" || !a.Breaking {
		t.Errorf("title %q breaking %v", a.Title, a.Breaking)
	}
	if strings.Contains(a.Text, "شارك") || strings.Contains(a.Text, "<p>") {
		t.Errorf("text not cleaned: %q", a.Text)
	}
	if a.Summary != "قتل خمسة أشخاص في قصف على مدينة ادلب. وقال الدفاع المدني إن الحصيلة مرشحة للارتفاع." {
		t.Errorf("summary %q", a.Summary)
	}
	if !slices.Equal(a.Topics, []string{"syria"}) || !slices.Equal(a.Keywords, []string{"ادلب"}) {
		t.Errorf("topics %q keywords %q", a.Topics, a.Keywords)
	}
	if !strings.HasPrefix(a.SearchText, "قصف على ادلب\n") && !strings.HasPrefix(a.SearchText, "قصف على ادلب ") {
		t.Errorf("search text %q", a.SearchText)
	}
	if a.SeenAt.IsZero() || a.ID == 0 || a.StoryID == 0 {
		t.Errorf("stored article %+v", a)
	}
	for chat, want := range map[int64]int{1: 1, 2: 1, 3: 0, 4: 0, 5: 0} {
		ds, err := db.Deliveries(ctx, chat)
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) != want {
			t.Errorf("chat %d has %d outbox rows, want %d", chat, len(ds), want)
		}
	}

	// The same item again: not new, nothing queued, nobody poked.
	_, queued, err = p.Process(ctx, raw, true)
	if !errors.Is(err, news.ErrAlreadyExists) || queued != 0 || notes.n != 1 {
		t.Fatalf("second processing: queued %d, err %v, pokes %d", queued, err, notes.n)
	}

	// After a restart (a new process on the same file) it is still not new.
	db.Close()
	db = openDB(t, path)
	p = pipeline.New(db, pipeline.Options{Classifier: syriaClassifier, Notifier: notes, Observer: obs})
	if _, _, err := p.Process(ctx, raw, true); !errors.Is(err, news.ErrAlreadyExists) {
		t.Fatalf("after restart: %v", err)
	}
	for chat, want := range map[int64]int{1: 1, 2: 1} {
		if ds, _ := db.Deliveries(ctx, chat); len(ds) != want {
			t.Errorf("after restart chat %d has %d rows, want %d", chat, len(ds), want)
		}
	}
	if obs.seen != 3 || obs.fresh != 1 || obs.queued != 2 {
		t.Errorf("observer %+v", *obs)
	}
}

func TestPrimingStoresWithoutQueuing(t *testing.T) {
	db := openDB(t, filepath.Join(t.TempDir(), "ajel.db"))
	ctx := t.Context()
	chatWith(t, db, 1, topicSyria)
	notes := &countNotifier{}
	p := pipeline.New(db, pipeline.Options{Classifier: syriaClassifier, Notifier: notes})
	feed, err := db.AddFeed(ctx, news.Feed{URL: "https://example.com/rss", Title: "مثال"})
	if err != nil {
		t.Fatal(err)
	}
	items := []news.Article{
		{Key: "g2", Title: "خبر ثان عن سوريا", PublishedAt: time.Date(2024, 5, 2, 0, 0, 0, 0, time.UTC)},
		{Key: "g1", Title: "خبر أول عن سوريا", PublishedAt: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)},
	}
	if err := p.HandleItems(ctx, feed, items, false); err != nil {
		t.Fatal(err)
	}
	if ds, _ := db.Deliveries(ctx, 1); len(ds) != 0 || notes.n != 0 {
		t.Fatalf("priming queued %d rows, poked %d", len(ds), notes.n)
	}
	stories, err := db.LatestStories(ctx, "", 10)
	if err != nil || len(stories) != 2 {
		t.Fatalf("stored %d stories, %v", len(stories), err)
	}
	// The next poll brings the same items plus one new: only that one pushes.
	items = append([]news.Article{{Key: "g3", Title: "خبر ثالث عن سوريا"}}, items...)
	if err := p.HandleItems(ctx, feed, items, true); err != nil {
		t.Fatal(err)
	}
	ds, _ := db.Deliveries(ctx, 1)
	if len(ds) != 1 || notes.n != 1 {
		t.Fatalf("after the second poll: %+v, pokes %d", ds, notes.n)
	}
	if a, err := db.Article(ctx, ds[0].ArticleID); err != nil || a.Title != "خبر ثالث عن سوريا" || a.Source != "مثال" || a.FeedID != feed.ID {
		t.Fatalf("queued article %+v, %v", a, err)
	}
}

func TestKeywordSubscriptionReachesNextArticle(t *testing.T) {
	db := openDB(t, filepath.Join(t.TempDir(), "ajel.db"))
	ctx := t.Context()
	chatWith(t, db, 1)
	p := pipeline.New(db, pipeline.Options{KeywordRefresh: time.Hour})
	if _, n, err := p.Process(ctx, news.Article{Key: "k1", Title: "زلزال في حلب"}, true); err != nil || n != 0 {
		t.Fatalf("before subscribing: %d, %v", n, err)
	}
	chatWith(t, db, 1, news.Subscription{Kind: news.KindKeyword, Key: "حلب"})
	// The index is cached for an hour, but the bot says the set changed.
	p.KeywordsChanged()
	a, n, err := p.Process(ctx, news.Article{Key: "k2", Title: "هزة ارتدادية في حلب"}, true)
	if err != nil || n != 1 || !slices.Equal(a.Keywords, []string{"حلب"}) {
		t.Fatalf("after subscribing: queued %d, keywords %q, %v", n, a.Keywords, err)
	}
}

func TestKeywordIndexCache(t *testing.T) {
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	st := &fakeStore{keywords: []string{"بيروت"}}
	builds := 0
	p := pipeline.New(st, pipeline.Options{
		Now:            func() time.Time { return now },
		KeywordRefresh: 5 * time.Second,
		Keywords: func(k []string) pipeline.KeywordMatcher {
			builds++
			return pipeline.NewWordIndex(k)
		},
	})
	n := 0
	process := func(title string) news.Article {
		t.Helper()
		n++
		a, _, err := p.Process(t.Context(), news.Article{Key: fmt.Sprint(n), Title: title}, true)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	for range 3 {
		process("انفجار في بيروت")
	}
	if st.kwCalls != 1 || builds != 1 {
		t.Fatalf("3 articles in one refresh period: %d loads, %d builds; want 1, 1", st.kwCalls, builds)
	}
	now = now.Add(6 * time.Second) // the set is the same: reloaded, not rebuilt
	process("بيروت")
	if st.kwCalls != 2 || builds != 1 {
		t.Fatalf("after the refresh period: %d loads, %d builds; want 2, 1", st.kwCalls, builds)
	}
	st.mu.Lock()
	st.keywords = []string{"بيروت", "دمشق"}
	st.mu.Unlock()
	if a := process("دمشق"); len(a.Keywords) != 0 {
		t.Fatalf("a cached index should not know دمشق yet: %q", a.Keywords)
	}
	p.KeywordsChanged()
	if a := process("دمشق"); !slices.Equal(a.Keywords, []string{"دمشق"}) || builds != 2 {
		t.Fatalf("after KeywordsChanged: %q, %d builds", a.Keywords, builds)
	}
}

func TestProcessValidation(t *testing.T) {
	longTitle := strings.Repeat("كلمة ", 400)
	var huge strings.Builder
	for i := range 8000 {
		fmt.Fprintf(&huge, "سطر رقم %d من النص الطويل جدا.\n", i) // ~ 400 KB in all
	}
	hugeText := huge.String()
	tests := []struct {
		name    string
		in      news.Article
		wantErr error
		check   func(t *testing.T, a news.Article)
	}{
		{name: "no title", in: news.Article{Key: "x", Text: "نص"}, wantErr: news.ErrInvalid},
		{name: "title only markup", in: news.Article{Key: "x", Title: "<b> </b>", Text: "نص"}, wantErr: news.ErrInvalid},
		{name: "no key", in: news.Article{Title: "عنوان"}, wantErr: news.ErrInvalid},
		{name: "title only", in: news.Article{Key: "x", Title: "عنوان فقط"}, check: func(t *testing.T, a news.Article) {
			if a.Summary != "" || a.Text != "" {
				t.Errorf("summary %q text %q", a.Summary, a.Text)
			}
		}},
		{name: "long title cut at a word", in: news.Article{Key: "x", Title: longTitle}, check: func(t *testing.T, a news.Article) {
			if n := utf8.RuneCountInString(a.Title); n > pipeline.MaxTitleChars || !strings.HasSuffix(a.Title, "كلمة…") {
				t.Errorf("title of %d chars ends %q", n, a.Title[len(a.Title)-20:])
			}
		}},
		{name: "huge text truncated", in: news.Article{Key: "x", Title: "t", Text: hugeText}, check: func(t *testing.T, a news.Article) {
			if len(a.Text) > pipeline.MaxTextBytes || len(a.Text) < pipeline.MaxTextBytes*3/4 || !utf8.ValidString(a.Text) {
				t.Errorf("text of %d bytes", len(a.Text))
			}
			if utf8.RuneCountInString(a.Summary) > 400 {
				t.Errorf("summary of %d chars", utf8.RuneCountInString(a.Summary))
			}
		}},
		{name: "marker-only title takes the first sentence", in: news.Article{Key: "x", Title: "عاجل", Text: "انفجار في المرفأ. وسقط جرحى."}, check: func(t *testing.T, a news.Article) {
			if a.Title != "انفجار في المرفأ." || a.Text != "وسقط جرحى." || !a.Breaking {
				t.Errorf("title %q text %q breaking %v", a.Title, a.Text, a.Breaking)
			}
		}},
		{name: "body repeating the title is dropped", in: news.Article{Key: "x", Title: "وزير يستقيل", Text: "<p>وزير  يستقيل</p>"}, check: func(t *testing.T, a news.Article) {
			if a.Text != "" || a.Summary != "" {
				t.Errorf("text %q summary %q", a.Text, a.Summary)
			}
		}},
		{name: "given summary and topics kept", in: news.Article{Key: "x", Title: "خبر عن سوريا", Text: "نص.", Summary: "ملخص المحرر", Topics: []string{"economy"}}, check: func(t *testing.T, a news.Article) {
			if a.Summary != "ملخص المحرر" || !slices.Equal(a.Topics, []string{"economy", "syria"}) {
				t.Errorf("summary %q topics %q", a.Summary, a.Topics)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := pipeline.New(&fakeStore{}, pipeline.Options{Classifier: syriaClassifier})
			a, _, err := p.Process(t.Context(), tc.in, true)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, a)
		})
	}
}

func TestHandleItemsOrderAndErrors(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2024, 5, d, 12, 0, 0, 0, time.UTC) }
	feed := news.Feed{ID: 7, URL: "https://www.example.org/feed", Breaking: true}
	// As a feed lists them: newest first, one undated, one invalid.
	items := []news.Article{
		{Key: "c", Title: "ثالث", PublishedAt: day(3)},
		{Key: "u", Title: "بلا تاريخ"},
		{Key: "b", Title: "ثان", PublishedAt: day(2)},
		{Key: "bad", Title: "   "},
		{Key: "a", Title: "أول", PublishedAt: day(1), Source: "وكالة"},
	}
	st := &fakeStore{queue: 1}
	notes := &countNotifier{}
	p := pipeline.New(st, pipeline.Options{Notifier: notes})
	if err := p.HandleItems(t.Context(), feed, items, true); err != nil {
		t.Fatal(err)
	}
	if got := st.titles(); !slices.Equal(got, []string{"أول", "ثان", "ثالث", "بلا تاريخ"}) {
		t.Fatalf("order %q", got)
	}
	if notes.n != 4 {
		t.Errorf("pokes %d, want one per article that queued", notes.n)
	}
	for _, a := range st.saved {
		wantSource := "example.org"
		if a.Key == "a" {
			wantSource = "وكالة"
		}
		if a.FeedID != 7 || !a.Breaking || a.Source != wantSource {
			t.Errorf("%s: feed %d breaking %v source %q", a.Key, a.FeedID, a.Breaking, a.Source)
		}
	}
	if items[0].Key != "c" || items[0].FeedID != 0 {
		t.Error("HandleItems must not modify the caller's slice")
	}

	// Again, with one new item and a store failure after it: the duplicates
	// are skipped silently, the failure stops the poll and is returned.
	items = append([]news.Article{{Key: "e", Title: "خامس", PublishedAt: day(5)}, {Key: "d", Title: "رابع", PublishedAt: day(4)}}, items...)
	st.failOn = "e"
	err := p.HandleItems(t.Context(), feed, items, true)
	if err == nil || !strings.Contains(err.Error(), "disk full") || errors.Is(err, news.ErrAlreadyExists) {
		t.Fatalf("store failure: %v", err)
	}
	if got := st.titles(); len(got) != 5 || got[4] != "رابع" {
		t.Fatalf("after the failed poll: %q", got)
	}
	// The poller retries the whole poll: what was saved is simply not new.
	st.failOn = ""
	if err := p.HandleItems(t.Context(), feed, items, true); err != nil {
		t.Fatal(err)
	}
	if got := st.titles(); len(got) != 6 || got[5] != "خامس" {
		t.Fatalf("after the retry: %q", got)
	}

	// A cancelled context stops before touching the store.
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := p.HandleItems(ctx, feed, []news.Article{{Key: "z", Title: "z"}}, true); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
}

func BenchmarkProcessKeywordFanOut(b *testing.B) {
	keywords := make([]string, 5000)
	for i := range keywords {
		keywords[i] = fmt.Sprintf("كلمة%d", i)
	}
	st := &fakeStore{keywords: keywords}
	p := pipeline.New(st, pipeline.Options{})
	text := strings.Repeat("نص الخبر مع كلمة42 وكلمات أخرى كثيرة. ", 50)
	b.ResetTimer()
	for i := range b.N {
		if _, _, err := p.Process(b.Context(), news.Article{Key: fmt.Sprint(i), Title: "عنوان", Text: text}, true); err != nil {
			b.Fatal(err)
		}
	}
}

// joinsStory42 puts every article whose title says "ثانية" in story 42.
type joinsStory42 struct{}

func (joinsStory42) Story(_ context.Context, a news.Article) (news.Article, error) {
	if strings.Contains(a.Title, "ثانية") {
		a.StoryID = 42
	}
	return a, nil
}

func (joinsStory42) Add(news.Article) {}

// storySummarizer answers with a summary of the story, or fails for one key.
type storySummarizer struct {
	calls  []news.Article
	failOn string
}

func (s *storySummarizer) StorySummary(_ context.Context, a news.Article) (string, error) {
	s.calls = append(s.calls, a)
	if a.Key == s.failOn {
		return "", errors.New("storage: database is locked")
	}
	return "ملخص من كل الروايات", nil
}

// An article that joins a story carries the story's summary written again
// from every telling; one that starts a story does not ask for one, and a
// failure to write it costs only the summary, never the article.
func TestJoiningArticleCarriesStorySummary(t *testing.T) {
	store := &fakeStore{}
	sum := &storySummarizer{failOn: "k3"}
	p := pipeline.New(store, pipeline.Options{Stories: joinsStory42{}, StorySummarizer: sum})
	for _, a := range []news.Article{
		{Key: "k1", Title: "رواية أولى", Text: "نص الرواية الأولى."},
		{Key: "k2", Title: "رواية ثانية", Text: "نص الرواية الثانية."},
		{Key: "k3", Title: "رواية ثانية أخرى", Text: "نص آخر."},
	} {
		if _, _, err := p.Process(t.Context(), a, true); err != nil {
			t.Fatalf("%s: %v", a.Key, err)
		}
	}
	if len(sum.calls) != 2 || sum.calls[0].Key != "k2" || sum.calls[0].StoryID != 42 {
		t.Fatalf("story summaries asked for %+v, want k2 and k3 of story 42", sum.calls)
	}
	got := map[string]string{}
	for _, a := range store.saved {
		got[a.Key] = a.StorySummary
	}
	want := map[string]string{"k1": "", "k2": "ملخص من كل الروايات", "k3": ""}
	if !maps.Equal(got, want) {
		t.Errorf("story summaries saved %q, want %q", got, want)
	}
}
