-- Polling that adapts to each feed: its current interval, the polls in a
-- row that found nothing new, and the median gap between its recent items.
ALTER TABLE feeds ADD COLUMN poll_interval_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE feeds ADD COLUMN quiet_polls INTEGER NOT NULL DEFAULT 0;
ALTER TABLE feeds ADD COLUMN publish_gap_ms INTEGER NOT NULL DEFAULT 0;

-- WebSub subscriptions Ajel asked hubs for. No foreign key to feeds: the
-- subscription of a deleted feed lives on until its hub confirms that it
-- ended (the hub's verification names the callback).
CREATE TABLE websub (
	callback_id   TEXT PRIMARY KEY,
	feed_id       INTEGER NOT NULL,
	hub           TEXT NOT NULL,
	topic         TEXT NOT NULL,
	secret        TEXT NOT NULL,
	state         TEXT NOT NULL,
	reason        TEXT NOT NULL DEFAULT '',
	lease_seconds INTEGER NOT NULL DEFAULT 0,
	lease_until   INTEGER NOT NULL DEFAULT 0,
	requested_at  INTEGER NOT NULL DEFAULT 0,
	created_at    INTEGER NOT NULL
);
CREATE INDEX websub_by_feed ON websub (feed_id);
