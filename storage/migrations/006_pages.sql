-- Article pages: a feed that carries only teasers has its items completed
-- from their pages (full_text: auto, always, never); the pages read and
-- those that gave nothing usable are counted, with the last reason.
ALTER TABLE feeds ADD COLUMN full_text TEXT NOT NULL DEFAULT 'auto';
ALTER TABLE feeds ADD COLUMN pages_read INTEGER NOT NULL DEFAULT 0;
ALTER TABLE feeds ADD COLUMN pages_failed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE feeds ADD COLUMN last_page_error TEXT NOT NULL DEFAULT '';

-- The story's picture, shown above a push unless the chat said
-- /pictures off.
ALTER TABLE articles ADD COLUMN image_url TEXT NOT NULL DEFAULT '';
ALTER TABLE chats ADD COLUMN pictures_off INTEGER NOT NULL DEFAULT 0;
