ALTER TABLE tickets ADD COLUMN first_reply_due_at TIMESTAMP;
ALTER TABLE tickets ADD COLUMN resolve_due_at TIMESTAMP;
