-- +goose Up
ALTER TABLE order_lines ALTER COLUMN variant_id SET NOT NULL;
CREATE INDEX order_lines_variant_id_idx ON order_lines (variant_id);

-- +goose Down
SELECT 'down not supported';
