-- +goose Up
CREATE TABLE inventory_movements_2023_07 PARTITION OF inventory_movements
    FOR VALUES FROM ('2023-07-01') TO ('2023-08-01');
CREATE TABLE inventory_movements_2023_08 PARTITION OF inventory_movements
    FOR VALUES FROM ('2023-08-01') TO ('2023-09-01');
CREATE TABLE inventory_movements_2023_09 PARTITION OF inventory_movements
    FOR VALUES FROM ('2023-09-01') TO ('2023-10-01');
CREATE TABLE inventory_movements_2023_10 PARTITION OF inventory_movements
    FOR VALUES FROM ('2023-10-01') TO ('2023-11-01');
CREATE TABLE inventory_movements_2023_11 PARTITION OF inventory_movements
    FOR VALUES FROM ('2023-11-01') TO ('2023-12-01');
CREATE TABLE inventory_movements_2023_12 PARTITION OF inventory_movements
    FOR VALUES FROM ('2023-12-01') TO ('2024-01-01');

-- +goose Down
SELECT 'down not supported';
