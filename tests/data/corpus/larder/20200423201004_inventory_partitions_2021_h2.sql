-- +goose Up
CREATE TABLE inventory_movements_2021_07 PARTITION OF inventory_movements
    FOR VALUES FROM ('2021-07-01') TO ('2021-08-01');
CREATE TABLE inventory_movements_2021_08 PARTITION OF inventory_movements
    FOR VALUES FROM ('2021-08-01') TO ('2021-09-01');
CREATE TABLE inventory_movements_2021_09 PARTITION OF inventory_movements
    FOR VALUES FROM ('2021-09-01') TO ('2021-10-01');
CREATE TABLE inventory_movements_2021_10 PARTITION OF inventory_movements
    FOR VALUES FROM ('2021-10-01') TO ('2021-11-01');
CREATE TABLE inventory_movements_2021_11 PARTITION OF inventory_movements
    FOR VALUES FROM ('2021-11-01') TO ('2021-12-01');
CREATE TABLE inventory_movements_2021_12 PARTITION OF inventory_movements
    FOR VALUES FROM ('2021-12-01') TO ('2022-01-01');

-- +goose Down
SELECT 'down not supported';
