package delivery

import (
	"time"

	"github.com/ajel-news/ajel/news"
)

// Silent reports whether p goes out without sound (Telegram's
// disable_notification). During the chat's quiet hours q (read in loc,
// UTC when nil, at now) nothing rings, breaking news neither (the other
// stories are held for the digest at their end, see QuietEnd). Outside
// them the chat's ring mode decides: breaking news only (the default),
// every story, or nothing.
func Silent(p news.Push, q news.QuietHours, rings news.RingMode, now time.Time, loc *time.Location) bool {
	if loc == nil {
		loc = time.UTC
	}
	if q.Contains(now.In(loc).Hour()) {
		return true
	}
	switch rings {
	case news.RingAll:
		return false
	case news.RingNone:
		return true
	}
	return !p.Breaking
}

// QuietEnd is when the chat's quiet hours q, in which now falls, end: the
// next q.To o'clock in loc (UTC when nil), the local day's own offset
// applied, so a window across a daylight-saving change still ends at the
// right local hour. The zero time when now is not in q.
func QuietEnd(q news.QuietHours, now time.Time, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	local := now.In(loc)
	if !q.Contains(local.Hour()) {
		return time.Time{}
	}
	end := time.Date(local.Year(), local.Month(), local.Day(), q.To, 0, 0, 0, loc)
	if !end.After(local) {
		end = time.Date(local.Year(), local.Month(), local.Day()+1, q.To, 0, 0, 0, loc)
	}
	return end
}
