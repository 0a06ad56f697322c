-- +goose Up
CREATE TABLE inventory_movements_2022_07 PARTITION OF inventory_movements
    FOR VALUES FROM ('2022-07-01') TO ('2022-08-01');
CREATE TABLE inventory_movements_2022_08 PARTITION OF inventory_movements
    FOR VALUES FROM ('2022-08-01') TO ('2022-09-01');
CREATE TABLE inventory_movements_2022_09 PARTITION OF inventory_movements
    FOR VALUES FROM ('2022-09-01') TO ('2022-10-01');
CREATE TABLE inventory_movements_2022_10 PARTITION OF inventory_movements
    FOR VALUES FROM ('2022-10-01') TO ('2022-11-01');
CREATE TABLE inventory_movements_2022_11 PARTITION OF inventory_movements
    FOR VALUES FROM ('2022-11-01') TO ('2022-12-01');
CREATE TABLE inventory_movements_2022_12 PARTITION OF inventory_movements
    FOR VALUES FROM ('2022-12-01') TO ('2023-01-01');

-- +goose Down
SELECT 'down not supported';
