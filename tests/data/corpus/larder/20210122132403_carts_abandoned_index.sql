-- +goose NO TRANSACTION
-- +goose Up
CREATE INDEX CONCURRENTLY carts_updated_at_idx ON carts (updated_at) WHERE account_id IS NOT NULL;

-- +goose Down
SELECT 'down not supported';
