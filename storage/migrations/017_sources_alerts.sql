-- Named sources: the operator's name for a feed (name=, /renamefeed), and
-- the web page it was found from when a site's address was given, so a
-- FEEDS entry naming the site is known at the next start.
ALTER TABLE feeds ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE feeds ADD COLUMN page_url TEXT NOT NULL DEFAULT '';
CREATE INDEX feeds_by_page ON feeds (page_url) WHERE page_url <> '';

-- A feed's article pages failing in a row, and since when: "its pages
-- keep failing" is an alert.
ALTER TABLE feeds ADD COLUMN pages_in_row INTEGER NOT NULL DEFAULT 0;
ALTER TABLE feeds ADD COLUMN pages_failing_since INTEGER NOT NULL DEFAULT 0;

-- The problems admins are told about, as the last check saw them: a
-- problem is told once when it starts (open = 1) and once when it ends,
-- and a restart neither repeats nor forgets either. alert is the
-- problem's details (JSON of news.Alert), for the end's message.
CREATE TABLE alerts (
    key         TEXT    PRIMARY KEY,
    kind        TEXT    NOT NULL,
    alert       TEXT    NOT NULL,
    first_seen  INTEGER NOT NULL,
    open        INTEGER NOT NULL DEFAULT 0,
    clear_since INTEGER NOT NULL DEFAULT 0
);

-- The alerts' outbox: each message to an admin is kept, with the change
-- of alerts that made it, until Telegram takes it (a 429 makes it wait,
-- a restart sends it then); sent rows are kept a while, then pruned.
CREATE TABLE alert_messages (
    id         INTEGER PRIMARY KEY,
    chat_id    INTEGER NOT NULL,
    text       TEXT    NOT NULL,
    status     TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    next_at    INTEGER NOT NULL DEFAULT 0,
    last_error TEXT    NOT NULL DEFAULT '',
    message_id INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    sent_at    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX alert_messages_pending ON alert_messages (next_at, id) WHERE status = 'pending';
