package story_test

import (
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/story"
	"github.com/ajel-news/ajel/topic"
)

// Everything below is written for these tests: made-up people and
// events, no outlet's text.

// (No "لا": after ف، ب، ك or و it would read as the article ال, which
// the stemmer strips, and two names would look alike.)
var syllables = []string{"سا", "مي", "رو", "ها", "دي", "نو", "كا", "بي", "تو", "فا", "زو", "ري", "قو", "حي", "جا", "طو"}

// name is a made-up name, different for every i < 65536.
func name(i int) string {
	return syllables[i%16] + syllables[(i/16)%16] + syllables[(i/256)%16] + syllables[(i/4096)%16] + "ن"
}

var (
	bodies = []string{"هيئة", "شركة", "جمعية", "نقابة", "بلدية", "مؤسسة", "لجنة", "رابطة"}
	deeds  = []string{"تفتتح مقرا جديدا", "تطلق حملة تطوعية", "توقع اتفاقية تعاون", "تنظم معرضا سنويا",
		"تعلن نتائج مسابقة", "تكرم متطوعين", "تدشن مشروعا زراعيا", "تستضيف مؤتمرا علميا"}
	topics = []string{"للقراءة", "للنقل العام", "للطاقة الشمسية", "للصيد البحري", "للحرف اليدوية",
		"للتعليم المهني", "للمياه", "للبيئة", "للرياضة المدرسية", "للتراث"}
)

// background returns n unrelated news items, one an hour before start,
// so that the detector has the recent news that words are weighed against.
func background(n int, start time.Time) []news.Article {
	out := make([]news.Article, n)
	for i := range out {
		who := bodies[i%len(bodies)] + " " + name(i+100)
		what := deeds[(i/len(bodies))%len(deeds)]
		topic := topics[i%len(topics)]
		out[i] = news.Article{
			Source: fmt.Sprintf("منفذ %d", i%5),
			Title:  fmt.Sprintf("%s %s %s", who, what, topic),
			Text: fmt.Sprintf("قالت %s إنها %s %s في مدينة %s بحضور عدد من المسؤولين والأهالي. "+
				"وأوضح المدير %s أن العمل استمر أشهرا، وأن المرحلة التالية تبدأ بعد %d يوما. "+
				"وأشار إلى أن المشاركين جاؤوا من %d بلدة وأن التمويل جاء من تبرعات محلية.",
				who, what, topic, name(i+1000), name(i+2000), 10+i%40, 3+i%20),
			SeenAt:      start.Add(time.Duration(i-n) * time.Minute),
			PublishedAt: start.Add(time.Duration(i-n) * time.Minute),
		}
	}
	return out
}

// world is a detector with a background, on a settable clock.
type world struct {
	t    *testing.T
	d    *story.Detector
	now  time.Time
	next int64
}

func newWorld(t *testing.T) *world {
	w := &world{t: t, now: time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC), next: 1}
	w.d = story.NewDetector(story.Options{Now: func() time.Time { return w.now }, Places: topic.Embedded().Places()})
	for _, a := range background(80, w.now) {
		w.add(a)
	}
	return w
}

// add decides a as the pipeline does and records it: its story id and
// the decision.
func (w *world) add(a news.Article) (int64, story.Decision) {
	if a.SeenAt.IsZero() {
		a.SeenAt = w.now
	}
	if a.PublishedAt.IsZero() {
		a.PublishedAt = a.SeenAt
	}
	dec := w.d.Decide(a)
	id := dec.StoryID
	if id == 0 {
		id = w.next
		w.next++
	}
	w.d.Add(id, a)
	return id, dec
}

// at advances the clock.
func (w *world) at(d time.Duration) { w.now = w.now.Add(d) }

// The resignation of a made-up minister, told by two outlets, with the
// pieces around it that are not the same story.
var (
	resignA = news.Article{Source: "وكالة الشرق",
		Title: "وزير الطاقة كمال الدرويشي يقدم استقالته بعد أسبوع من انقطاع الكهرباء عن العاصمة",
		Text: "قدم وزير الطاقة كمال الدرويشي استقالته إلى رئيس الحكومة مساء الأحد، بعد أسبوع من انقطاع الكهرباء عن أحياء واسعة في العاصمة. " +
			"وقال الدرويشي في رسالة الاستقالة إنه يتحمل مسؤولية الأعطال التي أصابت محطة التوليد الرئيسية. " +
			"ولم يعلن رئيس الحكومة بعد اسم من سيخلفه في الوزارة.",
	}
	resignB = news.Article{Source: "صحيفة الغد",
		Title: "الدرويشي يترك وزارة الطاقة: أزمة الكهرباء تطيح بالوزير",
		Text: "أعلن كمال الدرويشي تخليه عن منصب وزير الطاقة، محملا نفسه مسؤولية انقطاع التيار الذي استمر سبعة أيام في العاصمة. " +
			"وجاءت الخطوة بعد احتجاجات السكان على أعطال محطة التوليد الرئيسية. " +
			"ولم يسم رئيس الحكومة خلفا للوزير المستقيل حتى الآن.",
	}
	resignReaction = news.Article{Source: "موقع النهار",
		Title: "نقابة عمال الكهرباء ترحب باستقالة وزير الطاقة الدرويشي",
		Text: "رحبت نقابة عمال الكهرباء باستقالة وزير الطاقة كمال الدرويشي، وقالت في بيان إن القرار جاء متأخرا. " +
			"ودعت النقابة الحكومة إلى تعيين وزير يعرف قطاع الكهرباء وإلى صرف رواتب العمال المتأخرة. " +
			"وهددت بالإضراب إذا لم تستجب الحكومة لمطالبها خلال شهر.",
	}
	resignAnalysis = news.Article{Source: "مجلة الرأي",
		Title: "تحليل: ماذا تعني استقالة وزير الطاقة الدرويشي لأزمة الكهرباء؟",
		Text: "تفتح استقالة وزير الطاقة كمال الدرويشي الباب أمام أسئلة أكبر من شخص الوزير، فأزمة الكهرباء في العاصمة أقدم من ولايته. " +
			"ويرى خبراء أن محطة التوليد الرئيسية تحتاج إلى استثمارات لا تقدر عليها الموازنة الحالية. " +
			"وفي هذا المقال نعرض ثلاثة سيناريوهات لما قد يحدث بعد الاستقالة.",
	}
)

func TestEventMatching(t *testing.T) {
	t.Run("the same event in other words joins, and says why", func(t *testing.T) {
		w := newWorld(t)
		first, _ := w.add(resignA)
		w.at(2 * time.Hour)
		id, dec := w.add(resignB)
		if id != first || dec.How != story.HowEvent {
			t.Fatalf("another outlet's telling: story %d (%+v), want story %d by event", id, dec, first)
		}
		if !strings.Contains(dec.Reason, "الدرويشي") || dec.Score < story.DefaultEventThreshold {
			t.Errorf("the reason should name the shared name and the score: %q", dec.Reason)
		}
	})
	// Pieces beside an event that are not the event: each is its own
	// story (a push of its own), however many words it shares.
	strikeOnAleppo := news.Article{Source: "وكالة الشرق",
		Title: "غارة جوية على حلب تقتل خمسة مدنيين بينهم طفلان",
		Text: "قتل خمسة مدنيين بينهم طفلان في غارة جوية استهدفت حيا سكنيا في مدينة حلب فجر الثلاثاء، وفق مصادر طبية. " +
			"وقال شهود إن الغارة دمرت مبنى من ثلاثة طوابق قرب السوق القديم. وتواصل فرق الدفاع المدني البحث عن ناجين.",
	}
	for _, tt := range []struct {
		name        string
		first, next news.Article
		after       time.Duration
	}{
		{"a reaction", resignA, resignReaction, time.Hour},
		{"an analysis", resignA, resignAnalysis, 3 * time.Hour},
		{"a follow-up the next day", resignA, news.Article{Source: "صحيفة الغد",
			Title: "رئيس الحكومة يعين نادر السلمي وزيرا للطاقة خلفا للدرويشي",
			Text: "عين رئيس الحكومة نادر السلمي وزيرا للطاقة خلفا لكمال الدرويشي الذي استقال بعد أزمة انقطاع الكهرباء في العاصمة. " +
				"وكان السلمي مديرا لمحطة التوليد الرئيسية قبل سنوات. ويؤدي الوزير الجديد اليمين الدستورية غدا.",
		}, 30 * time.Hour},
		{"another strike the same day in another town", strikeOnAleppo, news.Article{Source: "صحيفة الغد",
			Title: "ثلاثة قتلى بقصف جوي على سوق شعبي في إدلب",
			Text: "أفادت مصادر محلية بسقوط ثلاثة قتلى وعدد من الجرحى عندما قصفت طائرات سوقا شعبيا وسط إدلب ظهر الثلاثاء. " +
				"واشتعلت النيران في سيارة نقل ومحال تجارية قريبة، ونقل المسعفون المصابين إلى مستشفى المدينة.",
		}, 3 * time.Hour},
	} {
		t.Run(tt.name+" is its own story", func(t *testing.T) {
			w := newWorld(t)
			first, _ := w.add(tt.first)
			w.at(tt.after)
			if id, dec := w.add(tt.next); id == first {
				t.Errorf("%q joined %q: %s", tt.next.Title, tt.first.Title, dec.Reason)
			}
		})
	}
}

func TestSameHeadlineOtherEvents(t *testing.T) {
	t.Run("a daily weather report", func(t *testing.T) {
		w := newWorld(t)
		weather := func(day string, temp int, rain string) news.Article {
			return news.Article{Source: "الأرصاد اليوم",
				Title: "نشرة الطقس: أمطار ورياح على المرتفعات",
				Text: fmt.Sprintf("تتوقع مديرية الأرصاد ليوم %s طقسا باردا مع %s على المرتفعات الشمالية. "+
					"وتتراوح درجات الحرارة العليا بين %d و%d درجة، وتهب رياح نشطة على السواحل. "+
					"وتدعو المديرية السائقين إلى الحذر على الطرق الجبلية.", day, rain, temp, temp+4),
			}
		}
		first, _ := w.add(weather("الاثنين", 9, "زخات مطرية متفرقة"))
		w.at(24 * time.Hour)
		if id, dec := w.add(weather("الثلاثاء", 14, "أمطار غزيرة وبرد")); id == first {
			t.Errorf("the next day's weather joined yesterday's: %s", dec.Reason)
		}
	})
	t.Run("a recurring column", func(t *testing.T) {
		w := newWorld(t)
		first, _ := w.add(news.Article{Source: "صحيفة الغد", Title: "عين على الاقتصاد",
			Text: "ارتفعت أسعار الخبز في الأسواق الشعبية هذا الأسبوع بعد زيادة كلفة الطحين المستورد. " +
				"ويقول أصحاب المخابز إن هامش الربح لم يعد يكفي لتغطية أجور العمال. " +
				"وتطالب جمعية المستهلكين بدعم مباشر للأسر محدودة الدخل."})
		w.at(5 * time.Hour)
		if id, dec := w.add(news.Article{Source: "موقع النهار", Title: "عين على الاقتصاد",
			Text: "سجلت صادرات الفوسفات رقما قياسيا في الربع الأول بفضل الطلب الآسيوي. " +
				"ويتوقع محللون أن تدعم العائدات احتياطي العملة الأجنبية حتى نهاية العام. " +
				"لكن النقابات تحذر من أن المناجم تحتاج إلى استثمار في السلامة."}); id == first {
			t.Errorf("the column about phosphate joined the column about bread: %s", dec.Reason)
		}
	})
}

func TestHeadlineWithoutDescription(t *testing.T) {
	w := newWorld(t)
	first, _ := w.add(resignA)
	w.at(time.Hour)
	bare := news.Article{Source: "قناة المساء", Title: "استقالة وزير الطاقة كمال الدرويشي بعد انقطاع الكهرباء عن العاصمة"}
	if id, dec := w.add(bare); id != first {
		t.Errorf("a bare headline naming the minister and the blackout did not join: %+v", dec)
	}
	other := news.Article{Source: "قناة المساء", Title: "وزير الطاقة يزور محطة التوليد"}
	if id, dec := w.add(other); id == first {
		t.Errorf("a vague bare headline joined: %s", dec.Reason)
	}
}

func TestAnArticleMatchingTwoStoriesJoinsTheBest(t *testing.T) {
	w := newWorld(t)
	// Two stories of one event that were not joined (say, told before a
	// restart): the first telling, and a second that got its own story.
	w.d.Add(501, resignA)
	w.d.Add(502, resignB)
	w.at(time.Hour)
	probe := news.Article{Source: "إذاعة الوطن",
		Title: "أزمة الكهرباء تطيح بوزير الطاقة الدرويشي بعد أسبوع من انقطاعها عن العاصمة",
		Text: "قدم كمال الدرويشي استقالته من منصب وزير الطاقة إلى رئيس الحكومة، محملا نفسه مسؤولية انقطاع التيار الذي استمر سبعة أيام في العاصمة. " +
			"وجاءت الخطوة بعد احتجاجات السكان على أعطال محطة التوليد الرئيسية. ولم يسم رئيس الحكومة خلفا للوزير المستقيل.",
	}
	dec := w.d.Decide(probe)
	if dec.StoryID+dec.Also != 501+502 || dec.StoryID == dec.Also {
		t.Fatalf("Decide = %+v; want one of stories 501 and 502, the other as Also", dec)
	}
	if dec.How == story.HowEvent && dec.AlsoScore > dec.Score || !strings.Contains(dec.Reason, fmt.Sprintf("also matched story %d", dec.Also)) {
		t.Errorf("the decision should join the best and say it also matched the other: %+v", dec)
	}
}

func TestEventMatchingSurvivesARestart(t *testing.T) {
	w := newWorld(t)
	first, _ := w.add(resignA)
	// What the database holds at the next start: every recent article
	// with its story.
	var stored []news.Article
	for i, a := range background(80, w.now.Add(-time.Hour)) {
		a.StoryID = int64(1000 + i)
		stored = append(stored, a)
	}
	a := resignA
	a.StoryID, a.SeenAt, a.PublishedAt = first, w.now, w.now
	stored = append(stored, a)
	w.at(2 * time.Hour)
	restarted := story.NewDetector(story.Options{Now: func() time.Time { return w.now }, Places: topic.Embedded().Places()})
	restarted.Load(stored)
	if dec := restarted.Decide(resignB); dec.StoryID != first || dec.How != story.HowEvent {
		t.Errorf("after a restart the other telling did not join: %+v", dec)
	}
}

// burst returns n items about n different events (our own made-up
// names and places, one template).
func burst(n int, start time.Time) []news.Article {
	verbs := []string{"يفتتح", "يزور", "يكرم", "يستقبل", "يدشن", "يغادر"}
	things := []string{"مستشفى", "مدرسة", "جسرا", "ملعبا", "مكتبة", "ميناء", "مصنعا", "حديقة"}
	out := make([]news.Article, n)
	for i := range out {
		who, where := name(i), name(i+30000)
		out[i] = news.Article{
			Source: fmt.Sprintf("منفذ %d", i%7),
			Title:  fmt.Sprintf("المسؤول %s %s %s في بلدة %s", who, verbs[i%6], things[(i/6)%8], where),
			Text: fmt.Sprintf("قال المسؤول %s إن %s في بلدة %s يخدم نحو %d ساكن. "+
				"وأضاف %s أن العمل بدأ قبل %d شهرا بتكلفة %d ألف.", who, things[(i/6)%8], where, 1000+i, who, 2+i%30, 50+i),
			SeenAt:      start.Add(time.Duration(i) * 300 * time.Millisecond),
			PublishedAt: start.Add(time.Duration(i) * 300 * time.Millisecond),
		}
	}
	return out
}

// TestBurstOfUnrelatedItemsMergesNothing feeds 10,000 items about
// different events within an hour: every one opens its own story. (How
// fast: BenchmarkBurst.)
func TestBurstOfUnrelatedItemsMergesNothing(t *testing.T) {
	w := newWorld(t)
	items := burst(10000, w.now)
	joined := 0
	for _, a := range items {
		w.now = a.SeenAt
		if _, dec := w.add(a); dec.StoryID != 0 {
			joined++
			if joined <= 3 {
				t.Logf("joined: %q: %s", a.Title, dec.Reason)
			}
		}
	}
	if joined != 0 {
		t.Errorf("%d of %d unrelated items joined another story", joined, len(items))
	}
}

// TestFiveHundredTellingsOfOneEventAreOneStory: 500 items about one event
// within an hour, from fifty outlets telling it in their own words (and
// a toll that rises), make one story. (One push and paced edits for
// such a story: storage.TestEditsOfABusyStoryArePaced.)
func TestFiveHundredTellingsOfOneEventAreOneStory(t *testing.T) {
	w := newWorld(t)
	headlines := []string{
		"زلزال بقوة %d.%d درجات يضرب بلدة وادي السرو ويوقع %d قتيلا",
		"ارتفاع حصيلة زلزال وادي السرو إلى %[3]d قتيلا",
		"وادي السرو: %[3]d قتيلا في زلزال بقوة %[1]d.%[2]d",
		"هزة أرضية عنيفة في وادي السرو.. %[3]d قتيلا وعشرات الجرحى",
		"فرق الإنقاذ تبحث عن ناجين بعد زلزال وادي السرو",
	}
	leads := []string{
		"ضرب زلزال بلدة وادي السرو الجبلية فجر اليوم، وقالت السلطات إن %d شخصا قتلوا وأصيب العشرات.",
		"قتل %d شخصا على الأقل في الزلزال الذي هز وادي السرو قبل الفجر، بحسب الدفاع المدني.",
		"أعلن الدفاع المدني أن حصيلة زلزال وادي السرو بلغت %d قتيلا، وأن فرق الإنقاذ ما زالت تبحث تحت الأنقاض.",
	}
	more := []string{
		"وانهارت عشرات المنازل الطينية في الأحياء القديمة من البلدة.",
		"وشعر بالهزة سكان المدن المجاورة، ونزل كثيرون إلى الشوارع.",
		"وفتحت المدارس أبوابها لإيواء العائلات التي فقدت بيوتها.",
		"وقال مرصد الزلازل إن مركز الهزة كان على عمق عشرة كيلومترات.",
	}
	var ids = map[int64]int{}
	for i := range 500 {
		toll := 12 + i/20
		title := fmt.Sprintf(headlines[i%len(headlines)], 6, i%3, toll)
		text := fmt.Sprintf(leads[(i/5)%len(leads)], toll) + " " + more[i%len(more)] + " " + more[(i+1)%len(more)]
		a := news.Article{Source: fmt.Sprintf("المنفذ %d", i%50), Title: title, Text: text}
		id, _ := w.add(a)
		ids[id]++
		w.at(7200 * time.Millisecond)
	}
	if len(ids) != 1 {
		t.Errorf("500 tellings of one earthquake made %d stories: %v", len(ids), ids)
	}
}

// The assigner keeps why with the article (its stored record) and logs
// it at debug level: what an operator reads to answer "why did I get
// this twice?".
func TestAssignerSaysWhy(t *testing.T) {
	w := newWorld(t)
	var logs strings.Builder
	as := story.NewAssigner(w.d, slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	first, _ := w.add(resignA)
	w.at(2 * time.Hour)
	b := resignB
	b.SeenAt = w.now
	got, err := as.Story(t.Context(), b)
	if err != nil {
		t.Fatal(err)
	}
	if got.StoryID != first || !strings.HasPrefix(got.StoryNote, fmt.Sprintf("joined story %d: event", first)) ||
		!strings.Contains(got.StoryNote, "الدرويشي") {
		t.Errorf("story %d, note %q; want story %d and why", got.StoryID, got.StoryNote, first)
	}
	if !strings.Contains(logs.String(), "story: joined") || !strings.Contains(logs.String(), "how=event") {
		t.Errorf("no debug line says why:\n%s", logs.String())
	}
	other, err := as.Story(t.Context(), news.Article{Source: "قناة المساء", Title: "افتتاح مهرجان الشعر في مدينة الموانئ", SeenAt: w.now})
	if err != nil {
		t.Fatal(err)
	}
	if other.StoryID != 0 || !strings.HasPrefix(other.StoryNote, "new story: ") {
		t.Errorf("an unrelated item: story %d, note %q", other.StoryID, other.StoryNote)
	}
}
