-- +goose Up
ALTER TABLE order_lines ALTER COLUMN id TYPE bigint;
ALTER SEQUENCE order_lines_id_seq AS bigint;

-- +goose Down
SELECT 'down not supported';
