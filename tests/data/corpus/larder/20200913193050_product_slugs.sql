-- +goose Up
ALTER TABLE products ADD COLUMN slug text;
UPDATE products SET slug = lower(regexp_replace(name, '[^a-zA-Z0-9]+', '-', 'g')) || '-' || id;

-- +goose Down
SELECT 'down not supported';
