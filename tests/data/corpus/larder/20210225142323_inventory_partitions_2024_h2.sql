-- +goose Up
CREATE TABLE inventory_movements_2024_07 PARTITION OF inventory_movements
    FOR VALUES FROM ('2024-07-01') TO ('2024-08-01');
CREATE TABLE inventory_movements_2024_08 PARTITION OF inventory_movements
    FOR VALUES FROM ('2024-08-01') TO ('2024-09-01');
CREATE TABLE inventory_movements_2024_09 PARTITION OF inventory_movements
    FOR VALUES FROM ('2024-09-01') TO ('2024-10-01');
CREATE TABLE inventory_movements_2024_10 PARTITION OF inventory_movements
    FOR VALUES FROM ('2024-10-01') TO ('2024-11-01');
CREATE TABLE inventory_movements_2024_11 PARTITION OF inventory_movements
    FOR VALUES FROM ('2024-11-01') TO ('2024-12-01');
CREATE TABLE inventory_movements_2024_12 PARTITION OF inventory_movements
    FOR VALUES FROM ('2024-12-01') TO ('2025-01-01');

-- +goose Down
SELECT 'down not supported';
