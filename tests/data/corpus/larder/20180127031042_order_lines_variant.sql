-- +goose Up
ALTER TABLE order_lines ADD COLUMN variant_id integer REFERENCES variants (id);
UPDATE order_lines ol SET variant_id = v.id FROM variants v WHERE v.product_id = ol.product_id;

-- +goose Down
SELECT 'down not supported';
