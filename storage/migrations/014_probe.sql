-- What an outside probe taught: updates that cannot be handled are set
-- aside, an item's identity outlives its article, and WebSub
-- notifications are kept before they are processed.

-- How often the handling of a kept update began without finishing: an
-- update that kills the process each time is parked after a few tries
-- instead of stopping the bot at every start.
ALTER TABLE inbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;

-- Updates set aside for a look and never handled again: their handling
-- panicked, or began again and again without finishing. Only the newest
-- are kept (see storage.MaxParkedUpdates).
CREATE TABLE parked_updates (
    id          INTEGER PRIMARY KEY,
    update_id   INTEGER NOT NULL,
    chat_id     INTEGER NOT NULL DEFAULT 0,
    body        BLOB    NOT NULL,
    reason      TEXT    NOT NULL,
    received_at INTEGER NOT NULL,
    parked_at   INTEGER NOT NULL
);

-- The items each feed ever listed, kept far longer than their articles
-- (bounded by count per feed, not by time: storage.SeenItemsPerFeed), so
-- an item a feed still lists after its article was pruned is not news
-- again. Each key is a 64-bit hash (ajel_key_hash) of the item's key, its
-- content key and its link key (0 when it has none); listed_at is when a
-- poll last listed it, so what a feed still lists is the last forgotten.
CREATE TABLE seen_items (
    feed_id   INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
    item      INTEGER NOT NULL,
    content   INTEGER NOT NULL DEFAULT 0,
    link      INTEGER NOT NULL DEFAULT 0,
    listed_at INTEGER NOT NULL,
    PRIMARY KEY (feed_id, item)
) WITHOUT ROWID;
CREATE INDEX seen_items_by_content ON seen_items (feed_id, content) WHERE content <> 0;
CREATE INDEX seen_items_by_link ON seen_items (feed_id, link) WHERE link <> 0;
CREATE INDEX seen_items_by_listed ON seen_items (feed_id, listed_at);
INSERT OR IGNORE INTO seen_items (feed_id, item, content, link, listed_at)
    SELECT feed_id, ajel_key_hash(item_key), ajel_key_hash(content_key), ajel_key_hash(link_key), seen_at
    FROM articles WHERE feed_id IS NOT NULL;

-- Signed WebSub notifications, kept as received until their items went
-- through the feed's path: the hub is answered once the body is here.
CREATE TABLE websub_notifications (
    id           INTEGER PRIMARY KEY,
    feed_id      INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
    topic        TEXT    NOT NULL,          -- the feed's self URL, base of relative links
    content_type TEXT    NOT NULL DEFAULT '',
    body         BLOB    NOT NULL,
    received_at  INTEGER NOT NULL
);
