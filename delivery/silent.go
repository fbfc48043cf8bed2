package delivery

import (
	"time"

	"github.com/ajel-news/ajel/news"
)

// nonBreakingRings says whether a story that is not breaking rings outside
// quiet hours. The product rule is "breaking pushes carry 🔴 and sound;
// others are sent with disable_notification", so it does not; turning it on
// would leave quiet hours as the only thing that silences ordinary stories.
const nonBreakingRings = false

// Silent reports whether p goes out without sound (Telegram's
// disable_notification). The rules, in order:
//
//   - breaking news always rings, even during the chat's quiet hours;
//   - during quiet hours q (read in loc, UTC when nil, at now) nothing
//     else rings;
//   - outside quiet hours, non-breaking stories are silent too.
//
// So today a push rings exactly when it is breaking; quiet hours matter
// only if ordinary stories are ever allowed to ring.
func Silent(p news.Push, q news.QuietHours, now time.Time, loc *time.Location) bool {
	if p.Breaking {
		return false
	}
	if loc == nil {
		loc = time.UTC
	}
	if q.Contains(now.In(loc).Hour()) {
		return true
	}
	return !nonBreakingRings
}
