// Package alert tells admins in Telegram when something stopped, before
// readers notice: a feed failing for ALERT_AFTER, a feed silent for three
// times its longest usual gap, a feed whose article pages keep failing, a
// WebSub subscription failing, a message waiting in the outbox over ten
// minutes, the database over ALERT_DATABASE_SIZE.
//
// Each problem is told once when it starts and once when it ends. A
// check (every minute) compares what it sees with the problems it
// remembers in the database, and the change and the messages it makes
// are written together, so a restart neither tells a problem again nor
// forgets to tell its end. An open problem ends only after it has stayed
// away for Settle: a feed that recovers and fails again within minutes is
// one problem, not a storm. The problems that start (or end) at one check
// go in one message to each admin.
//
// Messages wait in their own outbox (storage's alert_messages) until
// Telegram takes them, each paced by the one rate budget as a reply: a
// 429 pauses them with everything else and they go in their turn, never
// lost; one is marked sent right after Telegram took it, so only a crash
// between the two can repeat it.
package alert

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"time"

	"github.com/ajel-news/ajel/feed"
	"github.com/ajel-news/ajel/news"
)

// Defaults and bounds.
const (
	// DefaultAfter is ALERT_AFTER's default.
	DefaultAfter = 6 * time.Hour
	// OutboxAfter is how long a message may wait in the outbox before
	// admins are told.
	OutboxAfter = 10 * time.Minute
	// DefaultSettle is how long an open problem must stay away before
	// its end is told.
	DefaultSettle = 30 * time.Minute
	// DefaultEvery is how often problems are looked for.
	DefaultEvery = time.Minute
	// SilentFactor times a feed's longest usual gap without an item makes
	// it silent.
	SilentFactor = 3
	// PagesInRow is how many article pages must fail in a row (for
	// ALERT_AFTER) before a feed's pages count as failing.
	PagesInRow = 3
	// sizeMargin: a database over its limit is back under it below this
	// share of the limit, so a file around the limit does not flap.
	sizeMargin = 0.95
	// keepSent is how long sent alert messages are kept.
	keepSent = 7 * 24 * time.Hour
	// sendBatch is how many messages one flush sends at most.
	sendBatch = 20
	// maxBackoff bounds the wait before a message is tried again after a
	// network or server error; it is tried until Telegram takes or
	// refuses it.
	maxBackoff = 30 * time.Minute
)

// Store is what the alerts keep and look at; *storage.DB implements it.
type Store interface {
	Feeds(ctx context.Context) ([]news.Feed, error)
	// OldestWaitingDelivery is when the oldest pending push that is not
	// held for a digest was queued (zero when none).
	OldestWaitingDelivery(ctx context.Context) (time.Time, error)
	AlertStates(ctx context.Context) ([]news.AlertState, error)
	// ApplyAlerts saves a check's outcome and its messages in one
	// transaction.
	ApplyAlerts(ctx context.Context, set []news.AlertState, drop []string, msgs []news.AlertMessage, now time.Time) error
	PendingAlertMessages(ctx context.Context, now time.Time, limit int) ([]news.AlertMessage, error)
	NextAlertMessageAt(ctx context.Context) (time.Time, error)
	MarkAlertSent(ctx context.Context, id int64, messageID int, at time.Time) error
	PostponeAlert(ctx context.Context, id int64, next time.Time, reason string, attempt bool) error
	MarkAlertFailed(ctx context.Context, id int64, reason string) error
	PruneAlertMessages(ctx context.Context, before time.Time) (int, error)
}

// Teller is who writes and sends alerts: the bot.
type Teller interface {
	// Admins are who alerts go to (ADMIN_IDS).
	Admins() []int64
	// AlertText is the message of the problems that started and ended at
	// one check made at now.
	AlertText(started, ended []news.Alert, now time.Time) string
	// SendAlert makes one attempt to send a message to an admin; a
	// refusal is a *news.SendError.
	SendAlert(ctx context.Context, chatID int64, html string) (int, error)
}

// Throttle is the one rate budget: alerts go as replies do, and a 429
// pauses everything; *delivery.Budget implements it.
type Throttle interface {
	WaitReply(ctx context.Context) error
	PauseFor(d time.Duration)
}

// Options tune a Watcher. Zero fields take the defaults noted.
type Options struct {
	// After is ALERT_AFTER (default DefaultAfter).
	After time.Duration
	// DatabaseSize is ALERT_DATABASE_SIZE in bytes (0: off);
	// DatabaseBytes says the database's size now.
	DatabaseSize  int64
	DatabaseBytes func() int64
	// Settle is how long an open problem must stay away before its end
	// is told (default DefaultSettle).
	Settle time.Duration
	// Every is how often Run checks (default DefaultEvery).
	Every time.Duration
	// Throttle paces the messages (nil: at once; tests).
	Throttle Throttle
	// Now and Sleep are the clock (default time.Now, time.After).
	Now   func() time.Time
	Sleep func(d time.Duration) <-chan time.Time
	// Logger receives the log (default: discarded).
	Logger *slog.Logger
}

// Watcher looks for problems and tells admins. Check and Flush may be
// called directly (tests); Run calls them on its clock.
type Watcher struct {
	store  Store
	teller Teller
	opt    Options
	log    *slog.Logger
}

// New returns a watcher of store telling through teller.
func New(store Store, teller Teller, opt Options) *Watcher {
	if opt.After <= 0 {
		opt.After = DefaultAfter
	}
	if opt.Settle <= 0 {
		opt.Settle = DefaultSettle
	}
	if opt.Every <= 0 {
		opt.Every = DefaultEvery
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Sleep == nil {
		opt.Sleep = time.After
	}
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Watcher{store: store, teller: teller, opt: opt, log: log}
}

// candidate is a problem a check sees, and how long it must have lasted
// (since its Since) before it is told.
type candidate struct {
	alert news.Alert
	delay time.Duration
}

func feedKey(kind news.AlertKind, id int64) string {
	return string(kind) + ":" + strconv.FormatInt(id, 10)
}

// look finds the problems there are now. Open problems (by key) are
// looked for with their own rule where it differs: a silent feed stays
// silent until it publishes, a database over its size until it is well
// under it.
func (w *Watcher) look(ctx context.Context, now time.Time, open map[string]news.AlertState) ([]candidate, map[int64]bool, error) {
	feeds, err := w.store.Feeds(ctx)
	if err != nil {
		return nil, nil, err
	}
	var out []candidate
	exists := make(map[int64]bool, len(feeds))
	for _, f := range feeds {
		exists[f.ID] = true
		base := news.Alert{FeedID: f.ID, Source: f.SourceName(), URL: f.URL}
		if f.Failures > 0 {
			a := base
			a.Key, a.Kind, a.Detail = feedKey(news.AlertFeedFailing, f.ID), news.AlertFeedFailing, f.LastError
			a.Since = f.LastSuccessAt
			if a.Since.IsZero() {
				a.Since = f.CreatedAt
			}
			out = append(out, candidate{a, w.opt.After})
		} else if a, ok := w.silent(f, base, now, open); ok {
			out = append(out, candidate{a, 0})
		}
		if f.Pages.InRow >= PagesInRow && !f.Pages.FailingSince.IsZero() {
			a := base
			a.Key, a.Kind, a.Detail, a.Since = feedKey(news.AlertPagesFailing, f.ID), news.AlertPagesFailing, f.LastPageError, f.Pages.FailingSince
			out = append(out, candidate{a, w.opt.After})
		}
		if f.WebSub.State == news.WebSubFailed {
			a := base
			a.Key, a.Kind, a.Detail = feedKey(news.AlertWebSubFailed, f.ID), news.AlertWebSubFailed, f.WebSub.Reason
			out = append(out, candidate{a, w.opt.After}) // since: when a check first saw it
		}
	}
	oldest, err := w.store.OldestWaitingDelivery(ctx)
	if err != nil {
		return nil, nil, err
	}
	if !oldest.IsZero() && now.Sub(oldest) >= OutboxAfter {
		out = append(out, candidate{news.Alert{Key: string(news.AlertOutboxStuck), Kind: news.AlertOutboxStuck, Since: oldest}, 0})
	}
	if limit := w.opt.DatabaseSize; limit > 0 && w.opt.DatabaseBytes != nil {
		size := w.opt.DatabaseBytes()
		bound := float64(limit)
		if _, ok := open[string(news.AlertDatabaseSize)]; ok {
			bound *= sizeMargin
		}
		if float64(size) > bound {
			out = append(out, candidate{news.Alert{Key: string(news.AlertDatabaseSize), Kind: news.AlertDatabaseSize,
				Bytes: size, Limit: limit, Since: now}, 0})
		}
	}
	return out, exists, nil
}

// silent reports a feed that answers but has published nothing for
// SilentFactor times its longest usual gap; once told, until it
// publishes again.
func (w *Watcher) silent(f news.Feed, base news.Alert, now time.Time, open map[string]news.AlertState) (news.Alert, bool) {
	key := feedKey(news.AlertFeedSilent, f.ID)
	last := f.Rhythm.LastPublished
	if last.IsZero() || !f.Primed {
		return news.Alert{}, false
	}
	if st, ok := open[key]; ok && st.Open && !last.After(st.Alert.Since) {
		a := st.Alert
		a.Source = f.SourceName()
		return a, true
	}
	gap := feed.LongestGap(&f.Rhythm, now)
	if gap <= 0 || now.Sub(last) < SilentFactor*gap {
		return news.Alert{}, false
	}
	a := base
	a.Key, a.Kind, a.Since, a.Gap = key, news.AlertFeedSilent, last, gap
	return a, true
}

// Check looks for problems once, at the watcher's now: those that have
// lasted long enough start, open ones that stayed away for Settle end,
// and one message telling both is queued for each admin, with the change,
// in one transaction.
func (w *Watcher) Check(ctx context.Context) error {
	now := w.opt.Now()
	states, err := w.store.AlertStates(ctx)
	if err != nil {
		return fmt.Errorf("alert: %w", err)
	}
	known := make(map[string]news.AlertState, len(states))
	for _, s := range states {
		known[s.Alert.Key] = s
	}
	seen, exists, err := w.look(ctx, now, known)
	if err != nil {
		return fmt.Errorf("alert: %w", err)
	}
	var set []news.AlertState
	var drop []string
	var started, ended []news.Alert
	here := make(map[string]bool, len(seen))
	for _, c := range seen {
		a := c.alert
		here[a.Key] = true
		st, had := known[a.Key]
		if !had {
			st = news.AlertState{FirstSeen: now}
		}
		if a.Since.IsZero() {
			a.Since = st.FirstSeen
		}
		switch {
		case st.Open:
			if !st.ClearSince.IsZero() || st.Alert.Detail != a.Detail || st.Alert.Source != a.Source {
				st.ClearSince, st.Alert = time.Time{}, keepSince(st.Alert, a)
				set = append(set, st)
			}
		case now.Sub(a.Since) >= c.delay:
			st.Open, st.Alert = true, a
			started = append(started, a)
			set = append(set, st)
		case !had:
			st.Alert = a
			set = append(set, st) // remembered: WebSub's since is when first seen
		}
	}
	for key, st := range known {
		switch {
		case here[key]:
		case !st.Open:
			drop = append(drop, key) // gone before it was told: nothing to say
		case st.Alert.FeedID != 0 && !exists[st.Alert.FeedID]:
			drop = append(drop, key) // the feed was deleted: the admin knows
		case st.ClearSince.IsZero():
			st.ClearSince = now
			set = append(set, st)
		case now.Sub(st.ClearSince) >= w.opt.Settle:
			if st.Alert.Kind == news.AlertDatabaseSize && w.opt.DatabaseBytes != nil {
				st.Alert.Bytes = w.opt.DatabaseBytes()
			}
			ended = append(ended, st.Alert)
			drop = append(drop, key)
		}
	}
	if len(set) == 0 && len(drop) == 0 {
		return nil
	}
	var msgs []news.AlertMessage
	if len(started)+len(ended) > 0 {
		sortAlerts(started)
		sortAlerts(ended)
		text := w.teller.AlertText(started, ended, now)
		admins := w.teller.Admins()
		for _, id := range admins {
			msgs = append(msgs, news.AlertMessage{ChatID: id, Text: text})
		}
		if len(admins) == 0 {
			w.log.Warn("alert: no ADMIN_IDS to tell", "started", len(started), "ended", len(ended))
		}
	}
	if err := w.store.ApplyAlerts(ctx, set, drop, msgs, now); err != nil {
		return fmt.Errorf("alert: %w", err)
	}
	for _, a := range started {
		w.log.Warn("alert: a problem started", "kind", a.Kind, "feed", a.FeedID, "since", a.Since, "detail", a.Detail)
	}
	for _, a := range ended {
		w.log.Info("alert: a problem ended", "kind", a.Kind, "feed", a.FeedID)
	}
	return nil
}

// keepSince is a's details with the since of the problem as it was told
// (a silent feed's last item, a failing one's last success).
func keepSince(told, a news.Alert) news.Alert {
	a.Since = told.Since
	return a
}

// Flush sends the alert messages due, oldest first, each in its turn of
// the rate budget. A 429 pauses the budget and leaves them for after its
// retry_after; a network or server error tries a message again later; a
// refusal that cannot change (an admin who never opened the bot, or
// blocked it) gives it up, logged.
func (w *Watcher) Flush(ctx context.Context) error {
	msgs, err := w.store.PendingAlertMessages(ctx, w.opt.Now(), sendBatch)
	if err != nil {
		return fmt.Errorf("alert: %w", err)
	}
	for _, m := range msgs {
		if w.opt.Throttle != nil {
			if err := w.opt.Throttle.WaitReply(ctx); err != nil {
				return nil // stopping: the message stays pending
			}
		}
		id, err := w.teller.SendAlert(ctx, m.ChatID, m.Text)
		now := w.opt.Now()
		var se *news.SendError
		switch {
		case err == nil:
			if err := w.store.MarkAlertSent(context.WithoutCancel(ctx), m.ID, id, now); err != nil {
				return fmt.Errorf("alert: %w", err)
			}
		case ctx.Err() != nil:
			return nil
		case errors.As(err, &se) && se.Kind == news.SendRateLimited:
			wait := max(se.RetryAfter, time.Second)
			if w.opt.Throttle != nil {
				w.opt.Throttle.PauseFor(wait)
			}
			if err := w.store.PostponeAlert(ctx, m.ID, now.Add(wait), err.Error(), false); err != nil {
				return fmt.Errorf("alert: %w", err)
			}
			return nil // the others wait their turn too
		case errors.As(err, &se) && (se.Kind == news.SendForbidden || se.Kind == news.SendBadRequest):
			w.log.Warn("alert: an admin cannot be told: they must open the bot (/start) first", "admin", m.ChatID, "err", err)
			if err := w.store.MarkAlertFailed(ctx, m.ID, err.Error()); err != nil {
				return fmt.Errorf("alert: %w", err)
			}
		default:
			wait := min(5*time.Second<<min(m.Attempts, 20), maxBackoff)
			w.log.Info("alert: message not sent; trying again", "admin", m.ChatID, "in", wait, "err", err)
			if err := w.store.PostponeAlert(ctx, m.ID, now.Add(wait), err.Error(), true); err != nil {
				return fmt.Errorf("alert: %w", err)
			}
		}
	}
	return nil
}

// Run checks every Every and sends what is due until ctx ends; errors are
// logged and tried again at the next turn.
func (w *Watcher) Run(ctx context.Context) error {
	lastPrune := time.Time{}
	for {
		if err := w.Check(ctx); err != nil && ctx.Err() == nil {
			w.log.Warn("alert: check failed", "err", err)
		}
		if err := w.Flush(ctx); err != nil && ctx.Err() == nil {
			w.log.Warn("alert: sending failed", "err", err)
		}
		now := w.opt.Now()
		if now.Sub(lastPrune) >= time.Hour {
			if _, err := w.store.PruneAlertMessages(ctx, now.Add(-keepSent)); err != nil && ctx.Err() == nil {
				w.log.Warn("alert: prune failed", "err", err)
			}
			lastPrune = now
		}
		wait := w.opt.Every
		if next, err := w.store.NextAlertMessageAt(ctx); err == nil && !next.IsZero() {
			wait = min(wait, max(next.Sub(now), 100*time.Millisecond))
		}
		select {
		case <-ctx.Done():
			return nil
		case <-w.opt.Sleep(wait):
		}
	}
}

// kindOrder is the order of an alert's lines: what stops every push
// first, then each feed's problems.
var kindOrder = map[news.AlertKind]int{
	news.AlertOutboxStuck: 0, news.AlertDatabaseSize: 1, news.AlertFeedFailing: 2,
	news.AlertFeedSilent: 3, news.AlertPagesFailing: 4, news.AlertWebSubFailed: 5,
}

func sortAlerts(as []news.Alert) {
	slices.SortFunc(as, func(a, b news.Alert) int {
		if c := cmp.Compare(kindOrder[a.Kind], kindOrder[b.Kind]); c != 0 {
			return c
		}
		return cmp.Compare(a.FeedID, b.FeedID)
	})
}
