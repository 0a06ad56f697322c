ALTER TABLE tickets DROP COLUMN external_id;
