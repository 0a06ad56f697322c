-- +goose Up
INSERT INTO variants (product_id, sku, label, price_cents, position)
SELECT id, sku, 'Standard', price_cents, 0 FROM products ORDER BY id;

-- +goose Down
SELECT 'down not supported';
