-- +goose Up
ALTER TABLE orders ADD COLUMN payment_due_on date;
ALTER TABLE orders ADD COLUMN po_number text;

-- +goose Down
SELECT 'down not supported';
