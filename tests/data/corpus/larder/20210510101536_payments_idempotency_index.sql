-- +goose NO TRANSACTION
-- +goose Up
CREATE UNIQUE INDEX CONCURRENTLY payments_idempotency_key_idx ON payments (idempotency_key);

-- +goose Down
SELECT 'down not supported';
