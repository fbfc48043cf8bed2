-- «كيف نقلتها المصادر»: the comparison messages sent, kept while open
-- (news.CompareWindow) so that each is edited in place when another outlet
-- joins its story, at most once every news.EditGap, as pushes are. A row
-- is a chat's message (chat_id, thread_id, message_id) or a message posted
-- through inline mode, which Ajel knows only by its inline_message_id
-- (chat_id NULL).
CREATE TABLE comparisons (
    id                INTEGER PRIMARY KEY,
    story_id          INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    chat_id           INTEGER REFERENCES chats (id) ON DELETE CASCADE ON UPDATE CASCADE,
    thread_id         INTEGER NOT NULL DEFAULT 0,
    message_id        INTEGER NOT NULL DEFAULT 0,
    inline_message_id TEXT    NOT NULL DEFAULT '',
    edit_pending      INTEGER NOT NULL DEFAULT 0,
    edited_at         INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL,
    CHECK ((chat_id IS NULL) = (inline_message_id <> ''))
);
-- An outlet joining a story flags its open comparisons.
CREATE INDEX comparisons_by_story ON comparisons (story_id, created_at);
CREATE INDEX comparisons_edits_due ON comparisons (edited_at, id) WHERE edit_pending > 0;
-- A button pressed again finds the comparison a chat already has.
CREATE INDEX comparisons_by_chat ON comparisons (chat_id, thread_id, story_id) WHERE chat_id IS NOT NULL;
CREATE UNIQUE INDEX comparisons_inline ON comparisons (inline_message_id) WHERE inline_message_id <> '';
