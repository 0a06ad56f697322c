-- +goose Up
ALTER TABLE products ALTER COLUMN slug SET NOT NULL;
ALTER TABLE products DROP CONSTRAINT products_slug_not_null;

-- +goose Down
SELECT 'down not supported';
