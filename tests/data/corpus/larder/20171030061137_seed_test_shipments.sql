-- +goose Up
INSERT INTO shipments (order_id, carrier, tracking_number, shipped_at, delivered_at)
SELECT id, CASE WHEN id % 3 = 0 THEN 'dpd' ELSE 'royal_mail' END, 'TRK' || lpad(id::text, 8, '0'),
       placed_at + interval '1 day', CASE WHEN status = 'delivered' THEN placed_at + interval '3 days' END
FROM orders WHERE status IN ('shipped', 'delivered');

-- +goose Down
SELECT 'down not supported';
