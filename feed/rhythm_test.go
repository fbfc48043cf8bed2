package feed_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/ajel-news/ajel/feed"
	"github.com/ajel-news/ajel/news"
)

// Each test here replays a feed through the real poller on a simulated
// clock (see replay) with POLL_INTERVAL=1m and POLL_INTERVAL_MAX=15m, and
// checks what a reader would notice: how long after its publication an
// item was found, and how often the source was asked.

const (
	shortest = time.Minute
	longest  = 15 * time.Minute
)

// fixedPerDay is how many requests a day polling at the shortest makes.
const fixedPerDay = float64(day / shortest)

// A feed published in the day only, whatever its dates say (right, none,
// all in the future, all the same): while it is learnt (its first week,
// less when its dates reach back) it is polled every POLL_INTERVAL; by its
// third week still every item is found within POLL_INTERVAL, while the
// night hours are asked far less.
func TestRhythmWhateverTheDates(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC) // a Monday
	end := start.Add(3 * week)
	dates := publishing(start.Add(-2*day+17*time.Second), end, 20*time.Minute, 8, 16)
	stamp := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	feeds := []simFeed{
		{name: "dated", published: dates},
		{name: "undated", published: dates, show: func(time.Time) (time.Time, bool) { return time.Time{}, false }},
		{name: "future", published: dates, show: func(at time.Time) (time.Time, bool) { return at.Add(48 * time.Hour), true }},
		{name: "identical", published: dates, show: func(time.Time) (time.Time, bool) { return stamp, true }},
	}
	got := replay(t, &memReplayStore{}, feeds, start, end, shortest, longest)
	for _, f := range feeds {
		first, third := got[f.name].window(start, start.Add(5*day)), got[f.name].window(start.Add(2*week), end)
		t.Logf("%s: learning %s; week 3 %s", f.name, first, third)
		if len(first.delays) == 0 || len(third.delays) == 0 {
			t.Fatalf("%s: nothing found (%d, %d)", f.name, len(first.delays), len(third.delays))
		}
		if first.worst() > shortest || third.worst() > shortest {
			t.Errorf("%s: items found up to %s after publication while learning, %s in week 3; want within %s",
				f.name, first.worst(), third.worst(), shortest)
		}
		if first.perDay() < fixedPerDay {
			t.Errorf("%s: %.0f requests a day while learning, want the shortest interval's %.0f", f.name, first.perDay(), fixedPerDay)
		}
		if third.perDay() > 0.6*fixedPerDay {
			t.Errorf("%s: %.0f requests a day in week 3, want far fewer than %.0f (it is silent 16 hours a day)", f.name, third.perDay(), fixedPerDay)
		}
	}
}

// A feed that publishes once a month, at 10:00 on the 1st: after its
// first week it is asked about every POLL_INTERVAL_MAX; its item is found
// within that, and the poll that finds it brings the feed back to
// POLL_INTERVAL at once.
func TestRhythmOnceAMonth(t *testing.T) {
	t.Parallel()
	var dates []time.Time
	for m := time.September; m <= time.December; m++ {
		dates = append(dates, time.Date(2026, m, 1, 10, 0, 0, 0, time.UTC))
	}
	dates = append(dates, time.Date(2027, time.January, 1, 10, 0, 0, 0, time.UTC))
	start := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	end := time.Date(2027, 1, 1, 10, 20, 0, 0, time.UTC)
	store := &memReplayStore{}
	got := replay(t, store, []simFeed{{name: "monthly", published: dates}}, start, end, shortest, longest)["monthly"]
	quiet := got.window(start.Add(week+day), time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC))
	t.Logf("a month with nothing: %s", quiet)
	if quiet.perDay() > 2*float64(day/longest) {
		t.Errorf("%.0f requests a day in a month with nothing, want about %.0f", quiet.perDay(), float64(day/longest))
	}
	for _, at := range dates[3:] {
		w := got.window(at, at.Add(time.Hour))
		if len(w.delays) != 1 || w.worst() > longest {
			t.Errorf("the item of %s found after %v, want within %s", at.Format("2006-01-02"), w.delays, longest)
		}
	}
	f := store.get(t, 1)
	if f.Interval != shortest || f.PollReason != news.PollRecent {
		t.Errorf("after finding the item: every %s (%s), want %s (%s)", f.Interval, f.PollReason, shortest, news.PollRecent)
	}
}

// A feed that published at night for three weeks and then moves to the
// day: the first day item is found within POLL_INTERVAL_MAX (that hour
// had been silent for weeks), every later one within POLL_INTERVAL; a
// week on, its day hours are polled at the shortest from their start,
// and the night hours it left are asked less again.
func TestRhythmNightToDay(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	change := start.Add(3 * week)
	end := change.Add(3 * week)
	dates := append(publishing(start.Add(-day+17*time.Second), change, 20*time.Minute, 0, 6),
		publishing(change.Add(17*time.Second), end, 20*time.Minute, 10, 16)...)
	got := replay(t, &memReplayStore{}, []simFeed{{name: "moved", published: dates}}, start, end, shortest, longest)["moved"]

	firstDay := got.window(change, change.Add(day))
	if len(firstDay.delays) != 18 || firstDay.worst() > longest || firstDay.quantile(float64(17)/18) > shortest {
		t.Errorf("first day after the change, delays %v: want the first within %s and the rest within %s", firstDay.delays, longest, shortest)
	}
	later := got.window(change.Add(week), end)
	if later.worst() > shortest {
		t.Errorf("a week after the change an item waited %s, want within %s", later.worst(), shortest)
	}
	before, after := got.window(change.Add(-week), change), got.window(end.Add(-week), end)
	t.Logf("week before the change %s; first day after %s; third week after %s", before, firstDay, after)
	if before.perDay() > 0.6*fixedPerDay || after.perDay() > 0.6*fixedPerDay {
		t.Errorf("requests a day: %.0f the week before the change, %.0f the third week after; want both well under %.0f",
			before.perDay(), after.perDay(), fixedPerDay)
	}
}

// Daylight saving moves an outlet's working day by an hour of UTC (here
// 07:00–19:00 UTC in winter, 06:00–18:00 in summer, as in London): the
// rhythm is kept in UTC hours, the hours either side of a usual one count
// as usual, and any item brings the shortest back, so nothing waits
// longer than POLL_INTERVAL across the change.
func TestRhythmAcrossDaylightSaving(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	change := time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC)
	end := time.Date(2026, 4, 12, 0, 0, 0, 0, time.UTC)
	dates := append(publishing(start.Add(-day+17*time.Second), change, 20*time.Minute, 7, 19),
		publishing(change.Add(17*time.Second), end, 20*time.Minute, 6, 18)...)
	got := replay(t, &memReplayStore{}, []simFeed{{name: "london", published: dates}}, start, end, shortest, longest)["london"]
	for _, w := range []struct {
		name     string
		from, to time.Time
	}{
		{"the week before", change.Add(-week), change},
		{"the day of the change", change, change.Add(day)},
		{"the two weeks after", change, end},
	} {
		r := got.window(w.from, w.to)
		if len(r.delays) == 0 || r.worst() > shortest {
			t.Errorf("%s: %d items, the latest found %s after publication; want within %s", w.name, len(r.delays), r.worst(), shortest)
		}
	}
}

// An operator's breaking source is polled at the shortest at every hour,
// even one in which it has not published for weeks.
func TestRhythmBreakingFeed(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	end := start.Add(2 * week)
	dates := publishing(start.Add(-day+17*time.Second), end, 3*time.Hour, 9, 10) // 09:00 daily
	dates = append(dates, start.Add(week+day+3*time.Hour))                       // and once at 03:00
	store := &memReplayStore{}
	got := replay(t, store, []simFeed{{name: "urgent", published: dates, breaking: true}, {name: "usual", published: dates}},
		start, end, shortest, longest)
	for name, want := range map[string]time.Duration{"urgent": shortest, "usual": longest} {
		second := got[name].window(start.Add(week), end)
		if w := second.worst(); w > want {
			t.Errorf("%s: an item found %s after publication, want within %s", name, w, want)
		}
		if name == "urgent" && second.perDay() < 0.99*fixedPerDay {
			t.Errorf("breaking: %.0f requests a day, want %.0f", second.perDay(), fixedPerDay)
		}
	}
	if f := store.get(t, 1); f.PollReason != news.PollBreaking || f.Interval != shortest {
		t.Errorf("breaking feed: %s every %s", f.PollReason, f.Interval)
	}
	if f := store.get(t, 2); f.PollReason != news.PollQuiet {
		t.Errorf("the same feed not breaking: %s every %s, want a quiet hour", f.PollReason, f.Interval)
	}
}

func (r replayResult) String() string {
	return fmt.Sprintf("%d items, p95 %s, max %s, %.0f requests a day", len(r.delays), r.quantile(0.95), r.worst(), r.perDay())
}

// LongestGap: how long a feed usually goes without an item at most, by
// the rhythm it was taught.
func TestLongestGap(t *testing.T) {
	start := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC) // a Monday
	teach := func(hours ...int) news.Rhythm {
		var r news.Rhythm
		prev := time.Time{}
		// Two weeks of items at these UTC hours of every day.
		for d := range 14 {
			for _, h := range hours {
				at := start.Add(time.Duration(d)*day + time.Duration(h)*time.Hour + 5*time.Minute)
				feed.Learn(&r, []news.Article{{PublishedAt: at}}, prev, at.Add(time.Minute), 1)
				prev = at.Add(time.Minute)
			}
		}
		return r
	}
	now := start.Add(14*day + time.Hour)
	for _, tc := range []struct {
		name  string
		hours []int
		want  time.Duration
	}{
		// 08–10 usual (the hour either side of 9): 21 quiet hours, then 08.
		{"once a day at 9", []int{9}, 22 * time.Hour},
		{"every hour", []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23}, time.Hour},
		// 06–18 usual: 19..05 quiet, 11 hours, then 06.
		{"day hours", []int{7, 10, 13, 17}, 12 * time.Hour},
	} {
		r := teach(tc.hours...)
		if got := feed.LongestGap(&r, now); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
	// A new feed, or one that has not published for weeks: nothing known.
	r := teach(9)
	r.Since = now.Add(-3 * day)
	if got := feed.LongestGap(&r, now); got != 0 {
		t.Errorf("a feed being learnt: %s, want 0", got)
	}
	r = teach(9)
	if got := feed.LongestGap(&r, now.Add(8*week)); got != 0 {
		t.Errorf("a feed silent for eight weeks: %s, want 0 (no usual hour left)", got)
	}
}
