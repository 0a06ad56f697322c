-- +goose Up
ALTER TYPE order_status ADD VALUE 'refunded';

-- +goose Down
SELECT 'down not supported';
