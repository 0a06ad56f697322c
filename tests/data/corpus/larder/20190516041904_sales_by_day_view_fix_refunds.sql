-- +goose Up
-- refunded orders were counted as revenue
CREATE OR REPLACE VIEW daily_sales AS
SELECT date_trunc('day', placed_at) AS day, count(*) AS orders, sum(total_cents) AS revenue_cents
FROM orders
WHERE status IN ('paid', 'shipped', 'delivered')
  AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.order_id = orders.id AND p.state = 'refunded')
GROUP BY 1;

-- +goose Down
SELECT 'down not supported';
