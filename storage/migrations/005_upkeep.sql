-- Retention: sent, failed and dropped outbox rows and old articles are
-- deleted in small batches (see Prune), found by these indexes; deleting
-- an article or a story cascades to the deliveries that name it, which
-- needs them indexed by article too.
CREATE INDEX deliveries_done_by_created ON deliveries (created_at) WHERE status <> 'pending';
CREATE INDEX deliveries_by_article ON deliveries (article_id);

-- An item a feed lists again under a new identity (new GUIDs, http to
-- https, a trailing slash) is not new when its content or its link is
-- one the feed already had: the keys SaveArticle compares.
ALTER TABLE articles ADD COLUMN content_key TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN link_key TEXT NOT NULL DEFAULT '';
CREATE INDEX articles_by_content ON articles (origin, content_key) WHERE content_key <> '';
CREATE INDEX articles_by_link ON articles (origin, link_key) WHERE link_key <> '';

-- A feed's last poll that listed items: its new items stored without being
-- pushed (dated too old, dated in the future, past the bound on pushes).
ALTER TABLE feeds ADD COLUMN held_old INTEGER NOT NULL DEFAULT 0;
ALTER TABLE feeds ADD COLUMN held_future INTEGER NOT NULL DEFAULT 0;
ALTER TABLE feeds ADD COLUMN held_over_limit INTEGER NOT NULL DEFAULT 0;
-- After this migration Open turns on auto_vacuum=INCREMENTAL (a VACUUM,
-- once, outside any transaction), so the file shrinks as Prune frees pages.
