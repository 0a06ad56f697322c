-- +goose Up
CREATE TABLE inventory_movements_2021_01 PARTITION OF inventory_movements
    FOR VALUES FROM ('2021-01-01') TO ('2021-02-01');
CREATE TABLE inventory_movements_2021_02 PARTITION OF inventory_movements
    FOR VALUES FROM ('2021-02-01') TO ('2021-03-01');
CREATE TABLE inventory_movements_2021_03 PARTITION OF inventory_movements
    FOR VALUES FROM ('2021-03-01') TO ('2021-04-01');
CREATE TABLE inventory_movements_2021_04 PARTITION OF inventory_movements
    FOR VALUES FROM ('2021-04-01') TO ('2021-05-01');
CREATE TABLE inventory_movements_2021_05 PARTITION OF inventory_movements
    FOR VALUES FROM ('2021-05-01') TO ('2021-06-01');
CREATE TABLE inventory_movements_2021_06 PARTITION OF inventory_movements
    FOR VALUES FROM ('2021-06-01') TO ('2021-07-01');

-- +goose Down
SELECT 'down not supported';
