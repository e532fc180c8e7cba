-- What each recorded mutation was (a hash of its kind, id, operation and edit time), so that a
-- client sending another change under a number already answered is told its history diverged
-- rather than answered as if it replayed the first. Rows recorded earlier have none and are
-- answered as before.
ALTER TABLE mutations ADD COLUMN mark TEXT;
