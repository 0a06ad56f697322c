-- +goose Up
ALTER TYPE order_status ADD VALUE 'awaiting_payment' BEFORE 'paid';

-- +goose Down
SELECT 'down not supported';
