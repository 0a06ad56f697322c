-- +goose Up
ALTER TABLE orders ADD COLUMN shipping_cents integer NOT NULL DEFAULT 0;

-- +goose Down
SELECT 'down not supported';
