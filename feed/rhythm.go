package feed

import (
	"math"
	"time"

	"github.com/ajel-news/ajel/news"
)

// A feed's rhythm: when it usually publishes, by UTC hour of the week,
// learnt from the dates of its items (see news.Rhythm). UTC throughout:
// the operator's TIMEZONE is never read here, and a daylight-saving change
// moves an outlet's habits by one UTC hour, which the neighbouring hours
// cover (see Usual).
const (
	// LearnRhythmFor is how long a new feed is polled at the shortest
	// before any hour of the week can be judged quiet: one of each.
	LearnRhythmFor = 7 * 24 * time.Hour
	// rhythmHalfLife is how fast what was learnt fades: an item counts
	// half a week later, a quarter two weeks later.
	rhythmHalfLife = 7 * 24 * time.Hour
	// rhythmMemory bounds how old a date may be and still be counted.
	rhythmMemory = 4 * 7 * 24 * time.Hour
	// maxDateAhead is how far in the future a date may be and still be
	// counted (as the moment it was found): a clock a little fast.
	maxDateAhead = time.Hour
	// activeAfterPublishing is how long after it published a feed stays
	// at the shortest, whatever the hour: news comes in bursts.
	activeAfterPublishing = time.Hour
	// usualNear is the weight, in an hour of the week or an hour either
	// side, that makes it usual: an item within the last two weeks (an
	// hour weighs 1 when it saw an item, 0.5 a week later, 0.25 two weeks
	// later).
	usualNear = 0.25
	// usualDaily is the weight, at the same hour on all seven days
	// together, that makes an hour usual every day: a daily habit, such as
	// items on two days of the last week at that hour, or on four days of
	// the week before.
	usualDaily = 2.0
)

// hourOfWeek is t's hour of the week in UTC, Sunday 00:00 being 0.
func hourOfWeek(t time.Time) int {
	t = t.UTC()
	return int(t.Weekday())*24 + t.Hour()
}

// fade is how much of a weight as it stood at r.DecayedAt is left at t.
func fade(r *news.Rhythm, t time.Time) float64 {
	if r.DecayedAt.IsZero() || !t.After(r.DecayedAt) {
		return 1
	}
	return math.Exp2(-float64(t.Sub(r.DecayedAt)) / float64(rhythmHalfLife))
}

// Learn teaches r the dates of a poll's items. prev is the feed's last
// successful poll before this one (zero for its first), now this poll,
// found how many items the handler took as new. Only dates newer than
// any counted before are counted, each in the hour it was published, but
// never before prev (it was not there then) nor after now. A date
// missing, far in the future, the same as one counted already, or more
// than four weeks old is not used; when a poll found something new and
// no date could be counted, the moment it was found is. A feed's first
// poll sets since when it is known: its oldest date counted (or now).
func Learn(r *news.Rhythm, items []news.Article, prev, now time.Time, found int) {
	first := r.Since.IsZero()
	since := now
	newest := r.Newest
	counted := 0
	count := func(at time.Time) {
		if counted == 0 {
			f := float32(fade(r, now))
			for i := range r.Weights {
				r.Weights[i] *= f
			}
			r.DecayedAt = now
		}
		counted++
		// An hour weighs 1 when it sees an item, less for an item found
		// late (a first poll's older dates).
		h := hourOfWeek(at)
		r.Weights[h] = max(r.Weights[h], float32(math.Exp2(-float64(now.Sub(at))/float64(rhythmHalfLife))))
		if at.After(r.LastPublished) {
			r.LastPublished = at
		}
		if at.Before(since) {
			since = at
		}
	}
	for _, it := range items {
		d := it.PublishedAt
		if d.IsZero() || d.After(now.Add(maxDateAhead)) || d.Before(now.Add(-rhythmMemory)) || !d.After(r.Newest) {
			continue
		}
		at := d
		if at.After(now) {
			at = now
		}
		if !prev.IsZero() && at.Before(prev) {
			at = prev
		}
		count(at)
		if d.After(newest) {
			newest = d
		}
	}
	r.Newest = newest
	if counted == 0 && found > 0 {
		count(now)
	}
	if first {
		r.Since = since
	}
}

// Usual reports whether a feed usually publishes in the hour of t, by
// its rhythm: it published in the same hour of the week, or the hour
// before or after it, within the last two weeks; or it publishes at that
// hour of the day on most days. An hour that is not usual is quiet.
func Usual(r *news.Rhythm, t time.Time) bool { return usualHour(r, hourOfWeek(t), fade(r, t)) }

// usualHour is Usual for hour h of the week, the weights faded by f.
func usualHour(r *news.Rhythm, h int, f float64) bool {
	w := func(i int) float64 { return float64(r.Weights[(i+news.HoursPerWeek)%news.HoursPerWeek]) }
	if max(w(h-1), w(h), w(h+1))*f >= usualNear {
		return true
	}
	daily := 0.0
	for day := range 7 {
		daily += w(day*24 + h%24)
	}
	return daily*f >= usualDaily
}

// LongestGap is how long a feed usually goes without publishing at most,
// by its rhythm: the longest run of quiet hours of the week (see Usual)
// between its usual ones, plus the hour that ends it. It is 0 while the
// feed is being learnt (its first week) or when no hour of the week is
// usual any more: the rhythm then says nothing.
func LongestGap(r *news.Rhythm, now time.Time) time.Duration {
	if r.Since.IsZero() || now.Sub(r.Since) < LearnRhythmFor {
		return 0
	}
	// Every hour of the week as the rhythm stands now.
	f := fade(r, now)
	var usual [news.HoursPerWeek]bool
	first := -1
	for h := range news.HoursPerWeek {
		if usual[h] = usualHour(r, h, f); usual[h] && first < 0 {
			first = h
		}
	}
	if first < 0 {
		return 0
	}
	longest, run := 0, 0
	// Walk the week once, starting at a usual hour, so a run that wraps
	// around the week's end is counted whole.
	for k := 1; k <= news.HoursPerWeek; k++ {
		if usual[(first+k)%news.HoursPerWeek] {
			longest, run = max(longest, run), 0
			continue
		}
		run++
	}
	return time.Duration(longest+1) * time.Hour
}
