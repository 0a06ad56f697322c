-- +goose Up
ALTER TABLE stock_levels RENAME COLUMN product_id TO variant_id;
ALTER TABLE stock_levels DROP CONSTRAINT stock_levels_product_id_fkey;
-- variant ids were assigned in product id order, so the numbers line up
UPDATE stock_levels s SET variant_id = v.id FROM variants v WHERE v.product_id = s.variant_id;
ALTER TABLE stock_levels ADD CONSTRAINT stock_levels_variant_id_fkey FOREIGN KEY (variant_id) REFERENCES variants (id);

-- +goose Down
SELECT 'down not supported';
