package bot_test

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/ajel-news/ajel/bot"
	"github.com/ajel-news/ajel/bot/telegramtest"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/storage"
)

// updateCounts counts what the bot set aside (its UpdateObserver).
type updateCounts struct{ skipped, parked atomic.Int32 }

func (c *updateCounts) UpdateSkipped() { c.skipped.Add(1) }
func (c *updateCounts) UpdateParked()  { c.parked.Add(1) }

// recordedFaults records the faults the bot reports (its Faults).
type recordedFaults struct {
	mu   sync.Mutex
	open map[string]string
}

func (f *recordedFaults) Report(component, message string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.open == nil {
		f.open = map[string]string{}
	}
	f.open[component] = message
}

func (f *recordedFaults) Clear(component string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.open, component)
}

func (f *recordedFaults) has(component, text string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Contains(f.open[component], text)
}

func (f *recordedFaults) list() map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return maps.Clone(f.open)
}

// poisonStore is the database with a bug that panics while handling
// anything of one chat.
type poisonStore struct {
	*storage.DB
	chat  int64
	saves atomic.Int32 // calls that panicked
}

func (p *poisonStore) SaveChat(ctx context.Context, c news.Chat) error {
	if c.ID == p.chat {
		p.saves.Add(1)
		panic(fmt.Sprintf("a bug while saving chat %d", c.ID))
	}
	return p.DB.SaveChat(ctx, c)
}

// A button press that names neither the message it was under nor an
// inline message, and a kind of update the bot does not handle, are
// skipped with their offset saved: the bot goes on, the next reader is
// answered, and a restart does not see them again. (A button under an
// inline-mode message is handled: TestInlineMessageButtons.)
func TestUpdatesTheBotCannotUseAreSkipped(t *testing.T) {
	counts := &updateCounts{}
	h := newHarness(t, func(o *bot.Options) { o.Updates = counts })
	reader := telegramtest.NewUser(5101, "سارة")
	chat := telegramtest.PrivateChat(reader.ID)
	if _, err := h.srv.EnqueueRaw("callback_query", map[string]any{
		"id": "4242", "from": reader, "chat_instance": "-77", "data": "t:syria",
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.srv.EnqueueRaw("poll_answer", map[string]any{"poll_id": "1", "user": reader, "option_ids": []int{0}}); err != nil {
		t.Fatal(err)
	}
	if got := h.say(chat, reader, "/help"); len(got) != 1 {
		t.Fatalf("/help after updates the bot cannot use: %d replies, want 1", len(got))
	}
	if n := counts.skipped.Load(); n != 2 {
		t.Errorf("%d updates counted as skipped, want 2", n)
	}
	if ps, err := h.db.ParkedUpdates(t.Context()); err != nil || len(ps) != 0 {
		t.Errorf("parked %+v, %v; skipped updates are not parked", ps, err)
	}
	// Confirmed to Telegram: a new process gets neither again.
	h.stop()
	h.start()
	h.settle()
	if got := h.say(chat, reader, "/help"); len(got) != 1 {
		t.Fatalf("/help after a restart: %d replies, want 1", len(got))
	}
	if n := counts.skipped.Load(); n != 2 {
		t.Errorf("%d updates skipped after the restart, want still 2", n)
	}
}

// An update whose handling panics is recovered: counted, parked in the
// database with the reason (and listed in /healthz's faults), never
// handled again, also after a restart; the same chat's next update and
// every other chat are answered.
func TestAPanickingUpdateIsParkedAndTheBotGoesOn(t *testing.T) {
	counts := &updateCounts{}
	faults := &recordedFaults{}
	h := newHarness(t, func(o *bot.Options) { o.Updates, o.Faults = counts, faults })
	poisoned := &poisonStore{chat: 5201}
	h.stop()
	h.wrap = func(db *storage.DB) bot.Store { poisoned.DB = db; return poisoned }
	h.start()
	victim := telegramtest.NewUser(5201, "قارئ")
	other := telegramtest.NewUser(5202, "قارئة")
	if got := h.say(telegramtest.PrivateChat(victim.ID), victim, "/start"); len(got) != 0 {
		t.Fatalf("the panicking update was answered: %+v", got)
	}
	if got := h.say(telegramtest.PrivateChat(other.ID), other, "/help"); len(got) != 1 {
		t.Fatalf("another reader after the panic: %d replies, want 1", len(got))
	}
	ps, err := h.db.ParkedUpdates(t.Context())
	if err != nil || len(ps) != 1 || ps[0].ChatID != victim.ID || !strings.Contains(ps[0].Reason, "panicked") ||
		!strings.Contains(string(ps[0].Raw), "/start") {
		t.Fatalf("parked %+v, %v; want the /start that panicked, with why", ps, err)
	}
	if n := counts.parked.Load(); n != 1 {
		t.Errorf("%d parked updates counted, want 1", n)
	}
	if !faults.has("update_handling", "panicked") {
		t.Errorf("faults %v: want the parked update listed", faults.list())
	}
	// The bug is fixed; after a restart the parked update stays parked
	// and the reader's next message is answered.
	h.stop()
	h.wrap = nil
	h.start()
	if got := h.say(telegramtest.PrivateChat(victim.ID), victim, "/help"); len(got) != 1 {
		t.Fatalf("the reader's next message: %d replies, want 1", len(got))
	}
	if n := poisoned.saves.Load(); n != 1 {
		t.Errorf("the poisoned update was handled %d times, want once", n)
	}
}

// An update whose handling began three times and never finished (it
// killed the process each time) is parked at the next start instead of
// being handled a fourth time.
func TestAnUpdateThatNeverFinishesIsParked(t *testing.T) {
	counts := &updateCounts{}
	h := newHarness(t, func(o *bot.Options) { o.Updates = counts })
	h.stop()
	ctx := t.Context()
	reader := telegramtest.NewUser(5301, "قارئ")
	raw := fmt.Sprintf(`{"update_id":900,"message":{"message_id":1,"from":{"id":%d,"is_bot":false,"first_name":"x"},`+
		`"chat":{"id":%d,"type":"private"},"date":1,"text":"/start","entities":[{"type":"bot_command","offset":0,"length":6}]}}`,
		reader.ID, reader.ID)
	queued, err := h.db.QueueUpdates(ctx, []news.InboundUpdate{{UpdateID: 900, ChatID: reader.ID, Raw: []byte(raw)}}, 0)
	if err != nil || len(queued) != 1 {
		t.Fatal(queued, err)
	}
	for range 3 { // three starts that died while handling it
		if err := h.db.BeginUpdate(ctx, queued[0].Seq); err != nil {
			t.Fatal(err)
		}
	}
	h.start()
	h.settle()
	if n := h.srv.SentCount(reader.ID); n != 0 {
		t.Errorf("the update was handled a fourth time: %d replies", n)
	}
	ps, err := h.db.ParkedUpdates(ctx)
	if err != nil || len(ps) != 1 || ps[0].UpdateID != 900 || !strings.Contains(ps[0].Reason, "began 3 times") {
		t.Fatalf("parked %+v, %v", ps, err)
	}
	if counts.parked.Load() != 1 {
		t.Errorf("parked count %d, want 1", counts.parked.Load())
	}
}

// In webhook mode, an update the bot cannot use and one whose handling
// panics are both answered 200 (any other answer makes Telegram send them
// again and again), their offset saved; the panicking one is parked and
// the next update is handled.
func TestWebhookPoisonUpdates(t *testing.T) {
	e := newHookEnv(t)
	counts := &updateCounts{}
	var poisoned *poisonStore
	b, db := e.newBotWith(func(o *bot.Options) {
		poisoned = &poisonStore{DB: o.Store.(*storage.DB), chat: 5401}
		o.Store, o.Updates = poisoned, counts
	})
	k := e.handling(b, db)
	const secret = "s3cret"
	h := b.WebhookHandler(secret)
	orphan := `{"update_id":20,"callback_query":{"id":"9","from":{"id":5402,"is_bot":false,"first_name":"x"},` +
		`"chat_instance":"1","data":"t:syria"}}`
	for _, tc := range []struct {
		name, body string
		chat       int64
		replies    int
	}{
		{"a button under no message", orphan, 5402, 0},
		{"an update whose handling panics", textUpdate(21, 5401, "/start"), 5401, 0},
		{"the next update", textUpdate(22, 5402, "/help"), 5402, 1},
	} {
		before := e.srv.SentCount(tc.chat)
		if got := k.post(h, http.MethodPost, secret, tc.body); got != http.StatusOK {
			t.Errorf("%s: status %d, want 200", tc.name, got)
		}
		if got := e.srv.SentCount(tc.chat) - before; got != tc.replies {
			t.Errorf("%s: %d replies, want %d", tc.name, got, tc.replies)
		}
	}
	if off, err := db.UpdateOffset(t.Context()); err != nil || off != 23 {
		t.Errorf("saved offset %d (%v), want 23", off, err)
	}
	ps, err := db.ParkedUpdates(t.Context())
	if err != nil || len(ps) != 1 || ps[0].UpdateID != 21 {
		t.Errorf("parked %+v, %v; want update 21", ps, err)
	}
	if counts.skipped.Load() != 1 || counts.parked.Load() != 1 {
		t.Errorf("skipped %d, parked %d; want 1 and 1", counts.skipped.Load(), counts.parked.Load())
	}
}
