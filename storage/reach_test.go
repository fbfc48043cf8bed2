package storage_test

import (
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/storage"
)

// A database written before forum threads, channels and the inbox keeps
// every subscription and outbox row through migration 004.
func TestMigrationToThreadsKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	raw, err := sql.Open("sqlite3", "file:"+path+"?_foreign_keys=on")
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"001_init.sql", "002_search.sql", "003_edits_and_digests.sql"} {
		body, err := os.ReadFile(filepath.Join("migrations", name))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := raw.Exec(string(body)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if i == 0 {
			if _, err := raw.Exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := raw.Exec(`INSERT INTO schema_migrations VALUES (?, ?, 0)`, i+1, name); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []string{
		`INSERT INTO chats (id, type, language, created_at, updated_at) VALUES (1, 'private', 'ar', 1, 1), (-100, 'supergroup', '', 1, 1)`,
		`INSERT INTO subscriptions (chat_id, kind, key, display, created_at) VALUES (1, 'topic', 'syria', 'سوريا', 1), (-100, 'keyword', 'ادلب', 'إدلب', 1)`,
		`INSERT INTO stories (id, title, breaking, first_seen_at, updated_at) VALUES (1, 'عاجل', 1, 1, 1), (2, 'عادي', 0, 1, 1)`,
		`INSERT INTO articles (id, origin, item_key, title, seen_at, story_id) VALUES (1, 'ingest:x', 'a', 'عاجل', 1, 1), (2, 'ingest:x', 'b', 'عادي', 1, 2)`,
		`INSERT INTO deliveries (chat_id, story_id, article_id, status, created_at) VALUES (1, 1, 1, 'pending', 1), (1, 2, 2, 'pending', 1), (-100, 2, 2, 'sent', 1)`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	raw.Close()

	db := mustOpenPath(t, path)
	subs, err := db.Subscriptions(t.Context(), news.Target{ChatID: -100})
	if err != nil || len(subs) != 1 || subs[0].Key != "ادلب" || subs[0].ThreadID != 0 {
		t.Errorf("group subscriptions after the migration: %+v, %v", subs, err)
	}
	pending, err := db.PendingDeliveries(t.Context(), time.Now(), 10)
	if err != nil || len(pending) != 2 || pending[0].StoryID != 1 {
		t.Fatalf("pending rows %+v (%v): want both, the breaking story first", pending, err)
	}
	if c, err := db.Chat(t.Context(), 1); err != nil || c.Type != news.ChatPrivate {
		t.Errorf("chat after the migration: %+v, %v", c, err)
	}
}

// Channel posts come out of the outbox first, then breaking stories,
// then the rest, each oldest first.
func TestOutboxOrder(t *testing.T) {
	db := MustOpenDB(t)
	ctx := t.Context()
	mustChat(t, db, 1, news.ChatPrivate)
	mustSub(t, db, 1, news.KindTopic, "syria")
	mustSub(t, db, 1, news.KindTopic, "economy")
	if err := db.SetChannel(ctx, news.Channel{ChatID: -1001, Username: "ajel_syria", Topic: "syria", Display: "سوريا"}); err != nil {
		t.Fatal(err)
	}
	save := func(key, topic string, breaking bool) {
		t.Helper()
		if _, _, err := db.SaveArticle(ctx, news.Article{Key: key, Title: key, Source: "s", Topics: []string{topic}, Breaking: breaking}, true); err != nil {
			t.Fatal(err)
		}
	}
	save("eco", "economy", false)
	save("syr", "syria", false)
	save("brk", "economy", true)
	rows, err := db.PendingDeliveries(ctx, time.Now().Add(time.Minute), 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		got = append(got, r.Push.Title+"@"+string(r.ChatType))
	}
	want := []string{"syr@channel", "brk@private", "eco@private", "syr@private"}
	if len(got) != len(want) {
		t.Fatalf("outbox %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("outbox %v, want %v", got, want)
		}
	}
}

func TestChannels(t *testing.T) {
	db := MustOpenDB(t)
	ctx := t.Context()
	if err := db.SetChannel(ctx, news.Channel{ChatID: -1001, Username: "mine", Topic: "lebanon", Display: "لبنان"}); err != nil {
		t.Fatal(err)
	}
	if err := db.SetChannel(ctx, news.Channel{ChatID: -1002, Topic: "syria"}); err == nil {
		t.Error("a topic channel without the topic's name was taken")
	}
	// CHANNELS at two starts: the second replaces the first's mappings,
	// and the admin's stays.
	if err := db.SetConfigChannels(ctx, []news.Channel{
		{ChatID: -1003, Username: "old", Topic: "syria", Display: "سوريا"},
		{ChatID: -1004, Username: "brk", Topic: news.BreakingChannel},
	}); err != nil {
		t.Fatal(err)
	}
	if err := db.SetConfigChannels(ctx, []news.Channel{{ChatID: -1005, Username: "new", Topic: "syria", Display: "سوريا"}}); err != nil {
		t.Fatal(err)
	}
	chs, err := db.Channels(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, ch := range chs {
		got[ch.Topic] = ch.ChatID
		if !ch.Enabled {
			t.Errorf("channel %+v is off", ch)
		}
	}
	if len(got) != 2 || got["syria"] != -1005 || got["lebanon"] != -1001 {
		t.Errorf("channels %v, want syria from the second start and the admin's lebanon", got)
	}
	// A refusal turns the mapping off; adding it again turns it on.
	if _, err := db.DeactivateChat(ctx, -1001, "Forbidden: bot was kicked"); err != nil {
		t.Fatal(err)
	}
	if n, _, err := db.SaveArticle(ctx, news.Article{Key: "k", Title: "خبر", Topics: []string{"lebanon"}}, true); err != nil || n.StoryID == 0 {
		t.Fatal(err)
	} else if rows, _ := db.Deliveries(ctx, -1001); len(rows) != 0 {
		t.Errorf("a channel that refused the bot was queued %d rows", len(rows))
	}
	chs, _ = db.Channels(ctx)
	for _, ch := range chs {
		if ch.ChatID == -1001 && (ch.Enabled || ch.Reason == "") {
			t.Errorf("refused channel %+v, want off with the reason", ch)
		}
	}
	if n, err := db.DeleteChannel(ctx, -1001); err != nil || n != 1 {
		t.Errorf("delete: %d, %v", n, err)
	}
	if _, err := db.DeleteChannel(ctx, -1001); err == nil {
		t.Error("deleting a channel twice succeeded")
	}
}

func TestMoveThread(t *testing.T) {
	db := MustOpenDB(t)
	ctx := t.Context()
	const group = -100
	mustChat(t, db, group, news.ChatSupergroup)
	for _, s := range []news.Subscription{
		{ChatID: group, ThreadID: 5, Kind: news.KindTopic, Key: "syria", Display: "سوريا"},
		{ChatID: group, ThreadID: 5, Kind: news.KindTopic, Key: "lebanon", Display: "لبنان"},
		{ChatID: group, Kind: news.KindTopic, Key: "lebanon", Display: "لبنان"},
	} {
		if _, err := db.Subscribe(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range []string{"a", "b"} {
		topic := map[string]string{"a": "syria", "b": "lebanon"}[k]
		if _, _, err := db.SaveArticle(ctx, news.Article{Key: k, Title: k, Topics: []string{topic}}, true); err != nil {
			t.Fatal(err)
		}
	}
	moved, err := db.MoveThread(ctx, group, 5)
	if err != nil || moved != 1 {
		t.Fatalf("moved %d rows (%v), want story a's; b's main-thread row already exists", moved, err)
	}
	main, _ := db.Subscriptions(ctx, news.Target{ChatID: group})
	thread, _ := db.Subscriptions(ctx, news.Target{ChatID: group, ThreadID: 5})
	if len(main) != 2 || len(thread) != 0 {
		t.Errorf("main thread follows %+v, thread 5 %+v; want both topics in the main thread", main, thread)
	}
	rows, _ := db.Deliveries(ctx, group)
	pending := 0
	for _, r := range rows {
		if r.Status == news.DeliveryPending {
			pending++
			if r.ThreadID != 0 {
				t.Errorf("pending row %+v still names the deleted thread", r)
			}
		}
	}
	if pending != 2 {
		t.Errorf("%d pending rows, want a and b once each in the main thread", pending)
	}
}

func TestInbox(t *testing.T) {
	db := MustOpenDB(t)
	ctx := t.Context()
	ups := []news.InboundUpdate{{UpdateID: 10, ChatID: 1, Raw: []byte(`{"update_id":10}`)}, {UpdateID: 11, ChatID: 2, Raw: []byte(`{"update_id":11}`)}}
	queued, err := db.QueueUpdates(ctx, ups, 12)
	if err != nil || len(queued) != 2 || queued[0].Seq >= queued[1].Seq {
		t.Fatalf("queued %+v, %v", queued, err)
	}
	if off, _ := db.UpdateOffset(ctx); off != 12 {
		t.Errorf("offset %d, want 12", off)
	}
	// A repeat (a webhook delivery Telegram sent again) is not kept twice.
	again, err := db.QueueUpdates(ctx, ups[1:], 12)
	if err != nil || len(again) != 0 {
		t.Errorf("repeat queued %+v, %v", again, err)
	}
	for _, u := range queued {
		if err := db.FinishUpdate(ctx, u.Seq); err != nil {
			t.Fatal(err)
		}
	}
	// Sequence numbers never go back, even with the inbox empty: the
	// dispatcher tells new updates by them.
	next, err := db.QueueUpdates(ctx, []news.InboundUpdate{{UpdateID: 3, Raw: []byte(`{"update_id":3}`)}}, 4)
	if err != nil || len(next) != 1 || next[0].Seq <= queued[1].Seq {
		t.Fatalf("after emptying: %+v, %v", next, err)
	}
	left, err := db.PendingUpdates(ctx, 0, 10)
	if err != nil || len(left) != 1 || string(left[0].Raw) != `{"update_id":3}` {
		t.Errorf("pending %+v, %v", left, err)
	}
	if _, err := storage.Open(ctx, ""); err == nil {
		t.Error("empty path accepted")
	}
}
