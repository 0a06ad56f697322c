-- +goose Up
-- seed_box_products left created_at at the migration's time; marketing wants the launch date.
UPDATE products SET created_at = '2018-09-01' WHERE sku LIKE 'BOX-%';

-- +goose Down
SELECT 'down not supported';
