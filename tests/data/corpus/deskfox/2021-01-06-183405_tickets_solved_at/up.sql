ALTER TABLE tickets ADD COLUMN solved_at TIMESTAMP;
UPDATE tickets SET solved_at = updated_at WHERE status IN ('solved', 'closed');
