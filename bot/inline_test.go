package bot_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ajel-news/ajel/bot"
	"github.com/ajel-news/ajel/bot/telegramtest"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/storage"
	"github.com/ajel-news/ajel/telegram"
)

// inlineHarness is a bot with inline mode on and a few stories: a
// breaking quake told by two outlets with a picture, an economy story, and
// 25 stories about one market.
func inlineHarness(t *testing.T, srvOpts []telegramtest.Option, mod func(*bot.Options)) (*harness, int64, int64) {
	t.Helper()
	h := newHarnessWith(t, srvOpts, nil)
	h.stop()
	withStories(h)(&h.opts)
	if mod != nil {
		mod(&h.opts)
	}
	h.start()
	ctx := t.Context()
	save := func(a news.Article) news.Article {
		t.Helper()
		a.SearchText = strings.Join(searchTerms(a.Title+" "+a.Text), " ")
		saved, _, err := h.db.SaveArticle(ctx, a, false)
		if err != nil {
			t.Fatal(err)
		}
		return saved
	}
	for i := range 25 {
		save(news.Article{Key: "m" + strconv.Itoa(i), Source: "السوق", Title: "أسعار سوق الحميدية اليوم " + strconv.Itoa(i),
			Text: "تقرير عن السوق.", URL: "https://souq.example/" + strconv.Itoa(i), Topics: []string{"syria"}})
	}
	quake := save(news.Article{Key: "q1", Source: "وكالة الخبر", Title: "زلزال بقوة 5.8 درجات يضرب حلب", Breaking: true,
		Text: "ضرب زلزال بقوة 5.8 درجات مدينة حلب فجر اليوم.", Summary: "ضرب زلزال مدينة حلب فجر اليوم.",
		URL: "https://wire.example/q", Topics: []string{"syria"}, ImageURL: "https://img.example/q.jpg"})
	save(news.Article{Key: "q2", Source: "الشام اليوم", Title: "هزة أرضية في حلب", Text: "شعر سكان حلب بهزة بقوة 6.1 درجة.",
		URL: "https://levant.example/q", Topics: []string{"syria"}, StoryID: quake.StoryID})
	rates := save(news.Article{Key: "r1", Source: "وكالة الخبر", Title: "المركزي يبقي الفائدة دون تغيير", Text: "قرر البنك المركزي.",
		URL: "https://wire.example/r", Topics: []string{"economy"}})
	return h, quake.StoryID, rates.StoryID
}

// ask sends an inline query as user and waits for the bot's answer.
func (h *harness) ask(user telegramtest.User, query string) (telegramtest.Update, telegramtest.InlineAnswer) {
	h.t.Helper()
	u := h.srv.SendInlineQuery(user, query, "supergroup")
	ctx, cancel := context.WithTimeout(h.t.Context(), 10*time.Second)
	defer cancel()
	var a telegramtest.InlineAnswer
	if err := h.srv.WaitFor(ctx, func() bool { var ok bool; a, ok = h.srv.InlineAnswer(u.InlineQueryID); return ok }); err != nil {
		h.t.Fatalf("inline query %q: no answer", query)
	}
	return u, a
}

func resultIDs(a telegramtest.InlineAnswer) []string {
	var ids []string
	for _, r := range a.Results {
		ids = append(ids, r.ID)
	}
	return ids
}

// Inline mode reads a query as /search and /latest do and lists up to 20
// stories, each posting its push; an empty query, or one of common words
// alone, lists the latest breaking stories; nothing found is an answer
// with no results and the way to the bot, never an error; long, marked up
// or bidi-laden queries are read for their words.
func TestInlineQueries(t *testing.T) {
	h, quake, rates := inlineHarness(t, nil, nil)
	user := telegramtest.NewUser(61, "قارئ")
	sq, sr := "s"+strconv.FormatInt(quake, 10), "s"+strconv.FormatInt(rates, 10)

	_, a := h.ask(user, "زلزال حلب")
	if got := resultIDs(a); len(got) != 1 || got[0] != sq || a.CacheTime != 30 || a.IsPersonal || a.Button != nil {
		t.Fatalf("«زلزال حلب»: %v, cache %d, personal %v, button %+v", got, a.CacheTime, a.IsPersonal, a.Button)
	}
	r := a.Results[0]
	mustContain(t, stripIsolates(r.PlainText), "🔴 أخبار عاجلة · سوريا\nزلزال بقوة 5.8 درجات يضرب حلب\nضرب زلزال مدينة حلب فجر اليوم.",
		"المصدر: وكالة الخبر · الرابط · وأفاد به مصدر آخر", "مصادر أخرى: الشام اليوم")
	if err := telegramtest.ValidateHTML(r.MessageText); err != nil || r.ParseMode != "HTML" {
		t.Errorf("result HTML %v (%s)", err, r.ParseMode)
	}
	if r.Preview.URL != "https://img.example/q.jpg" || !r.Preview.ShowAboveText || r.ThumbnailURL != "https://img.example/q.jpg" {
		t.Errorf("picture: preview %+v, thumbnail %q", r.Preview, r.ThumbnailURL)
	}
	mustContain(t, r.Title, "زلزال")
	mustContain(t, r.Description, "وكالة الخبر", "مصدران")
	cmp, ok := r.Keyboard[0][0], len(r.Keyboard) == 1 && len(r.Keyboard[0]) == 2
	if !ok || cmp.Text != "🧭 كيف نقلتها المصادر" || !strings.HasPrefix(cmp.CallbackData, "icmp:"+strconv.FormatInt(quake, 10)+".") ||
		r.Keyboard[0][1].SwitchInlineQuery == nil || *r.Keyboard[0][1].SwitchInlineQuery != "زلزال بقوة 5.8 درجات يضرب حلب" {
		t.Errorf("result keyboard %+v", r.Keyboard)
	}

	for _, tc := range []struct {
		name, query string
		want        []string // result ids; nil: none
	}{
		{"a topic's name", "اقتصاد", []string{sr}},
		{"empty: the latest breaking", "", []string{sq}},
		{"common words alone: as empty", "في من على", []string{sq}},
		{"markup", "<b>زلزال</b> <a href=\"x\">حلب</a>", []string{sq}},
		{"bidi controls", "\u202eزلزال\u202c \u2067حلب\u2069", []string{sq}},
		{"256 characters", strings.Repeat("زلزال ", 42) + "حلب", []string{sq}},
		{"nothing matches", "كسوف القمر", nil},
		{"FTS syntax taken literally", `"زلزال" OR *`, nil},
	} {
		_, a := h.ask(user, tc.query)
		got := resultIDs(a)
		if strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("%s: results %v, want %v", tc.name, got, tc.want)
		}
		if len(got) == 0 && (a.Button == nil || a.Button.StartParameter != "inline" || !strings.Contains(a.Button.Text, "لا أخبار")) {
			t.Errorf("%s: no results and no way to the bot: %+v", tc.name, a.Button)
		}
	}
	// Many matches: 20, the most recent first, ids within 64 bytes.
	_, a = h.ask(user, "سوق الحميدية")
	if len(a.Results) != 20 || a.Results[0].ID != "s"+strconv.FormatInt(quake-1, 10) {
		t.Errorf("«سوق الحميدية»: %d results, first %v", len(a.Results), resultIDs(a)[:1])
	}
	// The inline query made no chat of the reader, and no message.
	if c, err := h.db.Chat(t.Context(), user.ID); err == nil {
		t.Errorf("an inline query saved a chat: %+v", c)
	}
	if n := h.srv.MessageCount(); n != 0 {
		t.Errorf("%d messages sent", n)
	}
}

// A story posted through inline mode carries the comparison button:
// pressed (the callback has inline_message_id and no message), the
// message becomes the comparison, kept open so that another outlet joining
// edits it; «📰 الخبر» turns it back. Forged data, a pruned story, buttons
// of chat messages: a short answer and no edit.
func TestInlineMessageButtons(t *testing.T) {
	h, quake, _ := inlineHarness(t, nil, nil)
	user, friend := telegramtest.NewUser(71, "قارئ"), telegramtest.NewUser(72, "صديق")
	group := telegramtest.Supergroup(-1001700, "أصدقاء")
	u, _ := h.ask(user, "زلزال")
	m, err := h.srv.ChooseInlineResult(group, u.InlineQueryID, "s"+strconv.FormatInt(quake, 10))
	if err != nil {
		t.Fatal(err)
	}
	cmp, _ := m.Button("🧭 كيف نقلتها المصادر")
	pressInline := func(data string) string {
		t.Helper()
		up, err := h.srv.PressInlineButton(friend, m.InlineMessageID, data)
		if err != nil {
			t.Fatal(err)
		}
		h.settle()
		a, ok := h.srv.CallbackAnswer(up.CallbackQueryID)
		if !ok {
			t.Fatalf("%q was not answered", data)
		}
		return a.Text
	}
	if a := pressInline(cmp.CallbackData); a != "" {
		t.Errorf("answer %q", a)
	}
	now, _ := h.srv.InlineMessage(m.InlineMessageID)
	mustContain(t, stripIsolates(now.PlainText), "🧭 كيف نقلتها المصادر · مصدران", "1. وكالة الخبر", "🔸 5.8 درجات", "2. الشام اليوم", "🔸 6.1 درجة")
	back, ok := now.Button("📰 الخبر")
	if !ok || !strings.HasPrefix(back.CallbackData, "istory:") {
		t.Fatalf("the comparison's keyboard %+v", now.Keyboard)
	}
	if err := telegramtest.ValidateHTML(now.Text); err != nil {
		t.Error(err)
	}
	// Open: another outlet joining flags it for an edit.
	join := func(key, source string) {
		t.Helper()
		if _, _, err := h.db.SaveArticle(t.Context(), news.Article{Key: key, Source: source, Title: "زلزال حلب", StoryID: quake}, false); err != nil {
			t.Fatal(err)
		}
	}
	join("q3", "صوت الساحل")
	if cs, err := h.db.PendingComparisonEdits(t.Context(), 10); err != nil || len(cs) != 1 || cs[0].InlineMessageID != m.InlineMessageID {
		t.Fatalf("open comparisons %+v, %v", cs, err)
	}
	if err := h.bot.EditComparison(t.Context(), news.Comparison{StoryID: quake, InlineMessageID: m.InlineMessageID}); err != nil {
		t.Fatal(err)
	}
	if now, _ := h.srv.InlineMessage(m.InlineMessageID); !strings.Contains(now.PlainText, "3. صوت الساحل") {
		t.Errorf("after the edit:\n%s", now.PlainText)
	}
	// Back to the story: the push again, the comparison closed.
	if a := pressInline(back.CallbackData); a != "" {
		t.Errorf("answer %q", a)
	}
	now, _ = h.srv.InlineMessage(m.InlineMessageID)
	if !strings.HasPrefix(now.PlainText, "🔴 أخبار عاجلة") || now.Preview.URL == "" {
		t.Errorf("back to the story: %q, preview %+v", now.PlainText, now.Preview)
	}
	join("q4", "الرابعة")
	if cs, _ := h.db.PendingComparisonEdits(t.Context(), 10); len(cs) != 0 {
		t.Errorf("a closed comparison is still flagged: %+v", cs)
	}

	edits := now.Edits
	id := strconv.FormatInt(quake, 10)
	for _, forged := range []string{"icmp:" + id + ".AAAAAAAAAAA", "icmp:" + id, "icmp:" + strconv.FormatInt(quake+1, 10) + cmp.CallbackData[len("icmp:"+id):],
		"istory:" + cmp.CallbackData[len("icmp:"):], "cmp:" + id, "t:syria", "f:" + id} {
		if a := pressInline(forged); a != "هذا الزر لم يعد صالحًا." {
			t.Errorf("%q: %q", forged, a)
		}
	}
	if _, err := h.db.Prune(t.Context(), time.Now().AddDate(1, 0, 0), storage.Retention{Deliveries: time.Hour, Articles: time.Hour}); err != nil {
		t.Fatal(err)
	}
	if a := pressInline(cmp.CallbackData); a != "هذا الزر لم يعد صالحًا." {
		t.Errorf("a pruned story: %q", a)
	}
	if now, _ := h.srv.InlineMessage(m.InlineMessageID); now.Edits != edits {
		t.Errorf("refused presses edited the message (%d edits, was %d)", now.Edits, edits)
	}
	if c, err := h.db.Chat(t.Context(), friend.ID); err == nil {
		t.Errorf("a press under an inline message saved a chat: %+v", c)
	}
}

// inlineCounts counts what became of inline queries.
type inlineCounts struct {
	answered atomic.Int32
	mu       sync.Mutex
	dropped  map[string]int
}

func (c *inlineCounts) InlineAnswered(time.Duration) { c.answered.Add(1) }
func (c *inlineCounts) InlineDropped(why string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dropped == nil {
		c.dropped = map[string]int{}
	}
	c.dropped[why]++
}

func (c *inlineCounts) total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := int(c.answered.Load())
	for _, d := range c.dropped {
		n += d
	}
	return n
}

// Inline queries arriving at 50 a second while Telegram is slow (a
// second a call) are answered within their window or dropped with a count
// — never queued without bound: every query is accounted for once the
// burst is over, and no answer reaches Telegram after Telegram stopped
// waiting for it. Pushes and replies do not wait for them: a /help during
// the burst is answered.
func TestInlineQueriesAtFiftyASecond(t *testing.T) {
	counts := &inlineCounts{}
	const deadline = 2 * time.Second
	h, _, _ := inlineHarness(t, []telegramtest.Option{telegramtest.WithLatency(time.Second)}, func(o *bot.Options) {
		o.Inline = telegram.InlineOptions{Workers: 4, Queue: 16, Deadline: deadline, Observer: counts}
	})
	const burst = 100 // two seconds at 50 a second
	sent := map[string]time.Time{}
	tick := time.NewTicker(time.Second / 50)
	for i := range burst {
		<-tick.C
		u := h.srv.SendInlineQuery(telegramtest.NewUser(int64(1000+i), "قارئ"), "زلزال", "group")
		sent[u.InlineQueryID] = time.Now()
	}
	tick.Stop()
	reader := telegramtest.PrivateChat(81)
	if got := h.say(reader, telegramtest.NewUser(81, "قارئ"), "/help"); len(got) != 1 {
		t.Errorf("/help during the burst: %d replies", len(got))
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	if err := h.srv.WaitFor(ctx, func() bool { return counts.total() == burst }); err != nil {
		t.Fatalf("%d of %d queries accounted for (answered %d, dropped %v)", counts.total(), burst, counts.answered.Load(), counts.dropped)
	}
	answered := 0
	for id, at := range sent {
		if a, ok := h.srv.InlineAnswer(id); ok {
			answered++
			// Within Telegram's window, counted from when Telegram sent
			// it (the queue's deadline runs from when the bot got it,
			// a long poll's round trip later).
			if late := a.Time.Sub(at); late > telegramtest.InlineQueryTimeout {
				t.Errorf("query %s answered %s after it was sent", id, late)
			}
		}
	}
	counts.mu.Lock()
	dropped := counts.dropped
	counts.mu.Unlock()
	t.Logf("%d queries at 50/s, Telegram at 1 s a call, 4 at once: %d answered, dropped %v", burst, answered, dropped)
	// An answer Telegram took as the deadline cut its round trip short is
	// counted late: the bot cannot know it arrived.
	if answered < int(counts.answered.Load()) || counts.answered.Load() == 0 || dropped[telegram.InlineFull]+dropped[telegram.InlineLate] == 0 {
		t.Errorf("answered %d (counted %d), dropped %v: want some of each", answered, counts.answered.Load(), dropped)
	}
	for _, c := range h.srv.CallsTo("answerInlineQuery") {
		if c.Code == 400 {
			t.Errorf("an answer refused: %s", c.Description) // "query is too old…"
		}
	}
}

// A 429 on an inline answer is honoured like any other: the answer waits
// its retry_after, then goes, within the query's window.
func TestInlineAnswerRateLimited(t *testing.T) {
	counts := &inlineCounts{}
	h, quake, _ := inlineHarness(t, nil, func(o *bot.Options) { o.Inline.Observer = counts })
	h.srv.FailNext("answerInlineQuery", 0, 1, telegramtest.TooManyRequests(1))
	_, a := h.ask(telegramtest.NewUser(91, "قارئ"), "زلزال")
	if ids := resultIDs(a); len(ids) != 1 || ids[0] != "s"+strconv.FormatInt(quake, 10) {
		t.Errorf("results %v", ids)
	}
	// The fake keeps the answer a moment before it logs the call.
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	var calls []telegramtest.Call
	if err := h.srv.WaitFor(ctx, func() bool { calls = h.srv.CallsTo("answerInlineQuery"); return len(calls) >= 2 }); err != nil ||
		len(calls) != 2 || calls[0].Code != 429 || calls[1].Time.Sub(calls[0].Time) < time.Second {
		t.Errorf("calls %+v: want a 429, then the answer a second later", calls)
	}
	if err := h.srv.WaitFor(ctx, func() bool { return counts.total() == 1 }); err != nil || counts.answered.Load() != 1 {
		t.Errorf("answered %d, dropped %v", counts.answered.Load(), counts.dropped)
	}
}

// In webhook mode an inline query is answered 200 at once and answered
// apart: not kept in the inbox, its offset not even written.
func TestWebhookInlineQuery(t *testing.T) {
	e := newHookEnv(t)
	b, db := e.newBotWith(func(o *bot.Options) { o.Stories = o.Store.(*storage.DB) })
	k := e.handling(b, db)
	h := b.WebhookHandler("s3cret")
	if _, _, err := db.SaveArticle(t.Context(), news.Article{Key: "q", Source: "وكالة", Title: "زلزال في حلب", SearchText: "زلزال حلب",
		Topics: []string{"syria"}}, false); err != nil {
		t.Fatal(err)
	}
	q := e.srv.SendInlineQuery(telegramtest.NewUser(81, "قارئ"), "زلزال", "group")
	body := `{"update_id":500,"inline_query":{"id":"` + q.InlineQueryID + `","from":{"id":81,"is_bot":false,"first_name":"x"},"query":"زلزال","offset":""}}`
	if code := k.post(h, http.MethodPost, "s3cret", body); code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	var a telegramtest.InlineAnswer
	if err := e.srv.WaitFor(ctx, func() bool { var ok bool; a, ok = e.srv.InlineAnswer(q.InlineQueryID); return ok }); err != nil {
		t.Fatal("no answer")
	}
	if len(a.Results) != 1 {
		t.Errorf("results %+v", a.Results)
	}
	if off, err := db.UpdateOffset(t.Context()); err != nil || off != 0 {
		t.Errorf("offset %d (%v): an inline query was kept", off, err)
	}
}
