ALTER TABLE tickets DROP COLUMN first_reply_due_at, DROP COLUMN resolve_due_at;
