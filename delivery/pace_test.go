package delivery

import (
	"testing"
	"time"

	"github.com/ajel-news/ajel/news"
)

func TestPacerStaysBounded(t *testing.T) {
	p := newPacer(time.Second, 20)
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for id := range int64(1000) {
		p.record(id, news.ChatPrivate, t0)
	}
	for range 100 {
		p.record(-1, news.ChatGroup, t0)
	}
	if n := len(p.chats[-1].recent); n != 20 {
		t.Errorf("group keeps %d send times, want 20", n)
	}
	p.record(7, news.ChatPrivate, t0.Add(30*time.Second))
	p.prune(t0.Add(61 * time.Second))
	if len(p.chats) != 1 || p.chats[7] == nil {
		t.Errorf("after prune the pacer remembers %d chats, want only the recent one", len(p.chats))
	}
}

func TestPacerReadyAt(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	p := newPacer(time.Second, 3)
	if at := p.readyAt(1, news.ChatPrivate); !at.IsZero() {
		t.Errorf("unknown chat ready at %s", at)
	}
	p.record(1, news.ChatPrivate, t0)
	if at := p.readyAt(1, news.ChatPrivate); !at.Equal(t0.Add(time.Second)) {
		t.Errorf("private chat ready at %s", at)
	}
	for i := range 3 {
		p.record(-1, news.ChatGroup, t0.Add(time.Duration(i)*2*time.Second))
	}
	if at := p.readyAt(-1, news.ChatGroup); !at.Equal(t0.Add(time.Minute)) {
		t.Errorf("full group ready at %s, want a minute after its first send", at)
	}
	if s := p.spacing(news.ChatGroup); s != 20*time.Second {
		t.Errorf("group spacing %s", s)
	}
}
