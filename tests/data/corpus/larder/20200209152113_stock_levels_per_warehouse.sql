-- +goose Up
UPDATE stock_levels SET warehouse_id = (SELECT id FROM warehouses WHERE code = 'BRS') WHERE warehouse_id IS NULL;
UPDATE inventory_movements SET warehouse_id = (SELECT id FROM warehouses WHERE code = 'BRS') WHERE warehouse_id IS NULL;
ALTER TABLE stock_levels DROP CONSTRAINT stock_levels_pkey;
ALTER TABLE stock_levels ALTER COLUMN warehouse_id SET NOT NULL;
ALTER TABLE stock_levels ADD PRIMARY KEY (variant_id, warehouse_id);

-- +goose Down
SELECT 'down not supported';
