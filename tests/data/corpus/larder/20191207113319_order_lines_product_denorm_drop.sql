-- +goose Up
-- order_lines.product_id is derivable from variant_id since the variants release.
DROP INDEX IF EXISTS order_lines_product_id_idx;
ALTER TABLE order_lines DROP COLUMN product_id;

-- +goose Down
SELECT 'down not supported';
