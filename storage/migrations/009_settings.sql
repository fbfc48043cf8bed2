-- What rings in a chat: breaking news only (the default), every story, or
-- nothing (quiet hours still silence everything while they last).
ALTER TABLE chats ADD COLUMN rings TEXT NOT NULL DEFAULT 'breaking';
