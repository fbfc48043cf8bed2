-- Story edits and hourly digests.
--
-- edit_pending: 0, or the time (Unix ms) from which a sent push should be
-- edited because more outlets joined its story. An edit is best-effort:
-- the flag is cleared whether or not Telegram took it.
ALTER TABLE deliveries ADD COLUMN edit_pending INTEGER NOT NULL DEFAULT 0;
-- held_at: 0, or when the row was held because its chat reached its hourly
-- cap (chats.max_per_hour); held rows go out together in one digest
-- message, and a sent row with held_at set shares that digest's message_id.
ALTER TABLE deliveries ADD COLUMN held_at INTEGER NOT NULL DEFAULT 0;

CREATE INDEX deliveries_edit_pending ON deliveries (edit_pending, id) WHERE edit_pending > 0;
CREATE INDEX deliveries_held ON deliveries (chat_id, held_at) WHERE held_at > 0 AND status = 'pending';
-- The hourly cap counts a chat's recent pushes.
CREATE INDEX deliveries_sent_by_chat ON deliveries (chat_id, sent_at) WHERE status = 'sent';
