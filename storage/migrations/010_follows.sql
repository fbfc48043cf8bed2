-- Following a developing story: a chat (or forum thread) that tapped
-- "follow" under a push gets the story's new facts as replies to that
-- push until the follow ends.
CREATE TABLE follows (
    chat_id    INTEGER NOT NULL REFERENCES chats (id) ON DELETE CASCADE ON UPDATE CASCADE,
    thread_id  INTEGER NOT NULL DEFAULT 0,
    story_id   INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    message_id INTEGER NOT NULL,          -- the push the updates reply to
    until      INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (chat_id, thread_id, story_id)
);
CREATE INDEX follows_by_story ON follows (story_id);

-- The updates' own outbox: one pending row per follower and story at a
-- time, so facts that come while one waits go out together.
CREATE TABLE updates (
    id              INTEGER PRIMARY KEY,
    chat_id         INTEGER NOT NULL REFERENCES chats (id) ON DELETE CASCADE ON UPDATE CASCADE,
    thread_id       INTEGER NOT NULL DEFAULT 0,
    story_id        INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    reply_to        INTEGER NOT NULL,
    text            TEXT    NOT NULL,     -- the new sentences, one a line
    source          TEXT    NOT NULL DEFAULT '',
    url             TEXT    NOT NULL DEFAULT '',
    status          TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'dropped')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT    NOT NULL DEFAULT '',
    next_attempt_at INTEGER NOT NULL,
    message_id      INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX updates_due ON updates (next_attempt_at) WHERE status = 'pending';
CREATE INDEX updates_by_chat_story ON updates (chat_id, thread_id, story_id);
CREATE INDEX updates_done_by_created ON updates (created_at) WHERE status <> 'pending';
