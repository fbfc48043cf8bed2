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

	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/pipeline"
	"github.com/ajel-news/ajel/storage"
	"github.com/ajel-news/ajel/storage/storagetest"
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
	pushed   []string
	pages    []string // RecordPage's failures, "" for a page used
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
		s.pushed = append(s.pushed, a.Key)
		return a, s.queue, nil
	}
	return a, 0, nil
}

func (s *fakeStore) UnknownItems(_ context.Context, _ int64, keys []string) (map[string]bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]bool{}
	for _, k := range keys {
		if !s.keys[k] {
			out[k] = true
		}
	}
	return out, nil
}

func (s *fakeStore) RecordPage(_ context.Context, _ int64, failure string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pages = append(s.pages, failure)
	return nil
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

func (o *countObserver) PageRead(int64, error) {}

// fakeAnalyzer stands for package analyze: the title trimmed and a leading
// "عاجل:" taken as the breaking marker (no title, or no key, is refused),
// the text's first line as the summary, "syria" for any article naming
// سوريا or ادلب, the keyword subscriptions it names as whole words, and
// its words as the search text. It counts how often the keywords are set.
type fakeAnalyzer struct {
	mu   sync.Mutex
	keys []string
	sets int
}

func (f *fakeAnalyzer) Analyze(a news.Article) (news.Article, error) {
	title := strings.TrimSpace(a.Title)
	if rest, ok := strings.CutPrefix(title, "عاجل:"); ok {
		title, a.Breaking = strings.TrimSpace(rest), true
	}
	if title == "" || a.Key == "" {
		return a, fmt.Errorf("fake: %q: %w", a.Key, news.ErrInvalid)
	}
	a.Title = title
	if a.Summary == "" {
		a.Summary, _, _ = strings.Cut(a.Text, "\n")
	}
	words := strings.Fields(title + " " + a.Text)
	if strings.Contains(title+a.Text, "سوريا") || strings.Contains(title+a.Text, "ادلب") {
		a.Topics = append(a.Topics, "syria")
	}
	f.mu.Lock()
	for _, k := range f.keys {
		if slices.Contains(words, k) {
			a.Keywords = append(a.Keywords, k)
		}
	}
	f.mu.Unlock()
	a.SearchText = strings.Join(words, " ")
	return a, nil
}

func (f *fakeAnalyzer) SetKeywords(keys []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.keys, f.sets = slices.Clone(keys), f.sets+1
}

func (f *fakeAnalyzer) setCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.sets
}

func chatWith(t *testing.T, db *storage.DB, id int64, subs ...news.Subscription) {
	t.Helper()
	storagetest.Chat(t, db, id, news.ChatPrivate)
	for _, s := range subs {
		storagetest.Follow(t, db, id, s.Kind, s.Key)
	}
}

var (
	topicSyria   = news.Subscription{Kind: news.KindTopic, Key: "syria"}
	topicEgypt   = news.Subscription{Kind: news.KindTopic, Key: "egypt"}
	keywordIdlib = news.Subscription{Kind: news.KindKeyword, Key: "ادلب"}
)

func TestProcessWithStorage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ajel.db")
	db := storagetest.OpenAt(t, path)
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
	p := pipeline.New(db, pipeline.Options{Analyzer: &fakeAnalyzer{}, Notifier: notes, Observer: obs})
	raw := news.Article{
		FeedID: 0, Source: "newsroom", Key: "a1", URL: "https://example.com/a1",
		Title: "عاجل: قصف على ادلب",
		Text:  "قتل خمسة أشخاص في قصف على مدينة ادلب.\nوقال الدفاع المدني إن الحصيلة مرشحة للارتفاع.",
	}
	a, queued, err := p.Process(ctx, raw, true)
	if err != nil {
		t.Fatal(err)
	}
	if queued != 2 || notes.n != 1 {
		t.Fatalf("queued %d, notified %d times; want 2 rows (chats 1 and 2) and one poke", queued, notes.n)
	}
	// What the Analyzer made of it is what is stored (the analysis
	// itself is package analyze's, tested there).
	if a.Title != "قصف على ادلب" || !a.Breaking || a.Summary == "" {
		t.Errorf("title %q breaking %v summary %q", a.Title, a.Breaking, a.Summary)
	}
	if !slices.Equal(a.Topics, []string{"syria"}) || !slices.Equal(a.Keywords, []string{"ادلب"}) {
		t.Errorf("topics %q keywords %q", a.Topics, a.Keywords)
	}
	if !strings.HasPrefix(a.SearchText, "قصف على ادلب ") {
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
	db = storagetest.OpenAt(t, path)
	p = pipeline.New(db, pipeline.Options{Analyzer: &fakeAnalyzer{}, Notifier: notes, Observer: obs})
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
	db := storagetest.OpenAt(t, filepath.Join(t.TempDir(), "ajel.db"))
	ctx := t.Context()
	chatWith(t, db, 1, topicSyria)
	notes := &countNotifier{}
	p := pipeline.New(db, pipeline.Options{Analyzer: &fakeAnalyzer{}, Notifier: notes})
	feed, err := db.AddFeed(ctx, news.Feed{URL: "https://example.com/rss", Title: "مثال"})
	if err != nil {
		t.Fatal(err)
	}
	items := []news.Article{
		{Key: "g2", Title: "خبر ثان عن سوريا", PublishedAt: time.Date(2024, 5, 2, 0, 0, 0, 0, time.UTC)},
		{Key: "g1", Title: "خبر أول عن سوريا", PublishedAt: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)},
	}
	if _, err := p.HandleItems(ctx, feed, items, false); err != nil {
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
	if _, err := p.HandleItems(ctx, feed, items, true); err != nil {
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
	db := storagetest.OpenAt(t, filepath.Join(t.TempDir(), "ajel.db"))
	ctx := t.Context()
	chatWith(t, db, 1)
	p := pipeline.New(db, pipeline.Options{Analyzer: &fakeAnalyzer{}, KeywordRefresh: time.Hour})
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
	an := &fakeAnalyzer{}
	p := pipeline.New(st, pipeline.Options{
		Analyzer:       an,
		Now:            func() time.Time { return now },
		KeywordRefresh: 5 * time.Second,
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
	if st.kwCalls != 1 || an.setCount() != 1 {
		t.Fatalf("3 articles in one refresh period: %d loads, %d sets; want 1, 1", st.kwCalls, an.setCount())
	}
	now = now.Add(6 * time.Second) // the set is the same: reloaded, not set again
	process("بيروت")
	if st.kwCalls != 2 || an.setCount() != 1 {
		t.Fatalf("after the refresh period: %d loads, %d sets; want 2, 1", st.kwCalls, an.setCount())
	}
	st.mu.Lock()
	st.keywords = []string{"بيروت", "دمشق"}
	st.mu.Unlock()
	if a := process("دمشق"); len(a.Keywords) != 0 {
		t.Fatalf("a cached set should not know دمشق yet: %q", a.Keywords)
	}
	p.KeywordsChanged()
	if a := process("دمشق"); !slices.Equal(a.Keywords, []string{"دمشق"}) || an.setCount() != 2 {
		t.Fatalf("after KeywordsChanged: %q, %d sets", a.Keywords, an.setCount())
	}
}

// An article the Analyzer refuses is not stored, and says why.
func TestProcessRefusesWhatTheAnalyzerRefuses(t *testing.T) {
	st := &fakeStore{}
	obs := &countObserver{}
	p := pipeline.New(st, pipeline.Options{Analyzer: &fakeAnalyzer{}, Observer: obs})
	for _, a := range []news.Article{{Key: "x", Text: "نص"}, {Title: "عنوان"}} {
		if _, _, err := p.Process(t.Context(), a, true); !errors.Is(err, news.ErrInvalid) {
			t.Errorf("%+v: err %v, want ErrInvalid", a, err)
		}
	}
	if len(st.saved) != 0 || obs.seen != 2 || obs.fresh != 0 {
		t.Errorf("saved %d, observer %+v", len(st.saved), *obs)
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
	p := pipeline.New(st, pipeline.Options{Analyzer: &fakeAnalyzer{}, Notifier: notes,
		Now: func() time.Time { return day(5).Add(time.Hour) }, MaxItemAge: 10 * 24 * time.Hour})
	if _, err := p.HandleItems(t.Context(), feed, items, true); err != nil {
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
	_, err := p.HandleItems(t.Context(), feed, items, true)
	if err == nil || !strings.Contains(err.Error(), "disk full") || errors.Is(err, news.ErrAlreadyExists) {
		t.Fatalf("store failure: %v", err)
	}
	if got := st.titles(); len(got) != 5 || got[4] != "رابع" {
		t.Fatalf("after the failed poll: %q", got)
	}
	// The poller retries the whole poll: what was saved is simply not new.
	st.failOn = ""
	if _, err := p.HandleItems(t.Context(), feed, items, true); err != nil {
		t.Fatal(err)
	}
	if got := st.titles(); len(got) != 6 || got[5] != "خامس" {
		t.Fatalf("after the retry: %q", got)
	}

	// A cancelled context stops before touching the store.
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := p.HandleItems(ctx, feed, []news.Article{{Key: "z", Title: "z"}}, true); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
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
	p := pipeline.New(store, pipeline.Options{Analyzer: &fakeAnalyzer{}, Stories: joinsStory42{}, StorySummarizer: sum})
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

// An item dated long ago (a feed relisting its archive) or in the future
// (a broken clock) is stored, so /search finds it, but rings nobody; one
// dated a few minutes ahead is a clock a little off, and news.
func TestHandleItemsHoldsItemsDatedOutsideTheNews(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	items := []news.Article{
		{Key: "next-year", Title: "خبر مؤرخ في العام القادم", PublishedAt: now.AddDate(1, 0, 0)},
		{Key: "ahead", Title: "ساعة الموقع متقدمة قليلًا", PublishedAt: now.Add(5 * time.Minute)},
		{Key: "hour", Title: "خبر قبل ساعة", PublishedAt: now.Add(-time.Hour)},
		{Key: "undated", Title: "خبر بلا تاريخ"},
		{Key: "yesterday", Title: "خبر قبل يومين", PublishedAt: now.Add(-49 * time.Hour)},
		{Key: "2001", Title: "خبر من عام 2001", PublishedAt: time.Date(2001, 9, 1, 0, 0, 0, 0, time.UTC)},
	}
	st := &fakeStore{queue: 1}
	p := pipeline.New(st, pipeline.Options{Analyzer: &fakeAnalyzer{}, Now: func() time.Time { return now }})
	out, err := p.HandleItems(t.Context(), news.Feed{ID: 1, URL: "https://example.org/rss"}, items, true)
	held := out.Held
	if err != nil {
		t.Fatal(err)
	}
	if len(st.saved) != len(items) {
		t.Errorf("stored %d of %d items: every one must be searchable", len(st.saved), len(items))
	}
	if want := []string{"hour", "ahead", "undated"}; !slices.Equal(st.pushed, want) {
		t.Errorf("pushed %q, want %q", st.pushed, want)
	}
	if want := (news.HeldItems{Old: 2, Future: 1}); held != want {
		t.Errorf("held %+v, want %+v", held, want)
	}
	// Priming pushes nothing anyway: nothing is counted as held.
	if out, _ := p.HandleItems(t.Context(), news.Feed{ID: 2}, []news.Article{{Key: "p", Title: "قديم", PublishedAt: now.AddDate(-1, 0, 0)}}, false); out.Held.Total() != 0 || out.New != 1 {
		t.Errorf("priming counted %+v", out)
	}
	// The ingest API goes through Process: the same rule.
	if _, n, err := p.Process(t.Context(), news.Article{Key: "i", Source: "newsroom", Title: "أرشيف", PublishedAt: now.AddDate(0, -1, 0)}, true); err != nil || n != 0 {
		t.Errorf("an ingested month-old article queued %d (%v)", n, err)
	}
}

// A feed that suddenly lists 10,000 new items pushes the newest 20 and
// stores the rest in silence; the count says so, and the next poll of the
// same list pushes nothing.
func TestHandleItemsPushesAtMostTwentyAPoll(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	items := make([]news.Article, 10_000)
	for i := range items { // newest first, a second apart
		items[i] = news.Article{Key: fmt.Sprint("k", i), Title: fmt.Sprint("خبر رقم ", i), PublishedAt: now.Add(-time.Duration(i) * time.Second)}
	}
	st := &fakeStore{queue: 1}
	notes := &countNotifier{}
	p := pipeline.New(st, pipeline.Options{Analyzer: &fakeAnalyzer{}, Notifier: notes, Now: func() time.Time { return now }})
	out, err := p.HandleItems(t.Context(), news.Feed{ID: 1}, items, true)
	held := out.Held
	if err != nil {
		t.Fatal(err)
	}
	if len(st.saved) != 10_000 {
		t.Errorf("stored %d", len(st.saved))
	}
	var want []string
	for i := 19; i >= 0; i-- {
		want = append(want, fmt.Sprint("k", i))
	}
	if !slices.Equal(st.pushed, want) {
		t.Errorf("pushed %d items %q…, want the newest 20 oldest first", len(st.pushed), st.pushed[:min(3, len(st.pushed))])
	}
	if held != (news.HeldItems{OverLimit: 9_980}) || notes.n != 20 {
		t.Errorf("held %+v, pokes %d", held, notes.n)
	}
	if out, err := p.HandleItems(t.Context(), news.Feed{ID: 1}, items, true); err != nil || out.Held.Total() != 0 || out.New != 0 || len(st.pushed) != 20 {
		t.Errorf("the same list again: %+v, pushed %d, %v", out, len(st.pushed), err)
	}
	// The bound counts new items only: one new item deep in a long list
	// of known ones (published late, dated an hour back) is pushed.
	late := news.Article{Key: "late", Title: "خبر نشر متأخرًا", PublishedAt: now.Add(-time.Hour)}
	items = append(items[:100:100], late)
	if out, err := p.HandleItems(t.Context(), news.Feed{ID: 1}, items, true); err != nil || out.Held.Total() != 0 || out.New != 1 || st.pushed[len(st.pushed)-1] != "late" {
		t.Errorf("one new item among 100 known: %+v, pushed %q, %v", out, st.pushed[20:], err)
	}
}

// The same flood against the real store: 10,000 new items in one poll of
// a feed one reader follows queue 20 pushes, not 10,000, and every item
// is stored.
func TestTenThousandNewItemsQueueTwentyPushes(t *testing.T) {
	if testing.Short() {
		t.Skip("stores 10,000 articles")
	}
	db := storagetest.OpenAt(t, filepath.Join(t.TempDir(), "ajel.db"))
	ctx := t.Context()
	chatWith(t, db, 1, topicSyria)
	feed, err := db.AddFeed(ctx, news.Feed{URL: "https://example.com/rss", Title: "مثال"})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	items := make([]news.Article, 10_000)
	for i := range items {
		items[i] = news.Article{Key: fmt.Sprint("g", i), Title: fmt.Sprint("خبر عن سوريا رقم ", i),
			PublishedAt: now.Add(-time.Duration(i) * time.Second)}
	}
	p := pipeline.New(db, pipeline.Options{Analyzer: &fakeAnalyzer{}, Now: func() time.Time { return now }})
	out, err := p.HandleItems(ctx, feed, items, true)
	held := out.Held
	if err != nil {
		t.Fatal(err)
	}
	ds, err := db.Deliveries(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 20 || held.OverLimit != 9_980 {
		t.Fatalf("queued %d pushes, held %+v; want 20 and 9,980", len(ds), held)
	}
	found, err := db.SearchArticles(ctx, []string{"رقم"}, 20_000)
	if err != nil || len(found) < 10_000 {
		t.Errorf("search finds %d of the 10,000 stored items, %v", len(found), err)
	}
}

// Items of one list that share a link (a live page) are different items:
// the link identifies neither, and both are pushed.
func TestSharedLinkIsNoIdentity(t *testing.T) {
	db := storagetest.OpenAt(t, filepath.Join(t.TempDir(), "ajel.db"))
	ctx := t.Context()
	chatWith(t, db, 1, topicSyria)
	feed, err := db.AddFeed(ctx, news.Feed{URL: "https://example.com/rss"})
	if err != nil {
		t.Fatal(err)
	}
	p := pipeline.New(db, pipeline.Options{Analyzer: &fakeAnalyzer{}})
	items := []news.Article{
		{Key: "live-2", Title: "تحديث: قصف جديد في سوريا", LinkKey: "k:live"},
		{Key: "live-1", Title: "بدء التغطية المباشرة لأحداث سوريا", LinkKey: "k:live"},
	}
	if _, err := p.HandleItems(ctx, feed, items, true); err != nil {
		t.Fatal(err)
	}
	if ds, _ := db.Deliveries(ctx, 1); len(ds) != 2 {
		t.Errorf("queued %d pushes, want both live updates", len(ds))
	}
}

// fakePages completes an item from the "page" of its URL: the text in
// pages, or the error in fails; a URL in hang answers nothing until the
// test closes giveUp (then it fails as the page bound would make it) or
// the poll's context ends. It records the order items were asked for.
type fakePages struct {
	mu     sync.Mutex
	pages  map[string]string
	fails  map[string]error
	hang   map[string]bool
	giveUp chan struct{}
	asked  []string
}

func (f *fakePages) Complete(ctx context.Context, a news.Article, mode news.FullTextMode) (news.Article, bool, error) {
	if mode == news.FullTextNever {
		return a, false, nil
	}
	f.mu.Lock()
	f.asked = append(f.asked, a.Key)
	text, fail, hang := f.pages[a.URL], f.fails[a.URL], f.hang[a.URL]
	f.mu.Unlock()
	if hang {
		select {
		case <-ctx.Done():
			return a, true, ctx.Err()
		case <-f.giveUp: // the page bound ran out
			return a, true, errors.New("feed: page: no complete answer within 2s")
		}
	}
	if fail != nil {
		return a, true, fail
	}
	a.Teaser, a.Text, a.ImageURL = a.Text, text, "https://img.example/"+a.Key+".jpg"
	return a, true, nil
}

func TestHandleItemsReadsTheirPages(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	pages := &fakePages{
		pages: map[string]string{"https://a.example/1": "النص الكامل للخبر الأول\nوتفاصيله", "https://a.example/2": "النص الكامل للخبر الثاني"},
		fails: map[string]error{"https://a.example/3": errors.New("feed: page text is not the story (0 of 6 of its words)")},
	}
	st := &fakeStore{queue: 1}
	p := pipeline.New(st, pipeline.Options{Analyzer: &fakeAnalyzer{}, Pages: pages, Now: func() time.Time { return now }})
	items := []news.Article{
		{Key: "3", Title: "ثالث", Text: "مقتطف…", URL: "https://a.example/3", PublishedAt: now.Add(-time.Minute)},
		{Key: "2", Title: "ثان", Text: "مقتطف…", URL: "https://a.example/2", PublishedAt: now.Add(-2 * time.Minute)},
		{Key: "1", Title: "أول", Text: "مقتطف…", URL: "https://a.example/1", PublishedAt: now.Add(-3 * time.Minute)},
		{Key: "old", Title: "قديم", Text: "مقتطف…", URL: "https://a.example/old", PublishedAt: now.Add(-72 * time.Hour)},
	}
	if _, err := p.HandleItems(t.Context(), news.Feed{ID: 1}, items, true); err != nil {
		t.Fatal(err)
	}
	if want := []string{"1", "2", "3"}; !slices.Equal(pages.asked, want) {
		t.Errorf("pages asked for %q, want %q (oldest first; never for an item that is not pushed)", pages.asked, want)
	}
	byKey := map[string]news.Article{}
	for _, a := range st.saved {
		byKey[a.Key] = a
	}
	if a := byKey["1"]; a.Summary != "النص الكامل للخبر الأول" || a.ImageURL != "https://img.example/1.jpg" {
		t.Errorf("item 1 summarized from %q, picture %q: want the page's text", a.Summary, a.ImageURL)
	}
	if a := byKey["3"]; a.Text != "مقتطف…" || a.ImageURL != "" {
		t.Errorf("item 3, whose page failed, has text %q: want its teaser", a.Text)
	}
	if len(st.saved) != 4 || len(st.pushed) != 3 {
		t.Errorf("saved %d, pushed %q", len(st.saved), st.pushed)
	}
	if want := []string{"", "", "feed: page text is not the story (0 of 6 of its words)"}; !slices.Equal(st.pages, want) {
		t.Errorf("pages recorded %q, want %q", st.pages, want)
	}

	// A feed set to never reads no page; priming reads none either.
	pages.asked = nil
	more := []news.Article{{Key: "n", Title: "جديد", Text: "مقتطف…", URL: "https://a.example/n", PublishedAt: now}}
	if _, err := p.HandleItems(t.Context(), news.Feed{ID: 2, FullText: news.FullTextNever}, more, true); err != nil {
		t.Fatal(err)
	}
	if _, err := p.HandleItems(t.Context(), news.Feed{ID: 3}, []news.Article{{Key: "p", Title: "تهيئة", URL: "https://a.example/p"}}, false); err != nil {
		t.Fatal(err)
	}
	if len(pages.asked) != 0 {
		t.Errorf("pages read for a never feed or a priming poll: %q", pages.asked)
	}
}

// A page that never answers delays only its own article: the other
// host's item is stored (and pushed) at once.
func TestSlowPageDelaysOnlyItsOwnArticle(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	pages := &fakePages{
		pages:  map[string]string{"https://fast.example/1": "نص كامل"},
		hang:   map[string]bool{"https://slow.example/1": true},
		giveUp: make(chan struct{}),
	}
	st := &fakeStore{queue: 1}
	p := pipeline.New(st, pipeline.Options{Analyzer: &fakeAnalyzer{}, Pages: pages, Now: func() time.Time { return now }})
	items := []news.Article{
		{Key: "fast", Title: "سريع", Text: "مقتطف…", URL: "https://fast.example/1", PublishedAt: now},
		{Key: "slow", Title: "بطيء", Text: "مقتطف…", URL: "https://slow.example/1", PublishedAt: now.Add(-time.Minute)},
	}
	done := make(chan error, 1)
	go func() {
		_, err := p.HandleItems(t.Context(), news.Feed{ID: 1}, items, true)
		done <- err
	}()
	// The slow page hangs until the test lets it give up: the fast item
	// must be pushed meanwhile, however long the machine takes.
	deadline := time.Now().Add(time.Minute)
	for {
		st.mu.Lock()
		pushed := slices.Clone(st.pushed)
		st.mu.Unlock()
		if slices.Contains(pushed, "fast") {
			if slices.Contains(pushed, "slow") {
				t.Fatal("the slow item was pushed before its page gave up")
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the fast item waited for the slow page (pushed %q)", pushed)
		}
		time.Sleep(5 * time.Millisecond)
	}
	close(pages.giveUp)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(st.pushed, "slow") {
		t.Errorf("the slow item was not pushed with its teaser once its page gave up: %q", st.pushed)
	}
}

// Pages that are in while the poll's other items are still being stored
// are processed between them, each once, and the poll ends.
func TestPagesInterleaveWithTheOtherItems(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	pages := &fakePages{pages: map[string]string{}}
	var items []news.Article
	for i := range 5 {
		u := fmt.Sprintf("https://a.example/%d", i)
		pages.pages[u] = "النص الكامل"
		items = append(items, news.Article{Key: fmt.Sprint("new", i), Title: fmt.Sprint("جديد ", i), Text: "مقتطف…", URL: u, PublishedAt: now})
	}
	for i := range 200 { // archive items, stored in silence meanwhile
		items = append(items, news.Article{Key: fmt.Sprint("old", i), Title: fmt.Sprint("قديم ", i), PublishedAt: now.AddDate(0, 0, -3)})
	}
	st := &fakeStore{queue: 1}
	p := pipeline.New(st, pipeline.Options{Analyzer: &fakeAnalyzer{}, Pages: pages, Now: func() time.Time { return now }})
	done := make(chan error, 1)
	var out news.PollOutcome
	go func() {
		var err error
		out, err = p.HandleItems(t.Context(), news.Feed{ID: 1}, items, true)
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(time.Minute):
		t.Fatal("the poll never ended")
	}
	if out.New != 205 || len(st.pushed) != 5 || out.Held.Old != 200 {
		t.Errorf("outcome %+v, pushed %d; want 205 new, 5 pushed, 200 held", out, len(st.pushed))
	}
}

// A push names its outlet by the operator's name for the feed, else by
// the feed's title cleaned of what its platform adds, else by its host.
func TestItemsCarryTheFeedsName(t *testing.T) {
	now := time.Date(2024, 5, 5, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		feed news.Feed
		item string // the item's source as the parser gave it (the feed title)
		want string
	}{
		{"a name", news.Feed{ID: 1, URL: "https://www.hespress.com/feed", Title: "Hespress - Article Feed", Name: "هسبريس"}, "Hespress - Article Feed", "هسبريس"},
		{"the title, cleaned", news.Feed{ID: 1, URL: "https://www.hespress.com/feed", Title: "Hespress - Article Feed"}, "Hespress - Article Feed", "Hespress"},
		{"the feed's title when the item has none", news.Feed{ID: 1, URL: "https://a.example/rss", Title: "RSS - France 24"}, "", "France 24"},
		{"the host", news.Feed{ID: 1, URL: "https://www.example.org/feed"}, "", "example.org"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := &fakeStore{}
			p := pipeline.New(st, pipeline.Options{Analyzer: &fakeAnalyzer{}, Now: func() time.Time { return now }})
			items := []news.Article{{Key: "k", Title: "خبر", PublishedAt: now.Add(-time.Minute), Source: tc.item}}
			if _, err := p.HandleItems(t.Context(), tc.feed, items, true); err != nil {
				t.Fatal(err)
			}
			if len(st.saved) != 1 || st.saved[0].Source != tc.want {
				t.Errorf("saved %+v, want source %q", st.saved, tc.want)
			}
		})
	}
}
