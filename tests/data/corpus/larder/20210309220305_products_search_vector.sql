-- +goose Up
ALTER TABLE products ADD COLUMN search tsvector
    GENERATED ALWAYS AS (setweight(to_tsvector('english', name), 'A') || setweight(to_tsvector('english', coalesce(description, '')), 'B')) STORED;

-- +goose Down
SELECT 'down not supported';
