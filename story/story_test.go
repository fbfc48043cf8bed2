package story_test

import (
	"testing"
	"time"

	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/story"
)

// Fixtures written for these tests: three unrelated events.
var (
	quake = news.Article{
		Source: "وكالة أ",
		Title:  "زلزال بقوة 6 درجات يضرب مدينة ساحلية ويوقع عشرات الجرحى",
		Text: "ضرب زلزال بقوة ست درجات على مقياس ريختر مدينة ساحلية صباح الثلاثاء، وأفادت فرق الدفاع المدني بإصابة عشرات السكان بجروح متفاوتة. " +
			"وانهارت ثلاثة مبان قديمة في الحي الشرقي، فيما أعلنت السلطات فتح المدارس لإيواء العائلات التي غادرت منازلها. " +
			"وقال مرصد الزلازل إن الهزة وقعت على عمق عشرة كيلومترات تحت قاع البحر، وتبعتها هزات ارتدادية خفيفة.",
	}
	bank = news.Article{
		Source: "وكالة ب",
		Title:  "البنك المركزي يرفع سعر الفائدة نصف نقطة لكبح التضخم",
		Text: "قرر البنك المركزي رفع سعر الفائدة الرئيسي بمقدار نصف نقطة مئوية في اجتماعه الدوري، في خطوة تهدف إلى كبح التضخم الذي بلغ أعلى مستوى منذ عقد. " +
			"وتوقع محللون أن تتراجع وتيرة الاقتراض العقاري خلال الأشهر المقبلة، بينما ارتفعت أسهم المصارف في البورصة المحلية. " +
			"وأشار محافظ البنك إلى أن اللجنة ستراجع أسعار الصرف في اجتماعها المقبل.",
	}
	match = news.Article{
		Source: "وكالة ج",
		Title:  "المنتخب الوطني يتأهل إلى نهائي البطولة بعد الفوز بركلات الترجيح",
		Text: "تأهل المنتخب الوطني لكرة القدم إلى المباراة النهائية للبطولة القارية بعد فوزه بركلات الترجيح على منافسه، إثر انتهاء الوقت الأصلي والإضافي بالتعادل. " +
			"وتألق حارس المرمى بتصديه لركلتين، واحتفلت الجماهير في شوارع العاصمة حتى ساعة متأخرة من الليل. " +
			"ويلتقي المنتخب في النهائي الفريق الفائز من مواجهة نصف النهائي الثانية يوم الجمعة.",
	}
)

// clock is a settable clock for the detector.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

func newDetector(c *clock) *story.Detector {
	return story.NewDetector(story.Options{Now: c.Now})
}

func from(a news.Article, source string) news.Article {
	a.Source = source
	return a
}

func TestMatch(t *testing.T) {
	headlineOnly := quake
	headlineOnly.Text = ""
	rewordedHeadline := quake
	rewordedHeadline.Text = ""
	rewordedHeadline.Title = "زلزال قوي يضرب مدينة ساحلية"
	prefixed := quake
	prefixed.Title = "عاجل: " + quake.Title
	trimmed := quake
	trimmed.Text = quake.Text[:len(quake.Text)*2/3]
	stopOnly := news.Article{Title: "في من إلى على", Text: "هذا هو الذي كان قد قال إن ما في هذه التي"}
	stopOnly2 := news.Article{Title: "على في من", Text: "هذه هي التي كانت قد قالت إن ما في ذلك"}

	tests := []struct {
		name  string
		added []news.Article // stories 1, 2, …
		probe news.Article
		want  int64 // 0: no match
	}{
		{"same item from two feeds", []news.Article{bank, quake}, from(quake, "وكالة د"), 2},
		{"different events stay apart", []news.Article{bank, match}, quake, 0},
		{"عاجل prefix joins", []news.Article{bank, quake}, prefixed, 2},
		{"shortened text joins", []news.Article{quake, bank}, trimmed, 1},
		{"headline only, same headline", []news.Article{quake, bank}, headlineOnly, 1},
		{"headline only joins by headline only", []news.Article{headlineOnly}, quake, 1},
		{"headline only, loose headline stays apart", []news.Article{quake}, rewordedHeadline, 0},
		{"stop words only match nothing", []news.Article{quake, bank, match}, stopOnly, 0},
		{"two stop-word-only items do not merge", []news.Article{stopOnly}, stopOnly2, 0},
		{"verbatim copy of stop-word-only item merges", []news.Article{quake, stopOnly}, from(stopOnly, "x"), 2},
		{"empty article matches nothing", []news.Article{quake}, news.Article{}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &clock{now: time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)}
			d := newDetector(c)
			for i, a := range tt.added {
				d.Add(int64(i+1), a)
			}
			got, ok := d.Match(tt.probe)
			if !ok {
				got = 0
			}
			if got != tt.want {
				t.Errorf("Match = %d, %v; want %d", got, ok, tt.want)
			}
		})
	}
}

func TestWindowAndMaxAge(t *testing.T) {
	start := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	c := &clock{now: start}
	d := story.NewDetector(story.Options{Now: c.Now, Window: 24 * time.Hour, MaxAge: 72 * time.Hour})
	d.Add(7, quake)

	c.now = start.Add(23 * time.Hour)
	if id, ok := d.Match(from(quake, "b")); !ok || id != 7 {
		t.Fatalf("within the window: Match = %d, %v", id, ok)
	}
	// The story keeps growing: each article restarts the window…
	for h := 20; h <= 60; h += 20 {
		c.now = start.Add(time.Duration(h) * time.Hour)
		d.Add(7, from(quake, "b"))
	}
	c.now = start.Add(71 * time.Hour)
	if id, ok := d.Match(quake); !ok || id != 7 {
		t.Fatalf("window measured from the last article: Match = %d, %v", id, ok)
	}
	// …but never past MaxAge from its first article.
	c.now = start.Add(73 * time.Hour)
	if id, ok := d.Match(quake); ok {
		t.Fatalf("past MaxAge: Match = %d", id)
	}
	if n := d.Len(); n != 0 {
		t.Errorf("closed story still held: Len = %d", n)
	}

	// A quiet story closes after Window.
	d.Add(8, bank)
	c.now = c.now.Add(24*time.Hour + time.Second)
	if id, ok := d.Match(bank); ok {
		t.Fatalf("after the window: Match = %d", id)
	}
}

func TestMaxPerStoryKeepsRecentArticles(t *testing.T) {
	c := &clock{now: time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)}
	d := story.NewDetector(story.Options{Now: c.Now, MaxPerStory: 2})
	d.Add(1, quake)
	d.Add(1, bank)
	d.Add(1, match)
	if _, ok := d.Match(quake); ok {
		t.Error("the oldest signature should have been dropped")
	}
	if id, ok := d.Match(match); !ok || id != 1 {
		t.Errorf("recent article: Match = %d, %v", id, ok)
	}
}

func TestLoad(t *testing.T) {
	now := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	c := &clock{now: now}
	d := newDetector(c)
	old, recent, noStory := bank, quake, match
	old.StoryID, old.SeenAt = 3, now.Add(-30*time.Hour)
	recent.StoryID, recent.SeenAt = 4, now.Add(-2*time.Hour)
	noStory.SeenAt = now
	d.Load([]news.Article{recent, old, noStory})
	if id, ok := d.Match(from(quake, "z")); !ok || id != 4 {
		t.Errorf("recent story: Match = %d, %v", id, ok)
	}
	if id, ok := d.Match(bank); ok {
		t.Errorf("story out of the window was loaded: %d", id)
	}
	if id, ok := d.Match(match); ok {
		t.Errorf("article without a story was loaded: %d", id)
	}
	if d.Len() != 1 {
		t.Errorf("Len = %d, want 1", d.Len())
	}
}

func TestSourcesAndBreaking(t *testing.T) {
	start := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	c := &clock{now: start}
	d := newDetector(c)
	d.Add(1, from(quake, "a"))
	c.now = start.Add(40 * time.Minute)
	d.Add(1, from(quake, "b"))
	d.Add(1, from(quake, "b")) // the same outlet twice counts once
	c.now = start.Add(50 * time.Minute)
	d.Add(1, from(quake, "c"))

	if n := d.SourcesWithin(1, story.BurstWindow); n != 2 {
		t.Errorf("SourcesWithin(30m) = %d, want 2 (a is 50 minutes old)", n)
	}
	if n := d.Sources(1); n != 3 {
		t.Errorf("Sources = %d, want 3", n)
	}
	if n := d.SourcesWithin(99, time.Hour); n != 0 {
		t.Errorf("unknown story: %d", n)
	}
	d.Add(1, from(quake, "d"))
	if n := d.SourcesWithin(1, story.BurstWindow); n != 3 {
		t.Errorf("SourcesWithin(30m) = %d, want 3", n)
	}

	tests := []struct {
		a       news.Article
		sources int
		want    bool
	}{
		{news.Article{Breaking: true}, 1, true},
		{news.Article{}, 1, false},
		{news.Article{}, 2, false},
		{news.Article{}, story.BurstSources, true},
	}
	for _, tt := range tests {
		if got := story.IsBreaking(tt.a, tt.sources); got != tt.want {
			t.Errorf("IsBreaking(%v, %d) = %v", tt.a.Breaking, tt.sources, got)
		}
	}
}

func TestHeadlineMarked(t *testing.T) {
	tests := []struct {
		title string
		want  bool
	}{
		{"عاجل: انفجار في الميناء", true},
		{"عاجل | انفجار في الميناء", true},
		{"خبر عاجل - انفجار في الميناء", true},
		{"انفجار في الميناء - عاجل", true},
		{"Breaking: port blast", true},
		{"انفجار في الميناء (عاجل)", true},
		{"مجلس الأمن يعقد اجتماع عاجل", false},
		{"دعوة إلى اجتماع عاجل لمجلس الأمن بشأن الانفجار", false},
		{"انفجار في الميناء", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := story.HeadlineMarked(tt.title); got != tt.want {
			t.Errorf("HeadlineMarked(%q) = %v, want %v", tt.title, got, tt.want)
		}
	}
}

func TestSourcesWithinAdding(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	d := story.NewDetector(story.Options{Now: func() time.Time { return now }})
	a := news.Article{Source: "one", Title: "عنوان", SeenAt: now}
	if n := d.SourcesWithinAdding(7, a, story.BurstWindow); n != 1 {
		t.Fatalf("a new story counts its first source: %d", n)
	}
	d.Add(7, a)
	b := a
	b.Source = "two"
	d.Add(7, b)
	if n := d.SourcesWithinAdding(7, a, story.BurstWindow); n != 2 {
		t.Errorf("the same source again must not count twice: %d", n)
	}
	c := a
	c.Source = "three"
	if n := d.SourcesWithinAdding(7, c, story.BurstWindow); n != 3 || !story.IsBreaking(c, n) {
		t.Errorf("a third outlet makes a burst: %d", n)
	}
}
