ALTER TABLE tickets DROP COLUMN solved_at;
