package pipeline_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ajel-news/ajel/analyze"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/pipeline"
	"github.com/ajel-news/ajel/topic"
)

// A feed's items not written in Arabic are stored (searchable) and held,
// counted by their reason, and take no place among a poll's pushes; a feed
// with lang=any pushes them.
func TestHandleItemsHoldsItemsNotInArabic(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	var items []news.Article
	for i := range 25 {
		items = append(items, news.Article{Key: fmt.Sprint("en", i), Title: fmt.Sprintf("Storm closes the coast road, day %d", i),
			Text: "The road stays closed until the wind drops.", PublishedAt: now.Add(-time.Duration(i) * time.Minute)})
	}
	for i := range 3 {
		items = append(items, news.Article{Key: fmt.Sprint("ar", i), Title: fmt.Sprintf("عاصفة تغلق الطريق الساحلي لليوم %d", i+1),
			Text: "يبقى الطريق مغلقا حتى تهدأ الرياح.", PublishedAt: now.Add(-time.Hour)})
	}
	st := &fakeStore{queue: 1}
	p := pipeline.New(st, pipeline.Options{Analyzer: &fakeAnalyzer{}, Screen: analyze.Screen, Now: func() time.Time { return now }})
	out, err := p.HandleItems(t.Context(), news.Feed{ID: 1}, items, true)
	if err != nil {
		t.Fatal(err)
	}
	if out.New != 28 || out.Held != (news.HeldItems{Language: 25}) {
		t.Errorf("outcome %+v; want 28 new, 25 held for their language, none over the limit", out)
	}
	slices.Sort(st.pushed)
	if want := []string{"ar0", "ar1", "ar2"}; !slices.Equal(st.pushed, want) {
		t.Errorf("pushed %q, want %q", st.pushed, want)
	}
	for _, a := range st.saved {
		if want := news.HeldReason(""); strings.HasPrefix(a.Key, "en") {
			want = news.HeldLanguage
			if a.Held != want {
				t.Errorf("%s stored with held %q, want %q", a.Key, a.Held, want)
			}
		}
	}

	anyLang := &fakeStore{queue: 1}
	p = pipeline.New(anyLang, pipeline.Options{Analyzer: &fakeAnalyzer{}, Screen: analyze.Screen, Now: func() time.Time { return now }})
	out, err = p.HandleItems(t.Context(), news.Feed{ID: 1, Lang: news.LangAny}, items, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(anyLang.pushed) != 20 || out.Held != (news.HeldItems{OverLimit: 8}) {
		t.Errorf("lang=any: pushed %d, held %+v; want the newest 20 whatever their language", len(anyLang.pushed), out.Held)
	}
}

// fillingStore is a fakeStore that says when an item was pushed and fills
// in the text of one pushed without a summary, as storage does.
type fillingStore struct {
	*fakeStore
	mu     sync.Mutex
	pushed map[string]chan struct{}
	filled []news.Article
}

func (s *fillingStore) pushedCh(key string) chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pushed[key] == nil {
		s.pushed[key] = make(chan struct{})
	}
	return s.pushed[key]
}

func (s *fillingStore) SaveArticle(ctx context.Context, a news.Article, push bool) (news.Article, int, error) {
	saved, n, err := s.fakeStore.SaveArticle(ctx, a, push)
	if err == nil && push {
		close(s.pushedCh(a.Key))
	}
	return saved, n, err
}

func (s *fillingStore) FillText(_ context.Context, a news.Article) (bool, error) {
	s.fakeStore.mu.Lock()
	defer s.fakeStore.mu.Unlock()
	for i, old := range s.fakeStore.saved {
		if old.Key == a.Key && old.Summary == "" {
			s.fakeStore.saved[i].Text, s.fakeStore.saved[i].Summary = a.Text, a.Summary
			s.mu.Lock()
			s.filled = append(s.filled, a)
			s.mu.Unlock()
			return true, nil
		}
	}
	return false, nil
}

// gatedPages gives an item's page only once the item was pushed: a
// pipeline that waited for the page before pushing would wait for ever
// (until the poll's context ends).
type gatedPages struct {
	st   *fillingStore
	text string
}

func (g *gatedPages) Complete(ctx context.Context, a news.Article, _ news.FullTextMode) (news.Article, bool, error) {
	select {
	case <-g.st.pushedCh(a.Key):
	case <-ctx.Done():
		return a, true, ctx.Err()
	}
	a.Teaser, a.Text = a.Text, g.text
	return a, true, nil
}

// A breaking item whose text is only a placeholder is pushed at once with
// its headline alone; its page, read after, gives the push its text. An
// item seen again with its text in a later poll fills a push that had
// only its headline too.
func TestBreakingPlaceholderIsPushedAtOnceThenGetsItsText(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	st := &fillingStore{fakeStore: &fakeStore{queue: 1}, pushed: map[string]chan struct{}{}}
	pages := &gatedPages{st: st, text: "دوى انفجار قوي في مرفأ المدينة مساء اليوم وتصاعدت سحب الدخان فوق الأحياء القريبة.\nوهرعت فرق الإطفاء والإسعاف إلى المكان."}
	p := pipeline.New(st, pipeline.Options{
		Analyzer: analyze.New(topic.Embedded(), analyze.Options{}), Screen: analyze.Screen,
		Pages: pages, Filler: st, Now: func() time.Time { return now },
	})
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	items := []news.Article{{Key: "b1", Title: "عاجل: انفجار في مرفأ المدينة", Text: "التفاصيل بعد قليل..",
		URL: "https://a.example/b1", PublishedAt: now}}
	out, err := p.HandleItems(ctx, news.Feed{ID: 1}, items, true)
	if err != nil || ctx.Err() != nil {
		t.Fatalf("%v (the item waited for its page: %v)", err, ctx.Err())
	}
	if out.New != 1 || len(st.saved) != 1 {
		t.Fatalf("outcome %+v, saved %d", out, len(st.saved))
	}
	first := st.saved[0]
	if !first.Breaking || first.Title != "انفجار في مرفأ المدينة" || strings.Contains(first.Text+first.Summary, "التفاصيل") {
		t.Errorf("the push carried %q / %q / %q; want the headline alone", first.Title, first.Text, first.Summary)
	}
	if len(st.filled) != 1 || !strings.HasPrefix(st.filled[0].Summary, "دوى انفجار قوي") {
		t.Fatalf("filled %+v; want the page's text", st.filled)
	}

	// The same item in the next poll, now with its text: nothing to fill
	// any more (the page did); a second placeholder item gets its text
	// from the feed.
	items = append(items, news.Article{Key: "b2", Title: "عاجل: حريق في مصنع للورق", Text: "المزيد قريباً",
		PublishedAt: now})
	if _, err := p.HandleItems(ctx, news.Feed{ID: 1}, items, true); err != nil {
		t.Fatal(err)
	}
	items[1].Text = "اندلع حريق كبير في مصنع للورق شرق المدينة فجر اليوم، وأخلت السلطات المباني المجاورة."
	if _, err := p.HandleItems(ctx, news.Feed{ID: 1}, items, true); err != nil {
		t.Fatal(err)
	}
	if len(st.filled) != 2 || st.filled[1].Key != "b2" || !strings.HasPrefix(st.filled[1].Summary, "اندلع حريق كبير") {
		t.Errorf("filled %+v; want b2 from its feed's text", st.filled)
	}
}
