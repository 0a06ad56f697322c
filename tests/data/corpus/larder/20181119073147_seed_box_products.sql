-- +goose Up
INSERT INTO categories (slug, name, parent_id) VALUES ('boxes', 'Larder boxes', NULL);
INSERT INTO products (category_id, sku, name, description, tax_class)
SELECT c.id, 'BOX-' || s, 'Larder box ' || s, 'A curated ' || s || ' box', 'zero'
FROM categories c, unnest(ARRAY['small', 'medium', 'large']) AS s WHERE c.slug = 'boxes';
INSERT INTO variants (product_id, sku, label, price_cents)
SELECT p.id, p.sku || '-M', 'Monthly', CASE p.sku WHEN 'BOX-small' THEN 2500 WHEN 'BOX-medium' THEN 4000 ELSE 6000 END
FROM products p WHERE p.sku LIKE 'BOX-%';

-- +goose Down
SELECT 'down not supported';
