package main

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"net/http"
	"net/http/httptest"

	"github.com/ajel-news/ajel/bot/telegramtest"
	"github.com/ajel-news/ajel/config"
)

// With ALLOW_PRIVATE_FEEDS off, /addfeed refuses every address that
// reaches inside: loopback by number and by name, private, link-local and
// the cloud metadata address, IPv4-compatible and NAT64 forms of them, and
// the server behind it is never contacted.
// (Redirects and DNS answers that change are refused at connect time:
// feed.TestGuardAfterRedirectsAndChangingDNS.)
func TestAddFeedRefusesInternalAddresses(t *testing.T) {
	var hits atomic.Int32
	internal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer internal.Close()
	port := internal.URL[strings.LastIndex(internal.URL, ":")+1:]
	tg := telegramtest.NewTest(t, testToken)
	h := newHarness(t, tg, map[string]string{config.EnvAllowPrivateFeeds: "false", config.EnvAdminIDs: "42"})
	h.start()
	chat, admin := telegramtest.PrivateChat(42), telegramtest.NewUser(42, "مشرف")
	for _, u := range []string{
		internal.URL + "/rss",
		"http://localhost:" + port + "/rss",
		"http://[::1]:" + port + "/rss",
		"http://0.0.0.0:" + port + "/",
		"http://10.0.0.7/rss",
		"http://192.168.1.1/rss",
		"http://169.254.169.254/latest/meta-data/",
		"http://[fe80::1]/rss",
		"http://[::ffff:127.0.0.1]:" + port + "/rss",
		"http://100.100.100.200/latest/meta-data",
	} {
		reply := h.say(chat, admin, "/addfeed "+u)
		if !strings.Contains(reply.PlainText, "تعذّرت إضافة المصدر") {
			t.Errorf("/addfeed %s was not refused: %q", u, reply.PlainText)
		}
	}
	// More, from a group (each chat has its own budget of commands).
	group := telegramtest.Supergroup(-1004242, "مشرفون")
	for _, u := range []string{
		"http://[::127.0.0.1]:" + port + "/rss",          // IPv4-compatible
		"http://[64:ff9b::7f00:1]:" + port + "/rss",      // NAT64 of loopback
		"http://[64:ff9b:1::a9fe:a9fe]/latest/meta-data", // local-use NAT64
	} {
		reply := h.say(group, admin, "/addfeed "+u)
		if !strings.Contains(reply.PlainText, "تعذّرت إضافة المصدر") {
			t.Errorf("/addfeed %s was not refused: %q", u, reply.PlainText)
		}
	}
	if feeds := h.say(chat, admin, "/feeds"); strings.Contains(feeds.PlainText, "#1") {
		t.Errorf("a refused feed was stored: %q", feeds.PlainText)
	}
	// Every command handled (the inbox empty) and no feed stored: nothing
	// is left that could still reach the internal server.
	awaitIdle(t, h.store())
	if n := hits.Load(); n != 0 {
		t.Errorf("the internal server was contacted %d times", n)
	}
}

// Admin commands look at ADMIN_IDS on every call: a stranger is refused
// each of them, before and after the admin used them, and nothing changes.
func TestAdminCommandsCheckedOnEveryCall(t *testing.T) {
	tg := telegramtest.NewTest(t, testToken)
	feedSrv := newFeedServer(t)
	feedSrv.set(rss(itemOld), "")
	h := newHarness(t, tg, map[string]string{config.EnvAdminIDs: "42", config.EnvFeeds: feedSrv.srv.URL + "/rss"})
	h.start()
	adminChat, admin := telegramtest.PrivateChat(42), telegramtest.NewUser(42, "مشرف")
	strangerChat, stranger := telegramtest.PrivateChat(43), telegramtest.NewUser(43, "غريب")
	group := telegramtest.Chat{ID: -1004300, Type: "supergroup", Title: "مجموعة"}
	tg.SetAdmin(group.ID, stranger.ID) // a group's admin is not the bot's admin
	refuseAll := func(when string) {
		for _, chat := range []telegramtest.Chat{strangerChat, group} {
			for _, cmd := range []string{"/stats", "/feeds", "/addfeed " + feedSrv.srv.URL + "/other", "/delfeed 1"} {
				reply := h.say(chat, stranger, cmd)
				if !strings.Contains(reply.PlainText, "مشرفي البوت") {
					t.Errorf("%s: %s from a stranger in %s was not refused: %q", when, cmd, chat.Type, reply.PlainText)
				}
			}
		}
	}
	refuseAll("before")
	if r := h.say(adminChat, admin, "/stats"); strings.Contains(r.PlainText, "مشرفي البوت") {
		t.Fatalf("the admin was refused: %q", r.PlainText)
	}
	if r := h.say(adminChat, admin, "/feeds"); !strings.Contains(r.PlainText, "#1") {
		t.Fatalf("the admin's /feeds: %q", r.PlainText)
	}
	refuseAll("after the admin's calls")
	if r := h.say(adminChat, admin, "/feeds"); !strings.Contains(r.PlainText, "#1") || strings.Contains(r.PlainText, "#2") {
		t.Errorf("a stranger changed the feeds: %q", r.PlainText)
	}
}

// One chat flooding commands (100 in about a second) gets a handful of
// answers and one polite notice; another chat is answered as usual
// meanwhile. (The exact budget is bot.TestRateLimitPerChat.)
func TestFloodingChatIsSlowedOthersAnswered(t *testing.T) {
	tg := telegramtest.NewTest(t, testToken)
	h := newHarness(t, tg, nil)
	h.start()
	floodChat, flooder := telegramtest.PrivateChat(51), telegramtest.NewUser(51, "مستعجل")
	calmChat, calm := telegramtest.PrivateChat(52), telegramtest.NewUser(52, "هادئ")
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 100 {
			tg.SendText(floodChat, flooder, "/help")
			time.Sleep(10 * time.Millisecond)
		}
	}()
	h.wait("the flood under way", func() bool { return tg.SentCount(floodChat.ID) > 0 })
	start := time.Now()
	reply := h.say(calmChat, calm, "/help")
	if wait := time.Since(start); !strings.Contains(reply.PlainText, "/subscribe") {
		t.Errorf("the calm chat's /help: %q (after %s)", reply.PlainText, wait)
	}
	<-done
	h.wait("the flood to be taken", func() bool { return tg.Pending() == 0 && tg.Polling() })
	awaitIdle(t, h.store()) // and handled: every reply sent
	sent := tg.Sent(floodChat.ID)
	notices := 0
	for _, m := range sent {
		if strings.Contains(m.PlainText, "مهلًا") {
			notices++
		}
	}
	if notices != 1 || len(sent) > 15 {
		t.Errorf("the flooding chat got %d messages with %d slow-down notices; want at most 15 and exactly 1 notice", len(sent), notices)
	}
	if n := tg.SentCount(calmChat.ID); n != 1 {
		t.Errorf("the calm chat got %d replies, want 1", n)
	}
}
