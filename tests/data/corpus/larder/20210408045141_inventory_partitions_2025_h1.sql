-- +goose Up
CREATE TABLE inventory_movements_2025_01 PARTITION OF inventory_movements
    FOR VALUES FROM ('2025-01-01') TO ('2025-02-01');
CREATE TABLE inventory_movements_2025_02 PARTITION OF inventory_movements
    FOR VALUES FROM ('2025-02-01') TO ('2025-03-01');
CREATE TABLE inventory_movements_2025_03 PARTITION OF inventory_movements
    FOR VALUES FROM ('2025-03-01') TO ('2025-04-01');
CREATE TABLE inventory_movements_2025_04 PARTITION OF inventory_movements
    FOR VALUES FROM ('2025-04-01') TO ('2025-05-01');
CREATE TABLE inventory_movements_2025_05 PARTITION OF inventory_movements
    FOR VALUES FROM ('2025-05-01') TO ('2025-06-01');
CREATE TABLE inventory_movements_2025_06 PARTITION OF inventory_movements
    FOR VALUES FROM ('2025-06-01') TO ('2025-07-01');

-- +goose Down
SELECT 'down not supported';
