ALTER TABLE devices ADD COLUMN metadata JSON;
