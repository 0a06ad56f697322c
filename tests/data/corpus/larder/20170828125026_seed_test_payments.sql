-- +goose Up
INSERT INTO payments (order_id, provider, provider_ref, state, amount_cents, created_at)
SELECT id, 'stripe', 'ch_test_' || id,
       CASE status WHEN 'placed' THEN 'authorized' WHEN 'cancelled' THEN 'refunded' ELSE 'captured' END::payment_state,
       total_cents, placed_at
FROM orders WHERE status <> 'cart';

-- +goose Down
SELECT 'down not supported';
