-- +goose NO TRANSACTION
-- +goose Up
CREATE UNIQUE INDEX CONCURRENTLY products_slug_key ON products (slug);

-- +goose Down
DROP INDEX products_slug_key;
