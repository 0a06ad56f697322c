-- +goose Up
CREATE TABLE inventory_movements_2022_01 PARTITION OF inventory_movements
    FOR VALUES FROM ('2022-01-01') TO ('2022-02-01');
CREATE TABLE inventory_movements_2022_02 PARTITION OF inventory_movements
    FOR VALUES FROM ('2022-02-01') TO ('2022-03-01');
CREATE TABLE inventory_movements_2022_03 PARTITION OF inventory_movements
    FOR VALUES FROM ('2022-03-01') TO ('2022-04-01');
CREATE TABLE inventory_movements_2022_04 PARTITION OF inventory_movements
    FOR VALUES FROM ('2022-04-01') TO ('2022-05-01');
CREATE TABLE inventory_movements_2022_05 PARTITION OF inventory_movements
    FOR VALUES FROM ('2022-05-01') TO ('2022-06-01');
CREATE TABLE inventory_movements_2022_06 PARTITION OF inventory_movements
    FOR VALUES FROM ('2022-06-01') TO ('2022-07-01');

-- +goose Down
SELECT 'down not supported';
