-- +goose Up
ALTER TABLE products ADD CONSTRAINT products_slug_not_null CHECK (slug IS NOT NULL) NOT VALID;

-- +goose Down
SELECT 'down not supported';
