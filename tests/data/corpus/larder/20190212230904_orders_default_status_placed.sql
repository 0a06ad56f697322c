-- +goose Up
ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'placed';

-- +goose Down
SELECT 'down not supported';
