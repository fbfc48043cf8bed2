package demo_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/ajel-news/ajel/demo"
)

// inlineBot answers inline queries with one story whose message has a
// button, and turns that message into "a comparison" when it is pressed,
// as Ajel does, through tgbotapi against the fake server.
func inlineBot(t *testing.T, f *fixture) {
	t.Helper()
	api, err := tgbotapi.NewBotAPIWithClient(f.tg.Token(), f.tg.Endpoint(), &http.Client{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		offset := 0
		for ctx.Err() == nil {
			ups, err := api.GetUpdates(tgbotapi.UpdateConfig{Offset: offset, Timeout: 1})
			if err != nil {
				continue
			}
			for _, u := range ups {
				offset = u.UpdateID + 1
				switch {
				case u.InlineQuery != nil && strings.Contains(u.InlineQuery.Query, "زلزال"):
					r := tgbotapi.NewInlineQueryResultArticleHTML("s1", "زلزال في حلب", "🔴 أخبار عاجلة · سوريا\n<b>زلزال في حلب</b>")
					r.Description = "وكالة الخبر · الآن"
					kb := tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("🧭 كيف نقلتها المصادر", "icmp:1.x")))
					r.ReplyMarkup = &kb
					_, _ = api.Request(tgbotapi.InlineConfig{InlineQueryID: u.InlineQuery.ID, Results: []any{r}, CacheTime: 30})
				case u.InlineQuery != nil:
					_, _ = api.Request(tgbotapi.InlineConfig{InlineQueryID: u.InlineQuery.ID, Results: []any{},
						SwitchPMText: "لا أخبار تطابق بحثك", SwitchPMParameter: "inline"})
				case u.CallbackQuery != nil && u.CallbackQuery.InlineMessageID != "":
					_, _ = api.Request(tgbotapi.EditMessageTextConfig{BaseEdit: tgbotapi.BaseEdit{InlineMessageID: u.CallbackQuery.InlineMessageID},
						Text: "🧭 <b>كيف نقلتها المصادر</b> · مصدران", ParseMode: tgbotapi.ModeHTML})
					_, _ = api.Request(tgbotapi.NewCallback(u.CallbackQuery.ID, ""))
				}
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		f.tg.Close()
		<-done
	})
}

// The page emulates Telegram's inline picker as a list: "@bot words"
// brings the bot's answer, a pick posts the story into the chat "via
// @bot", and its buttons are pressed as an inline message's are.
func TestInlinePickerAsAList(t *testing.T) {
	f := newFixture(t)
	inlineBot(t, f)
	bot := "@" + f.tg.Bot().Username

	if code, out := f.post(t, "/demo/api/inline", `{"text":"/start"}`, nil); code != http.StatusOK || out["inline"] != false {
		t.Errorf("not an inline query: %d %v", code, out)
	}
	code, out := f.post(t, "/demo/api/inline", `{"text":"`+bot+` كسوف"}`, nil)
	if code != http.StatusOK || out["inline"] != true || len(out["results"].([]any)) != 0 || out["button"] != "لا أخبار تطابق بحثك" {
		t.Errorf("nothing found: %d %v", code, out)
	}
	code, out = f.post(t, "/demo/api/inline", `{"text":"`+bot+` زلزال"}`, nil)
	results, _ := out["results"].([]any)
	if code != http.StatusOK || len(results) != 1 {
		t.Fatalf("inline: %d %v", code, out)
	}
	first := results[0].(map[string]any)
	if first["id"] != "s1" || first["title"] != "زلزال في حلب" || first["description"] != "وكالة الخبر · الآن" {
		t.Errorf("result %v", first)
	}
	if code, out := f.post(t, "/demo/api/choose", `{"query_id":"`+out["query_id"].(string)+`","result_id":"nope"}`, nil); code != http.StatusBadRequest {
		t.Errorf("a result that is not there: %d %v", code, out)
	}
	if code, out := f.post(t, "/demo/api/choose", `{"query_id":"`+out["query_id"].(string)+`","result_id":"s1"}`, nil); code != http.StatusOK {
		t.Fatalf("choose: %d %v", code, out)
	}
	es := f.waitEntries(t, "the story posted via the bot", func(es []demo.Entry) bool {
		_, ok := findEntry(es, func(e demo.Entry) bool { return e.Via != "" })
		return ok
	})
	posted, _ := findEntry(es, func(e demo.Entry) bool { return e.Via != "" })
	if posted.From != "user" || posted.Via != f.tg.Bot().Username || posted.Inline == "" || !posted.Push ||
		len(posted.Keyboard) != 1 || posted.Keyboard[0][0].Data != "icmp:1.x" {
		t.Fatalf("posted %+v", posted)
	}
	if code, out := f.post(t, "/demo/api/press", `{"message_id":`+itoa(int64(posted.ID))+`,"data":"icmp:1.x"}`, nil); code != http.StatusOK {
		t.Fatalf("press: %d %v", code, out)
	}
	f.waitEntries(t, "the comparison in its place", func(es []demo.Entry) bool {
		e, ok := findEntry(es, func(e demo.Entry) bool { return e.ID == posted.ID })
		return ok && strings.Contains(e.Text, "كيف نقلتها المصادر") && e.Edited
	})
}
