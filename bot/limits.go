package bot

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// chatLimiter is a token bucket per user within a chat, so one member
// flooding commands slows neither the other chats nor the other members
// of a group; an admin's settings commands (command.settings) draw on a
// bucket of their own.
type chatLimiter struct {
	mu    sync.Mutex
	rate  rate.Limit
	burst int
	chats map[bucketKey]*chatBucket
}

// bucketKey names one bucket: a user's in a chat (in a private chat the
// user is the chat), and apart from it, when the user may change the
// chat, that user's settings commands.
type bucketKey struct {
	chat, user int64
	settings   bool
}

type chatBucket struct {
	lim    *rate.Limiter
	warned bool // told to slow down; silent until the bucket recovers
	last   time.Time
}

func newChatLimiter(r rate.Limit, burst int) *chatLimiter {
	return &chatLimiter{rate: r, burst: burst, chats: map[bucketKey]*chatBucket{}}
}

// verdict of the limiter for one update.
type verdict int

const (
	allow verdict = iota
	warnOnce
	drop
)

func (l *chatLimiter) check(key bucketKey, now time.Time) verdict {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.chats[key]
	if c == nil {
		if len(l.chats) >= 10000 {
			l.sweep(now)
		}
		c = &chatBucket{lim: rate.NewLimiter(l.rate, l.burst)}
		l.chats[key] = c
	}
	c.last = now
	if c.lim.AllowN(now, 1) {
		// One token back is not recovery: a chat that keeps flooding
		// gets one answer a second and no notice after each.
		if c.lim.TokensAt(now) >= float64(l.burst)/2 {
			c.warned = false
		}
		return allow
	}
	if c.warned {
		return drop
	}
	c.warned = true
	return warnOnce
}

// sweep forgets chats quiet long enough for their bucket to be full again.
func (l *chatLimiter) sweep(now time.Time) {
	full := time.Duration(float64(l.burst)/float64(l.rate)*float64(time.Second)) + time.Second
	for id, c := range l.chats {
		if now.Sub(c.last) > full {
			delete(l.chats, id)
		}
	}
}

// adminCache remembers whether a user administers a group for a while, so
// a burst of button presses costs one getChatMember.
type adminCache struct {
	mu  sync.Mutex
	ttl time.Duration
	m   map[[2]int64]adminEntry
}

type adminEntry struct {
	admin bool
	at    time.Time
}

func newAdminCache(ttl time.Duration) *adminCache {
	return &adminCache{ttl: ttl, m: map[[2]int64]adminEntry{}}
}

func (c *adminCache) get(chatID, userID int64, now time.Time) (admin, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[[2]int64{chatID, userID}]
	if !ok || now.Sub(e.at) > c.ttl || now.Before(e.at) {
		return false, false
	}
	return e.admin, true
}

func (c *adminCache) put(chatID, userID int64, admin bool, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= 10000 {
		for k, e := range c.m {
			if now.Sub(e.at) > c.ttl {
				delete(c.m, k)
			}
		}
	}
	c.m[[2]int64{chatID, userID}] = adminEntry{admin: admin, at: now}
}
