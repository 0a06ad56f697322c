-- +goose Up
CREATE VIEW daily_sales AS
SELECT date_trunc('day', placed_at) AS day, count(*) AS orders, sum(total_cents) AS revenue_cents
FROM orders
WHERE status IN ('paid', 'shipped', 'delivered')
GROUP BY 1;

-- +goose Down
DROP VIEW daily_sales;
