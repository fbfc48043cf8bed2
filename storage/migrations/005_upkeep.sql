-- Retention: sent, failed and dropped outbox rows and old articles are
-- deleted in small batches (see Prune), found by these indexes; deleting
-- an article or a story cascades to the deliveries that name it, which
-- needs them indexed by article too.
CREATE INDEX deliveries_done_by_created ON deliveries (created_at) WHERE status <> 'pending';
CREATE INDEX deliveries_by_article ON deliveries (article_id);
CREATE INDEX articles_by_feed_link ON articles (origin, url);
-- After this migration Open turns on auto_vacuum=INCREMENTAL (a VACUUM,
-- once, outside any transaction), so the file shrinks as Prune frees pages.
