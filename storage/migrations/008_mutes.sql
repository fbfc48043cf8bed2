-- Mutes: a chat (or forum thread) keeps out every story that mentions a
-- word or phrase, whatever else of it matches. They are subscriptions of
-- a third kind, so they count in the same bound of 50 a chat. SQLite
-- cannot change a CHECK constraint in place: the table is rebuilt, as in
-- 004; nothing refers to it.
CREATE TABLE subscriptions_new (
    id         INTEGER PRIMARY KEY,
    chat_id    INTEGER NOT NULL REFERENCES chats (id) ON DELETE CASCADE ON UPDATE CASCADE,
    thread_id  INTEGER NOT NULL DEFAULT 0,
    kind       TEXT    NOT NULL CHECK (kind IN ('topic', 'keyword', 'mute')),
    key        TEXT    NOT NULL,                  -- topic slug, or normalized keyword or mute
    display    TEXT    NOT NULL,                  -- Arabic topic name, or the words as typed
    created_at INTEGER NOT NULL,
    UNIQUE (chat_id, thread_id, kind, key)
);
INSERT INTO subscriptions_new (id, chat_id, thread_id, kind, key, display, created_at)
    SELECT id, chat_id, thread_id, kind, key, display, created_at FROM subscriptions;
DROP TABLE subscriptions;
ALTER TABLE subscriptions_new RENAME TO subscriptions;
CREATE INDEX subscriptions_by_key ON subscriptions (kind, key);
