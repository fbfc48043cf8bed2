package main

import (
	"strings"
	"testing"

	"github.com/ajel-news/ajel/bot/telegramtest"
	"github.com/ajel-news/ajel/config"
)

// Our stories for these tests: two breaking items first published with
// only a placeholder, and an English item from an Arabic outlet's feed.
var (
	itemBlastWaiting = rssItem{"blast", "عاجل: انفجار في مستودع للذخيرة قرب حمص السورية", "التفاصيل بعد قليل..", "https://a.example/blast"}
	itemBlastText    = rssItem{"blast", "عاجل: انفجار في مستودع للذخيرة قرب حمص السورية",
		"<p>دوى انفجار قوي في مستودع للذخيرة قرب مدينة حمص السورية مساء اليوم، وشوهدت ألسنة اللهب من أحياء المدينة.</p>" +
			"<p>وقال الدفاع المدني إن فرقه تعمل على إخماد الحريق وإن حصيلة الضحايا لم تعرف بعد.</p>" +
			"<p>The post انفجار في مستودع للذخيرة appeared first on وكالة الاختبار.</p>",
		"https://a.example/blast"}
	itemFireWaiting = rssItem{"fire", "عاجل: حريق كبير في سوق الحميدية بدمشق السورية", "<p>المزيد قريباً</p>", "https://a.example/fire"}
	itemFireOther   = rssItem{"b-fire", "حريق كبير في سوق الحميدية بدمشق السورية",
		"<p>اندلع حريق كبير في سوق الحميدية الأثري وسط دمشق السورية فجر اليوم، وأتى على عدد من المحال التجارية.</p>" +
			"<p>وقالت فرق الإطفاء إنها سيطرت على الحريق بعد ساعتين من العمل.</p>", "https://b.example/fire"}
	itemEnglish = rssItem{"en", "Ammunition depot blast near Homs in Syria",
		"<p>A large explosion hit an ammunition depot near the Syrian city of Homs this evening.</p>", "https://a.example/en"}
)

// A breaking item whose text is only a placeholder reaches the reader at
// once as its headline alone, and that same message is edited to carry the
// story's summary when the text comes: from the item updated in its feed,
// or from another outlet joining the story. An item of the feed not in
// Arabic is never pushed, yet /search finds it.
func TestPlaceholderPushIsEditedWhenItsTextArrives(t *testing.T) {
	t.Parallel()
	tg := telegramtest.NewTest(t, testToken)
	feedA, feedB := newFeedServer(t), newFeedServer(t)
	feedA.set(rssFrom("وكالة أ", itemOld), "")
	feedB.set(rssFrom("وكالة ب", itemOldB), "")
	h := newHarness(t, tg, map[string]string{config.EnvFeeds: feedA.srv.URL + "/a," + feedB.srv.URL + "/b"})
	h.start()
	chat := telegramtest.PrivateChat(8301)
	reader := telegramtest.NewUser(chat.ID, "قارئ")
	h.say(chat, reader, "/subscribe سوريا")
	h.primed(2)

	feedA.set(rssFrom("وكالة أ", itemOld, itemBlastWaiting, itemFireWaiting, itemEnglish), "")
	h.wait("the two headlines", func() bool { return len(pushes(tg.Sent(chat.ID))) == 2 })
	byTitle := func(title string) telegramtest.Message {
		t.Helper()
		for _, m := range pushes(tg.Sent(chat.ID)) {
			if strings.Contains(m.PlainText, title) {
				return m
			}
		}
		t.Fatalf("no push of %q", title)
		return telegramtest.Message{}
	}
	for _, title := range []string{"انفجار في مستودع للذخيرة قرب حمص", "حريق كبير في سوق الحميدية"} {
		m := byTitle(title)
		if strings.Contains(m.PlainText, "التفاصيل") || strings.Contains(m.PlainText, "المزيد قريبا") {
			t.Errorf("a placeholder reached the reader:\n%s", m.PlainText)
		}
	}

	// The outlet writes the story under the same item.
	feedA.set(rssFrom("وكالة أ", itemOld, itemBlastText, itemFireWaiting, itemEnglish), "")
	h.wait("the blast push's edit", func() bool {
		m := byTitle("انفجار في مستودع للذخيرة")
		return m.Edits > 0 && strings.Contains(m.PlainText, "دوى انفجار قوي في مستودع للذخيرة")
	})
	// Another outlet tells the fire.
	feedB.set(rssFrom("وكالة ب", itemOldB, itemFireOther), "")
	h.wait("the fire push's edit", func() bool {
		m := byTitle("حريق كبير في سوق الحميدية")
		return m.Edits > 0 && strings.Contains(m.PlainText, "اندلع حريق كبير في سوق الحميدية") &&
			strings.Contains(m.PlainText, "وأفاد به مصدر آخر")
	})

	got := pushes(tg.Sent(chat.ID))
	if len(got) != 2 {
		t.Fatalf("%d pushes, want the two stories once each: %+v", len(got), got)
	}
	for _, m := range got {
		if strings.Contains(m.PlainText, "appeared first") || strings.Contains(m.PlainText, "Ammunition") {
			t.Errorf("junk or the English item in a push:\n%s", m.PlainText)
		}
		if err := telegramtest.ValidateHTML(m.Text); err != nil {
			t.Errorf("edited push is not valid HTML: %v", err)
		}
	}
	found := h.say(chat, reader, "/search ammunition depot")
	if !strings.Contains(found.PlainText, "Ammunition depot blast near Homs") {
		t.Errorf("/search does not find the held English item:\n%s", found.PlainText)
	}
}
