-- Feeds in other languages: lang says which items are pushed ('ar': those
-- written in Arabic, the rest stored and searchable; 'any': all), and the
-- last poll's items held for their language are counted with the others.
ALTER TABLE feeds ADD COLUMN lang TEXT NOT NULL DEFAULT 'ar';
ALTER TABLE feeds ADD COLUMN held_language INTEGER NOT NULL DEFAULT 0;
