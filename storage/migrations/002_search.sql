-- Full-text search over stored articles for /search. The indexed text is
-- the article's SearchText (normalized tokens), so the same Arabic
-- normalization applies to the query. docid = articles.id.
CREATE VIRTUAL TABLE articles_fts USING fts4 (content);
CREATE INDEX stories_by_updated ON stories (updated_at);
