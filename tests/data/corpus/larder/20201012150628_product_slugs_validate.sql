-- +goose Up
ALTER TABLE products VALIDATE CONSTRAINT products_slug_not_null;

-- +goose Down
SELECT 'down not supported';
