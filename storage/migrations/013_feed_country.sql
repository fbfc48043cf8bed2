-- The place an operator said a feed is the outlet of (country=, a topic
-- slug; '' for none): its items that name no place are about it, and a
-- word spelt like a place of another country is read as this one's.
ALTER TABLE feeds ADD COLUMN country TEXT NOT NULL DEFAULT '';
