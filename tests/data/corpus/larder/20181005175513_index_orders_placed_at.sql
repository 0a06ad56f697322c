-- +goose NO TRANSACTION
-- +goose Up
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_placed_at_idx ON orders (placed_at) WHERE placed_at IS NOT NULL;

-- +goose Down
DROP INDEX CONCURRENTLY IF EXISTS orders_placed_at_idx;
