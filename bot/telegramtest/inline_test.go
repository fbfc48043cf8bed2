package telegramtest_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/ajel-news/ajel/bot/telegramtest"
)

// An inline query reaches the bot by getUpdates, its answer is checked as
// Telegram checks it, the chosen result is posted into the chat with its
// inline_message_id, the bot edits it by that id, and a button under it
// sends a callback query without the message.
func TestInlineMode(t *testing.T) {
	clock := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	srv, bot := newBot(t, telegramtest.WithClock(func() time.Time { return clock }))
	group := telegramtest.Supergroup(-1001234, "أصدقاء")
	u := srv.SendInlineQuery(reader, "حلب", "supergroup")
	ups, err := bot.GetUpdates(tgbotapi.UpdateConfig{Timeout: 1})
	if err != nil || len(ups) != 1 || ups[0].InlineQuery == nil || ups[0].InlineQuery.ID != u.InlineQueryID ||
		ups[0].InlineQuery.Query != "حلب" || ups[0].InlineQuery.From.ID != reader.ID {
		t.Fatalf("updates %+v, %v", ups, err)
	}
	answer := func(id string, results []map[string]any, extra map[string]string) error {
		b, _ := json.Marshal(results)
		p := tgbotapi.Params{"inline_query_id": id, "results": string(b)}
		for k, v := range extra {
			p[k] = v
		}
		_, err := bot.MakeRequest("answerInlineQuery", p)
		return err
	}
	article := func(id, title, text string) map[string]any {
		return map[string]any{"type": "article", "id": id, "title": title,
			"input_message_content": map[string]any{"message_text": text, "parse_mode": "HTML"},
			"reply_markup":          map[string]any{"inline_keyboard": [][]map[string]any{{{"text": "زر", "callback_data": "x:1"}, {"text": "📤", "switch_inline_query": "حلب"}}}}}
	}
	for _, tc := range []struct {
		name    string
		results []map[string]any
		extra   map[string]string
		want    string
	}{
		{"an id over 64 bytes", []map[string]any{article(strings.Repeat("a", 65), "t", "x")}, nil, "RESULT_ID_INVALID"},
		{"an id twice", []map[string]any{article("a", "t", "x"), article("a", "t", "y")}, nil, "RESULT_ID_DUPLICATE"},
		{"no title", []map[string]any{article("a", "", "x")}, nil, "RESULT_TITLE_EMPTY"},
		{"a text over 4096", []map[string]any{article("a", "t", strings.Repeat("ب", 4097))}, nil, "message is too long"},
		{"broken HTML", []map[string]any{article("a", "t", "<b>x")}, nil, "can't parse entities"},
		{"a bad start parameter", nil, map[string]string{"button": `{"text":"افتح","start_parameter":"a b"}`}, "START_PARAM_INVALID"},
		{"51 results", make([]map[string]any, 51), nil, "RESULTS_TOO_MUCH"},
	} {
		if err := answer(u.InlineQueryID, tc.results, tc.extra); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.want)
		}
	}
	if _, ok := srv.InlineAnswer(u.InlineQueryID); ok {
		t.Fatal("a refused answer was recorded")
	}
	if err := answer(u.InlineQueryID, []map[string]any{article("s1", "زلزال", "<b>زلزال</b> في حلب")},
		map[string]string{"cache_time": "30", "button": `{"text":"افتح","start_parameter":"inline"}`}); err != nil {
		t.Fatal(err)
	}
	got, ok := srv.InlineAnswer(u.InlineQueryID)
	if !ok || len(got.Results) != 1 || got.CacheTime != 30 || got.Button == nil || got.Button.StartParameter != "inline" ||
		got.Results[0].PlainText != "زلزال في حلب" || *got.Results[0].Keyboard[0][1].SwitchInlineQuery != "حلب" {
		t.Fatalf("answer %+v", got)
	}
	if err := answer(u.InlineQueryID, nil, nil); err == nil || !strings.Contains(err.Error(), "query is too old") {
		t.Errorf("a second answer: %v", err)
	}
	late := srv.SendInlineQuery(reader, "x", "")
	clock = clock.Add(11 * time.Second)
	if err := answer(late.InlineQueryID, nil, nil); err == nil || !strings.Contains(err.Error(), "query is too old") {
		t.Errorf("an answer after 11 s: %v", err)
	}

	m, err := srv.ChooseInlineResult(group, u.InlineQueryID, "s1")
	if err != nil || m.InlineMessageID == "" || m.ChatID != group.ID || m.PlainText != "زلزال في حلب" {
		t.Fatalf("posted %+v, %v", m, err)
	}
	if _, err := bot.MakeRequest("editMessageText", tgbotapi.Params{"inline_message_id": m.InlineMessageID,
		"text": "<b>مقارنة</b>", "parse_mode": "HTML"}); err != nil {
		t.Fatal(err)
	}
	if m2, _ := srv.InlineMessage(m.InlineMessageID); m2.PlainText != "مقارنة" || m2.Edits != 1 || m2.Keyboard != nil {
		t.Errorf("after the edit %+v", m2)
	}
	for _, p := range []tgbotapi.Params{{"inline_message_id": "nope", "text": "x"}, {"inline_message_id": m.InlineMessageID, "chat_id": "5", "text": "x"}} {
		if _, err := bot.MakeRequest("editMessageText", p); err == nil || !strings.Contains(err.Error(), "MESSAGE_ID_INVALID") {
			t.Errorf("edit %v: %v", p, err)
		}
	}
	if len(srv.Sent(group.ID)) != 0 {
		t.Errorf("the inline message counts as the bot's own in the chat: %+v", srv.Sent(group.ID))
	}
	cb, err := srv.PressInlineButton(reader, m.InlineMessageID, "x:1")
	if err != nil {
		t.Fatal(err)
	}
	ups, err = bot.GetUpdates(tgbotapi.UpdateConfig{Offset: ups[0].UpdateID + 1, Timeout: 1})
	var q *tgbotapi.CallbackQuery
	for _, up := range ups {
		if up.CallbackQuery != nil {
			q = up.CallbackQuery
		}
	}
	if err != nil || q == nil || q.ID != cb.CallbackQueryID || q.Message != nil || q.InlineMessageID != m.InlineMessageID || q.Data != "x:1" {
		t.Fatalf("callback %+v, %v", q, err)
	}
	if _, err := srv.PressInlineButton(reader, "nope", "x"); err == nil {
		t.Error("pressed under a message that does not exist")
	}
}
