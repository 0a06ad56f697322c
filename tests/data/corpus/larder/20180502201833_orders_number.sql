-- +goose Up
ALTER TABLE orders ADD COLUMN number text;
UPDATE orders SET number = 'LC' || lpad(id::text, 7, '0');
CREATE UNIQUE INDEX orders_number_key ON orders (number);

-- +goose Down
SELECT 'down not supported';
