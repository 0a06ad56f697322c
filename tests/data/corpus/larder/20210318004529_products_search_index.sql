-- +goose NO TRANSACTION
-- +goose Up
CREATE INDEX CONCURRENTLY products_search_idx ON products USING gin (search);
DROP INDEX CONCURRENTLY products_name_trgm_idx;

-- +goose Down
SELECT 'down not supported';
