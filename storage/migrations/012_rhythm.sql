-- Adaptive polling by each feed's rhythm: when it usually publishes, by UTC
-- hour of the week (a fixed-size blob, see encodeRhythm), and why it is
-- polled at its current interval. The median gap between items, which the
-- interval used to follow, is no longer used.
ALTER TABLE feeds ADD COLUMN rhythm BLOB NOT NULL DEFAULT x'';
ALTER TABLE feeds ADD COLUMN poll_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE feeds DROP COLUMN publish_gap_ms;
