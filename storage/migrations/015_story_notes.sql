-- Why an article joined its story, or started one (story matching's
-- reason: the shared names and words, the score), so an operator can
-- answer "why did I get this twice?".
ALTER TABLE articles ADD COLUMN story_note TEXT NOT NULL DEFAULT '';

-- When a sent push was last edited: a push is edited at most once every
-- news.EditGap, whatever the number of outlets joining its story.
ALTER TABLE deliveries ADD COLUMN edited_at INTEGER NOT NULL DEFAULT 0;
CREATE INDEX deliveries_edits_due ON deliveries (edited_at, id) WHERE edit_pending > 0;
