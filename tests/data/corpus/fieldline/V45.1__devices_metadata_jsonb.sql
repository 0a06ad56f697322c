-- json was a mistake: we need containment queries for the tag filter.
ALTER TABLE devices ALTER COLUMN metadata TYPE JSONB USING metadata::jsonb;
ALTER TABLE devices ALTER COLUMN metadata SET DEFAULT '{}';
UPDATE devices SET metadata = '{}' WHERE metadata IS NULL;
