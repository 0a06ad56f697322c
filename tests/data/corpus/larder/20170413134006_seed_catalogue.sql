-- +goose Up
-- initial catalogue from the supplier spreadsheet (the CSV import tool came later)
INSERT INTO products (category_id, sku, name, description, price_cents, created_at)
SELECT 4 + (g % 7), 'LAR-' || lpad(g::text, 5, '0'), 'Product ' || g,
       'Imported from supplier sheet, row ' || g, 199 + (g * 37) % 4800, '2017-03-10'
FROM generate_series(1, 400) AS g;

-- +goose Down
DELETE FROM products;
