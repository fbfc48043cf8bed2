package news

import "time"

// Alerts: what admins are told in Telegram before readers notice that
// something stopped — once when a problem starts, once when it ends.

// AlertKind is a kind of problem admins are told about.
type AlertKind string

// The problems admins are told about.
const (
	// AlertFeedFailing: a feed's polls have failed, without a success,
	// for ALERT_AFTER.
	AlertFeedFailing AlertKind = "feed_failing"
	// AlertFeedSilent: a feed that answers has published nothing for
	// three times its longest usual gap.
	AlertFeedSilent AlertKind = "feed_silent"
	// AlertPagesFailing: a feed's article pages have all failed for
	// ALERT_AFTER (its pushes carry teasers).
	AlertPagesFailing AlertKind = "pages_failing"
	// AlertWebSubFailed: a feed's WebSub subscription has been failing
	// for ALERT_AFTER (the feed is still polled).
	AlertWebSubFailed AlertKind = "websub_failed"
	// AlertOutboxStuck: a message due to go out has waited in the outbox
	// more than ten minutes.
	AlertOutboxStuck AlertKind = "outbox_stuck"
	// AlertDatabaseSize: the database file is over ALERT_DATABASE_SIZE.
	AlertDatabaseSize AlertKind = "database_size"
)

// Alert is one problem as a check sees it.
type Alert struct {
	// Key names the problem: its kind and, for a feed's, the feed's id.
	Key  string
	Kind AlertKind
	// FeedID, Source and URL are the feed's (0 and "" for the others);
	// Source is the name pushes give it.
	FeedID      int64
	Source, URL string
	// Detail is the last error or the hub's reason, free of secrets.
	Detail string
	// Since is when the problem began: the last success of a failing
	// feed, the last item of a silent one, the queueing of the oldest
	// message waiting.
	Since time.Time
	// Gap is a silent feed's longest usual time between items.
	Gap time.Duration
	// Bytes and Limit are the database's size and ALERT_DATABASE_SIZE.
	Bytes, Limit int64
}

// AlertState is a problem as remembered between checks, in the database,
// so that a restart neither tells it again nor forgets to tell its end.
type AlertState struct {
	Alert Alert
	// FirstSeen is when a check first saw the problem.
	FirstSeen time.Time
	// Open is set once admins were told it began; ClearSince is since
	// when checks have no longer seen an open problem (zero while they
	// do): it ends once that has lasted long enough.
	Open       bool
	ClearSince time.Time
}

// AlertMessage is a message to one admin waiting in the alerts' outbox
// until Telegram took it.
type AlertMessage struct {
	ID       int64
	ChatID   int64
	Text     string // Telegram HTML
	Attempts int
	Created  time.Time
}
