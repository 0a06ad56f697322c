ALTER TABLE tickets ADD COLUMN merged_into_id BIGINT REFERENCES tickets (id);
