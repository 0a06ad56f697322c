-- +goose Up
ALTER TABLE orders ALTER COLUMN placed_at TYPE timestamptz, ALTER COLUMN created_at TYPE timestamptz;

-- +goose Down
SELECT 'down not supported';
