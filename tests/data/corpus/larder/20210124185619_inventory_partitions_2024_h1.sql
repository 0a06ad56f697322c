-- +goose Up
CREATE TABLE inventory_movements_2024_01 PARTITION OF inventory_movements
    FOR VALUES FROM ('2024-01-01') TO ('2024-02-01');
CREATE TABLE inventory_movements_2024_02 PARTITION OF inventory_movements
    FOR VALUES FROM ('2024-02-01') TO ('2024-03-01');
CREATE TABLE inventory_movements_2024_03 PARTITION OF inventory_movements
    FOR VALUES FROM ('2024-03-01') TO ('2024-04-01');
CREATE TABLE inventory_movements_2024_04 PARTITION OF inventory_movements
    FOR VALUES FROM ('2024-04-01') TO ('2024-05-01');
CREATE TABLE inventory_movements_2024_05 PARTITION OF inventory_movements
    FOR VALUES FROM ('2024-05-01') TO ('2024-06-01');
CREATE TABLE inventory_movements_2024_06 PARTITION OF inventory_movements
    FOR VALUES FROM ('2024-06-01') TO ('2024-07-01');

-- +goose Down
SELECT 'down not supported';
