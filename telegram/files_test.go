package telegram_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/ajel-news/ajel/bot/telegramtest"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/telegram"
)

// A document a user sends is found with getFile and downloaded from the
// file address Telegram derives from the endpoint; a document the bot
// sends is a multipart upload.
func TestFilesBothWays(t *testing.T) {
	srv := telegramtest.NewTest(t, token)
	chat, user := telegramtest.PrivateChat(100), telegramtest.NewUser(100, "Admin")
	data := []byte(`<opml version="2.0"><body/></opml>`)
	srv.SendDocument(chat, user, telegramtest.Document{FileName: "feeds.opml", MimeType: "text/x-opml", Data: data}, "")
	c := newClient(t, srv.Endpoint())
	var u []telegram.Update
	err := c.Call(t.Context(), "getUpdates", nil, &u)
	if err != nil || len(u) != 1 || u[0].Message == nil || u[0].Message.Document == nil {
		t.Fatalf("updates = %+v, %v; want one message with a document", u, err)
	}
	doc := u[0].Message.Document
	if doc.FileName != "feeds.opml" || doc.FileSize != len(data) {
		t.Errorf("document = %+v", doc)
	}
	f, err := c.GetFile(t.Context(), doc.FileID)
	if err != nil || f.Path == "" || f.Size != int64(len(data)) {
		t.Fatalf("getFile = %+v, %v", f, err)
	}
	got, err := c.Download(t.Context(), f, 1<<20)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("download = %q, %v", got, err)
	}
	if _, err := c.Download(t.Context(), f, 10); !errors.Is(err, telegram.ErrFileTooLarge) {
		t.Errorf("a file over the bound: %v, want ErrFileTooLarge", err)
	}
	_, err = c.Download(t.Context(), telegram.File{Path: "documents/none.opml"}, 1<<20)
	var te *telegram.Error
	if !errors.As(err, &te) || te.Code != 404 || strings.Contains(err.Error(), token) {
		t.Errorf("a missing file: %v, want a 404 without the token", err)
	}
	if _, err := c.GetFile(t.Context(), "no-such-file"); !errors.As(err, &te) || !te.BadRequest() {
		t.Errorf("an unknown file id: %v", err)
	}

	id, err := c.SendDocument(t.Context(), telegram.Document{To: news.Target{ChatID: chat.ID}, Name: "ajel-feeds.opml", Data: data, Caption: "<b>المصادر</b>"})
	if err != nil || id == 0 {
		t.Fatalf("sendDocument = %d, %v", id, err)
	}
	m, ok := srv.LastSent(chat.ID)
	if !ok || m.Document == nil || m.Document.FileName != "ajel-feeds.opml" || !bytes.Equal(m.Document.Data, data) || m.PlainText != "المصادر" {
		t.Errorf("sent = %+v", m)
	}
}
