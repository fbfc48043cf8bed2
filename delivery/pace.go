package delivery

import (
	"time"

	"github.com/ajel-news/ajel/news"
)

// pacer keeps Telegram's per-chat limits: interval between two messages
// into any chat, and at most groupMax a rolling minute into a group. It
// remembers only chats it sent to in the last minute.
type pacer struct {
	interval time.Duration
	groupMax int
	chats    map[int64]*chatPace
}

type chatPace struct {
	last time.Time
	// recent holds up to groupMax send times of the last minute, oldest
	// first; kept for group-like chats only.
	recent []time.Time
}

func newPacer(interval time.Duration, groupMax int) *pacer {
	return &pacer{interval: interval, groupMax: groupMax, chats: map[int64]*chatPace{}}
}

// perMinuteLimited reports whether Telegram's 20-a-minute rule applies.
// Channels are counted with groups to be safe.
func perMinuteLimited(t news.ChatType) bool {
	return t == news.ChatGroup || t == news.ChatSupergroup || t == news.ChatChannel
}

// readyAt is the earliest time a message may go into the chat; the zero
// time when nothing holds it back.
func (p *pacer) readyAt(chatID int64, typ news.ChatType) time.Time {
	c := p.chats[chatID]
	if c == nil {
		return time.Time{}
	}
	t := c.last.Add(p.interval)
	if perMinuteLimited(typ) && len(c.recent) >= p.groupMax {
		if g := c.recent[len(c.recent)-p.groupMax].Add(time.Minute); g.After(t) {
			t = g
		}
	}
	return t
}

// spacing is the average gap between messages a chat can take at full pace.
func (p *pacer) spacing(typ news.ChatType) time.Duration {
	if perMinuteLimited(typ) {
		return max(p.interval, time.Minute/time.Duration(p.groupMax))
	}
	return p.interval
}

// record notes a message sent (or attempted: Telegram counts those too)
// into the chat at at.
func (p *pacer) record(chatID int64, typ news.ChatType, at time.Time) {
	c := p.chats[chatID]
	if c == nil {
		c = &chatPace{}
		p.chats[chatID] = c
	}
	if at.After(c.last) {
		c.last = at
	}
	if !perMinuteLimited(typ) {
		c.recent = nil
		return
	}
	c.recent = append(c.recent, at)
	drop := 0
	for drop < len(c.recent) && (len(c.recent)-drop > p.groupMax || !c.recent[drop].After(at.Add(-time.Minute))) {
		drop++
	}
	c.recent = append(c.recent[:0], c.recent[drop:]...)
}

// forget drops a chat that is gone (blocked the bot, or moved to a new id).
func (p *pacer) forget(chatID int64) { delete(p.chats, chatID) }

// prune forgets chats that nothing holds back any more.
func (p *pacer) prune(now time.Time) {
	for id, c := range p.chats {
		if d := now.Sub(c.last); d >= time.Minute && d >= p.interval {
			delete(p.chats, id)
		}
	}
}
