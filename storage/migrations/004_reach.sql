-- Reach: forum topic threads, topic channels, the order the outbox is sent
-- in, paid broadcast, and the inbox of Telegram updates.

-- Nothing reads a chat's language (replies are Arabic for everyone).
ALTER TABLE chats DROP COLUMN language;

-- Subscriptions and deliveries gain the forum topic thread they belong to
-- (0: the chat itself, or a forum's General topic), so two threads of one
-- group can follow different topics. SQLite cannot change a UNIQUE
-- constraint in place, so both tables are rebuilt; nothing refers to them.
CREATE TABLE subscriptions_new (
    id         INTEGER PRIMARY KEY,
    chat_id    INTEGER NOT NULL REFERENCES chats (id) ON DELETE CASCADE ON UPDATE CASCADE,
    thread_id  INTEGER NOT NULL DEFAULT 0,
    kind       TEXT    NOT NULL CHECK (kind IN ('topic', 'keyword')),
    key        TEXT    NOT NULL,                  -- topic slug or normalized keyword
    display    TEXT    NOT NULL,                  -- Arabic topic name or keyword as typed
    created_at INTEGER NOT NULL,
    UNIQUE (chat_id, thread_id, kind, key)
);
INSERT INTO subscriptions_new (id, chat_id, thread_id, kind, key, display, created_at)
    SELECT id, chat_id, 0, kind, key, display, created_at FROM subscriptions;
DROP TABLE subscriptions;
ALTER TABLE subscriptions_new RENAME TO subscriptions;
CREATE INDEX subscriptions_by_key ON subscriptions (kind, key);

CREATE TABLE deliveries_new (
    id              INTEGER PRIMARY KEY,
    chat_id         INTEGER NOT NULL REFERENCES chats (id) ON DELETE CASCADE ON UPDATE CASCADE,
    thread_id       INTEGER NOT NULL DEFAULT 0,
    story_id        INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    article_id      INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    topic           TEXT    NOT NULL DEFAULT '',
    status          TEXT    NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'sent', 'failed', 'dropped')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT    NOT NULL DEFAULT '',
    next_attempt_at INTEGER NOT NULL DEFAULT 0,
    message_id      INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER NOT NULL DEFAULT 0,
    edit_pending    INTEGER NOT NULL DEFAULT 0,
    held_at         INTEGER NOT NULL DEFAULT 0,
    -- The order the outbox is sent in: 0 channel posts (one reaches a whole
    -- audience), 1 breaking stories, 2 the rest.
    priority        INTEGER NOT NULL DEFAULT 2,
    -- 1 when Telegram took it with allow_paid_broadcast (0.1 Star).
    paid            INTEGER NOT NULL DEFAULT 0,
    UNIQUE (chat_id, thread_id, story_id)
);
INSERT INTO deliveries_new (id, chat_id, thread_id, story_id, article_id, topic, status, attempts, last_error,
        next_attempt_at, message_id, created_at, sent_at, edit_pending, held_at, priority)
    SELECT d.id, d.chat_id, 0, d.story_id, d.article_id, d.topic, d.status, d.attempts, d.last_error,
        d.next_attempt_at, d.message_id, d.created_at, d.sent_at, d.edit_pending, d.held_at,
        CASE WHEN c.type = 'channel' THEN 0 WHEN s.breaking = 1 THEN 1 ELSE 2 END
    FROM deliveries d JOIN chats c ON c.id = d.chat_id JOIN stories s ON s.id = d.story_id;
DROP TABLE deliveries;
ALTER TABLE deliveries_new RENAME TO deliveries;
CREATE INDEX deliveries_pending ON deliveries (priority, next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX deliveries_edit_pending ON deliveries (edit_pending, id) WHERE edit_pending > 0;
CREATE INDEX deliveries_held ON deliveries (chat_id, held_at) WHERE held_at > 0 AND status = 'pending';
CREATE INDEX deliveries_sent_by_chat ON deliveries (chat_id, sent_at) WHERE status = 'sent';
-- Flagging a story's pushes for an edit finds them by story.
CREATE INDEX deliveries_by_story ON deliveries (story_id);

-- Topic channels: each story of the topic (or every breaking story, for
-- topic 'breaking') is posted there once, before any direct message. The
-- channel itself is a row of chats (type 'channel'), which keeps its
-- @username and whether Telegram still takes its posts.
CREATE TABLE channels (
    topic       TEXT    PRIMARY KEY,              -- catalogue slug or 'breaking'
    chat_id     INTEGER NOT NULL REFERENCES chats (id) ON DELETE CASCADE ON UPDATE CASCADE,
    display     TEXT    NOT NULL,                 -- the topic's Arabic name, on each post
    from_config INTEGER NOT NULL DEFAULT 0,       -- 1: from CHANNELS, set again at each start
    enabled     INTEGER NOT NULL DEFAULT 1,       -- 0 once Telegram refused a post
    reason      TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX channels_by_chat ON channels (chat_id);

-- Telegram updates received and not yet handled: written before Telegram
-- is told they arrived (the getUpdates offset, saved with them), deleted
-- once handled, so a crash loses no reader's command. seq never goes back,
-- even after every row was deleted.
CREATE TABLE inbox (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    update_id   INTEGER NOT NULL UNIQUE,
    chat_id     INTEGER NOT NULL DEFAULT 0,
    body        BLOB    NOT NULL,
    received_at INTEGER NOT NULL
);
