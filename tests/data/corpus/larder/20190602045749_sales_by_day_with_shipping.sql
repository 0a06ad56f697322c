-- +goose Up
DROP VIEW daily_sales;
CREATE VIEW daily_sales AS
SELECT date_trunc('day', o.placed_at)::date AS day,
       count(*) AS orders,
       sum(o.total_cents) AS revenue_cents,
       sum(o.shipping_cents) AS shipping_cents
FROM orders o
WHERE o.status IN ('paid', 'shipped', 'delivered')
  AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.order_id = o.id AND p.state IN ('refunded', 'partially_refunded'))
GROUP BY 1;

-- +goose Down
SELECT 'down not supported';
