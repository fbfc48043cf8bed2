package bot_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ajel-news/ajel/bot"
	"github.com/ajel-news/ajel/bot/telegramtest"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/storage"
	"github.com/ajel-news/ajel/storage/storagetest"
	"github.com/ajel-news/ajel/summary"
)

// withStories turns on comparisons, sharing and inline mode (and follows,
// whose button shares the push's keyboard), marking the facts that differ
// as the app does.
func withStories(h *harness) func(*bot.Options) {
	return func(o *bot.Options) {
		o.Follows, o.Stories = h.db, h.db
		o.Differences = summary.NewComparer(newCatalogue().All()).Differences
	}
}

// telling is one outlet's telling of a story.
type telling struct{ source, title, text string }

// homs is one story of ours as three outlets tell it: two tolls.
var homs = []telling{
	{"وكالة الخبر", "انفجار سيارة مفخخة في حمص", "قتل 4 أشخاص في انفجار سيارة مفخخة قرب سوق في حمص صباح اليوم."},
	{"الشام اليوم", "ارتفاع حصيلة انفجار حمص", "ارتفعت حصيلة انفجار السيارة المفخخة في حمص إلى 9 قتلى."},
	{"صوت الساحل", "انفجار في سوق بحمص", "انفجرت سيارة مفخخة في سوق شعبي بمدينة حمص."},
}

// saveStory stores a story told by tellings, the first pushed to every
// chat following syria, and returns its id.
func (h *harness) saveStory(tellings []telling, at time.Time) int64 {
	h.t.Helper()
	var storyID int64
	for i, tl := range tellings {
		a := news.Article{Key: tl.source + tl.title, Source: tl.source, Title: tl.title, Text: tl.text, Summary: tl.text,
			URL: "https://news" + strconv.Itoa(i) + ".example/a", Topics: []string{"syria"}, Breaking: true,
			SearchText: strings.Join(searchTerms(tl.title+" "+tl.text), " "), PublishedAt: at.Add(time.Duration(i) * time.Minute),
			StoryID: storyID}
		saved, _, err := h.db.SaveArticle(h.t.Context(), a, true)
		if err != nil {
			h.t.Fatal(err)
		}
		storyID = saved.StoryID
	}
	return storyID
}

// pushAll sends every pending push as the delivery worker would (with the
// follow, comparison and share buttons), marked sent, and returns the
// message ids by chat.
func (h *harness) pushAll() map[int64]int {
	h.t.Helper()
	ds, err := h.db.PendingDeliveries(h.t.Context(), time.Now().Add(time.Hour), 100)
	if err != nil {
		h.t.Fatal(err)
	}
	ids := map[int64]int{}
	for _, d := range ds {
		d.Push.FollowStory, d.Push.StoryID, d.Push.Comparable = d.StoryID, d.StoryID, true
		id, err := h.bot.Send(h.t.Context(), d.Target(), d.Push)
		if err != nil {
			h.t.Fatal(err)
		}
		if err := h.db.MarkSent(h.t.Context(), d.ID, id, time.Now(), false, d.EditPending); err != nil {
			h.t.Fatal(err)
		}
		ids[d.ChatID] = id
	}
	return ids
}

// The button «كيف نقلتها المصادر» under a push answers with how each
// outlet told the story, first to last, the tolls that differ marked, as a
// reply to the push; once a chat has it, pressing again says so; in a
// group any member may press it.
func TestComparisonButton(t *testing.T) {
	h := newHarness(t, nil)
	h.stop()
	withStories(h)(&h.opts)
	h.start()
	reader, user := telegramtest.PrivateChat(31), telegramtest.NewUser(31, "قارئ")
	group, member := telegramtest.Supergroup(-1001500, "أصدقاء"), telegramtest.NewUser(32, "عضو")
	storagetest.Chat(t, h.db, reader.ID, news.ChatPrivate, "syria")
	storagetest.Chat(t, h.db, group.ID, news.ChatSupergroup, "syria")
	h.srv.AddChat(reader)
	h.srv.AddChat(group)
	storyID := h.saveStory(homs, fixedNow.Add(-20*time.Minute)) // the bot's clock is fixedNow
	pushes := h.pushAll()

	push, _ := h.srv.Message(reader.ID, pushes[reader.ID])
	data := "cmp:" + strconv.FormatInt(storyID, 10)
	cmp, ok := push.Button("🧭 كيف نقلتها المصادر")
	share, ok2 := push.Button("📤 مشاركة")
	if !ok || cmp.CallbackData != data || !ok2 || share.SwitchInlineQuery == nil || *share.SwitchInlineQuery != "انفجار سيارة مفخخة في حمص" ||
		push.Buttons()[0].Text != "🔔 تابِع الخبر" {
		t.Fatalf("push keyboard %+v", push.Keyboard)
	}

	before := h.srv.SentCount(reader.ID)
	if a := h.press(reader, user, push.ID, data); a.Text != "" {
		t.Errorf("answer %q", a.Text)
	}
	got := h.newSince(reader.ID, before)
	if len(got) != 1 {
		t.Fatalf("%d messages after the press, want the comparison", len(got))
	}
	m := got[0]
	checkHTML(t, m)
	plain := stripIsolates(m.PlainText)
	mustContain(t, plain, "🧭 كيف نقلتها المصادر · 3 مصادر", "1. وكالة الخبر · قبل 20 دقيقة · الرابط\nانفجار سيارة مفخخة في حمص\n🔸 4 أشخاص",
		"2. الشام اليوم · قبل 19 دقيقة · الرابط\nارتفاع حصيلة انفجار حمص\n🔸 9 قتلى", "3. صوت الساحل")
	if m.ReplyToMessageID != push.ID {
		t.Errorf("the comparison replies to %d, want the push %d", m.ReplyToMessageID, push.ID)
	}
	if b, ok := m.Button("📤 مشاركة"); !ok || b.SwitchInlineQuery == nil {
		t.Errorf("the comparison's keyboard %+v", m.Keyboard)
	}
	// Pressed again: the chat has it, kept up to date.
	if a := h.press(reader, user, push.ID, data); !strings.Contains(a.Text, "أرسلتُ المقارنة أعلاه") || h.srv.SentCount(reader.ID) != before+1 {
		t.Errorf("a second press: %q, %d messages", a.Text, h.srv.SentCount(reader.ID)-before)
	}
	// In a group a member who administers nothing may press it.
	gbefore := h.srv.SentCount(group.ID)
	if a := h.press(group, member, pushes[group.ID], data); a.Text != "" || h.srv.SentCount(group.ID) != gbefore+1 {
		t.Errorf("a member in the group: %q, %d messages", a.Text, h.srv.SentCount(group.ID)-gbefore)
	}
	if subs := h.subs(group.ID); len(subs) != 1 {
		t.Errorf("the press changed the group's subscriptions: %+v", subs)
	}
	// Following the story turns its button, and keeps the others.
	h.press(reader, user, push.ID, "f:"+strconv.FormatInt(storyID, 10))
	m, _ = h.srv.Message(reader.ID, push.ID)
	if _, ok := m.Button("إلغاء المتابعة"); !ok || len(m.Buttons()) != 3 || m.Buttons()[1].Text != "🧭 كيف نقلتها المصادر" {
		t.Errorf("after following, the push's keyboard %+v", m.Keyboard)
	}
}

// Callback data for a story that is not the chat's push — forged, of
// another chat's message, pruned — gets a short answer and sends nothing.
func TestComparisonButtonRefusals(t *testing.T) {
	h := newHarness(t, nil)
	h.stop()
	withStories(h)(&h.opts)
	h.start()
	reader, user := telegramtest.PrivateChat(41), telegramtest.NewUser(41, "قارئ")
	other, stranger := telegramtest.PrivateChat(42), telegramtest.NewUser(42, "آخر")
	storagetest.Chat(t, h.db, reader.ID, news.ChatPrivate, "syria")
	storagetest.Chat(t, h.db, other.ID, news.ChatPrivate)
	h.srv.AddChat(reader)
	h.srv.AddChat(other)
	storyID := h.saveStory(homs[:2], time.Now())
	push := h.pushAll()[reader.ID]
	data := "cmp:" + strconv.FormatInt(storyID, 10)
	help := h.sayOne(reader, user, "/help")
	otherMsg := h.sayOne(other, stranger, "/help")

	refused := func(name string, chat telegramtest.Chat, u telegramtest.User, msgID int, data string) {
		t.Helper()
		before := h.srv.SentCount(chat.ID)
		a := h.press(chat, u, msgID, data)
		if a.Text != "هذا الزر لم يعد صالحًا." || h.srv.SentCount(chat.ID) != before {
			t.Errorf("%s: answer %q, %d messages sent", name, a.Text, h.srv.SentCount(chat.ID)-before)
		}
	}
	refused("not a number", reader, user, push, "cmp:abc")
	refused("a negative story", reader, user, push, "cmp:-1")
	refused("a story that never was", reader, user, push, "cmp:987654")
	refused("another message of the chat", reader, user, help.ID, data)
	refused("another chat's story on its own message", other, stranger, otherMsg.ID, data)
	refused("a signed inline kind under a chat's push", reader, user, push, "icmp:"+strconv.FormatInt(storyID, 10)+".AAAAAAAAAAA")
	if _, err := h.db.Prune(t.Context(), time.Now().AddDate(1, 0, 0), storage.Retention{Deliveries: time.Hour, Articles: time.Hour}); err != nil {
		t.Fatal(err)
	}
	refused("a pruned story", reader, user, push, data)
}

// /story N (and /story_N, as /latest shows it) sends a story's
// comparison; bad numbers and stories that are not there get a short
// answer; a story of 40 outlets is one message within Telegram's limit
// that says how many outlets it leaves out.
func TestStoryCommand(t *testing.T) {
	h := newHarness(t, nil)
	h.stop()
	withStories(h)(&h.opts)
	h.start()
	reader, user := telegramtest.PrivateChat(51), telegramtest.NewUser(51, "قارئ")
	storyID := h.saveStory(homs, time.Now())
	id := strconv.FormatInt(storyID, 10)

	mustContain(t, h.sayOne(reader, user, "/story").PlainText, "اكتب رقم الخبر")
	mustContain(t, h.sayOne(reader, user, "/story حمص").PlainText, "اكتب رقم الخبر")
	mustContain(t, h.sayOne(reader, user, "/story 987654").PlainText, "لم أجد الخبر رقم 987654")
	for _, cmd := range []string{"/story " + id, "/story_" + id, "/story #" + id, "/story " + arabicDigits(id)} {
		mustContain(t, stripIsolates(h.sayOne(reader, user, cmd).PlainText), "كيف نقلتها المصادر · 3 مصادر", "1. وكالة الخبر")
	}
	mustContain(t, h.sayOne(reader, user, "/latest").PlainText, "🧭 /story_"+id)

	var forty []telling
	for i := range 40 {
		forty = append(forty, telling{"المصدر رقم " + strconv.Itoa(i+1),
			strings.Repeat("انفجار سيارة مفخخة قرب سوق شعبي في مدينة حمص صباح اليوم ", 3) + strconv.Itoa(i),
			"قتل " + strconv.Itoa(4+i%6) + " أشخاص في انفجار سيارة مفخخة في حمص."})
	}
	big := strconv.FormatInt(h.saveStory(forty, time.Now()), 10)
	m := h.sayOne(reader, user, "/story "+big)
	plain := stripIsolates(m.PlainText)
	shown := strings.Count(plain, "المصدر رقم")
	if n := len([]rune(m.PlainText)); n > telegramtest.MaxMessageLength || shown == 0 || shown == 40 {
		t.Fatalf("40 outlets: %d characters, %d shown", n, shown)
	}
	mustContain(t, plain, "كيف نقلتها المصادر · 40 مصدرًا", "و"+strconv.Itoa(40-shown)+" مصادر أخرى لا تظهر هنا")
}

func arabicDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return '٠' + r - '0'
		}
		return r
	}, s)
}

// A bot whose operator has not enabled inline mode (@BotFather's
// /setinline) puts no share button under pushes: it would open a picker
// that lists nothing. The comparison stays.
func TestNoShareButtonWithoutInlineMode(t *testing.T) {
	h := newHarnessWith(t, []telegramtest.Option{telegramtest.WithoutInlineMode()}, nil)
	h.stop()
	withStories(h)(&h.opts)
	h.start()
	reader, user := telegramtest.PrivateChat(55), telegramtest.NewUser(55, "قارئ")
	storagetest.Chat(t, h.db, reader.ID, news.ChatPrivate, "syria")
	h.sayOne(reader, user, "/help") // connected: getMe has answered
	h.saveStory(homs[:2], time.Now())
	push, _ := h.srv.Message(reader.ID, h.pushAll()[reader.ID])
	if _, ok := push.Button("📤 مشاركة"); ok {
		t.Errorf("a share button without inline mode: %+v", push.Keyboard)
	}
	if _, ok := push.Button("🧭 كيف نقلتها المصادر"); !ok {
		t.Errorf("no comparison button: %+v", push.Keyboard)
	}
}
