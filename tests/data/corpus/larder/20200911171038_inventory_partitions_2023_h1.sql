-- +goose Up
CREATE TABLE inventory_movements_2023_01 PARTITION OF inventory_movements
    FOR VALUES FROM ('2023-01-01') TO ('2023-02-01');
CREATE TABLE inventory_movements_2023_02 PARTITION OF inventory_movements
    FOR VALUES FROM ('2023-02-01') TO ('2023-03-01');
CREATE TABLE inventory_movements_2023_03 PARTITION OF inventory_movements
    FOR VALUES FROM ('2023-03-01') TO ('2023-04-01');
CREATE TABLE inventory_movements_2023_04 PARTITION OF inventory_movements
    FOR VALUES FROM ('2023-04-01') TO ('2023-05-01');
CREATE TABLE inventory_movements_2023_05 PARTITION OF inventory_movements
    FOR VALUES FROM ('2023-05-01') TO ('2023-06-01');
CREATE TABLE inventory_movements_2023_06 PARTITION OF inventory_movements
    FOR VALUES FROM ('2023-06-01') TO ('2023-07-01');

-- +goose Down
SELECT 'down not supported';
