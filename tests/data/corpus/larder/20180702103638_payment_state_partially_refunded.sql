-- +goose Up
ALTER TYPE payment_state ADD VALUE 'partially_refunded' AFTER 'refunded';

-- +goose Down
SELECT 'down not supported';
