-- Chats that talked to the bot and what they follow. Times are Unix
-- milliseconds (UTC); booleans are 0/1.
CREATE TABLE chats (
    id           INTEGER PRIMARY KEY,             -- Telegram chat id
    type         TEXT    NOT NULL CHECK (type IN ('private', 'group', 'supergroup', 'channel')),
    title        TEXT    NOT NULL DEFAULT '',
    username     TEXT    NOT NULL DEFAULT '',
    language     TEXT    NOT NULL DEFAULT '',
    active       INTEGER NOT NULL DEFAULT 1,      -- 0 once Telegram answered 403
    paused       INTEGER NOT NULL DEFAULT 0,
    quiet_from   INTEGER NOT NULL DEFAULT 0 CHECK (quiet_from BETWEEN 0 AND 23),
    quiet_to     INTEGER NOT NULL DEFAULT 0 CHECK (quiet_to BETWEEN 0 AND 23),
    max_per_hour INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);

CREATE TABLE subscriptions (
    id         INTEGER PRIMARY KEY,
    chat_id    INTEGER NOT NULL REFERENCES chats (id) ON DELETE CASCADE ON UPDATE CASCADE,
    kind       TEXT    NOT NULL CHECK (kind IN ('topic', 'keyword')),
    key        TEXT    NOT NULL,                  -- topic slug or normalized keyword
    display    TEXT    NOT NULL,                  -- Arabic topic name or keyword as typed
    created_at INTEGER NOT NULL,
    UNIQUE (chat_id, kind, key)
);
-- Fan-out looks subscriptions up by what an article matched.
CREATE INDEX subscriptions_by_key ON subscriptions (kind, key);

-- Small named values: the Telegram update offset and the like.
CREATE TABLE bot_state (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE feeds (
    id              INTEGER PRIMARY KEY,
    url             TEXT    NOT NULL UNIQUE,
    title           TEXT    NOT NULL DEFAULT '',
    breaking        INTEGER NOT NULL DEFAULT 0,
    etag            TEXT    NOT NULL DEFAULT '',
    last_modified   TEXT    NOT NULL DEFAULT '',
    primed          INTEGER NOT NULL DEFAULT 0,
    failures        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT    NOT NULL DEFAULT '',
    last_error_at   INTEGER NOT NULL DEFAULT 0,
    last_success_at INTEGER NOT NULL DEFAULT 0,
    next_poll_at    INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL
);

-- A story groups the articles that tell one event.
CREATE TABLE stories (
    id            INTEGER PRIMARY KEY,
    title         TEXT    NOT NULL,
    summary       TEXT    NOT NULL DEFAULT '',
    topics        TEXT    NOT NULL DEFAULT '[]',  -- JSON array of slugs
    breaking      INTEGER NOT NULL DEFAULT 0,
    source_count  INTEGER NOT NULL DEFAULT 1,
    first_seen_at INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);

CREATE TABLE articles (
    id           INTEGER PRIMARY KEY,
    feed_id      INTEGER REFERENCES feeds (id) ON DELETE SET NULL,
    -- origin + item_key is an item's identity: "feed:<id>" or "ingest:<source>".
    origin       TEXT    NOT NULL,
    item_key     TEXT    NOT NULL,
    source       TEXT    NOT NULL DEFAULT '',
    url          TEXT    NOT NULL DEFAULT '',
    title        TEXT    NOT NULL,
    body         TEXT    NOT NULL DEFAULT '',
    summary      TEXT    NOT NULL DEFAULT '',
    topics       TEXT    NOT NULL DEFAULT '[]',
    keywords     TEXT    NOT NULL DEFAULT '[]',
    breaking     INTEGER NOT NULL DEFAULT 0,
    published_at INTEGER NOT NULL DEFAULT 0,
    seen_at      INTEGER NOT NULL,
    story_id     INTEGER REFERENCES stories (id) ON DELETE SET NULL,
    UNIQUE (origin, item_key)
);
CREATE INDEX articles_by_story ON articles (story_id);
CREATE INDEX articles_by_seen ON articles (seen_at);

-- The outbox: one row per story per chat. A row is pending until Telegram
-- accepted the message, so a crash can repeat at most the message in flight.
CREATE TABLE deliveries (
    id              INTEGER PRIMARY KEY,
    chat_id         INTEGER NOT NULL REFERENCES chats (id) ON DELETE CASCADE ON UPDATE CASCADE,
    story_id        INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    article_id      INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    topic           TEXT    NOT NULL DEFAULT '',  -- name of what matched, shown in the first line
    status          TEXT    NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'sent', 'failed', 'dropped')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT    NOT NULL DEFAULT '',
    next_attempt_at INTEGER NOT NULL DEFAULT 0,
    message_id      INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER NOT NULL DEFAULT 0,
    UNIQUE (chat_id, story_id)
);
CREATE INDEX deliveries_pending ON deliveries (next_attempt_at, id) WHERE status = 'pending';
