-- +goose Up
ALTER TYPE movement_reason ADD VALUE IF NOT EXISTS 'transfer';

-- +goose Down
SELECT 'down not supported';
