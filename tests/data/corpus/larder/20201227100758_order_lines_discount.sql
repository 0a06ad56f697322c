-- +goose Up
ALTER TABLE order_lines ADD COLUMN discount_cents integer NOT NULL DEFAULT 0;

-- +goose Down
SELECT 'down not supported';
