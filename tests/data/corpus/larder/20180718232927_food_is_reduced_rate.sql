-- +goose Up
UPDATE products SET tax_class = 'zero' WHERE category_id IN (4, 5, 6, 7, 8);
UPDATE products SET tax_class = 'standard' WHERE category_id = 9;

-- +goose Down
SELECT 'down not supported';
