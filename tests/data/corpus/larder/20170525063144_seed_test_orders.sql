-- +goose Up
INSERT INTO orders (customer_id, status, total_cents, placed_at, created_at, shipping_address_id, billing_address_id)
SELECT c.id, (ARRAY['cart', 'placed', 'paid', 'shipped', 'delivered', 'cancelled'])[1 + (c.id + k) % 6],
       0, CASE WHEN (c.id + k) % 6 <> 0 THEN timestamp '2017-04-02' + (c.id * 3 + k) * interval '1 hour' END,
       timestamp '2017-04-02' + (c.id * 3 + k) * interval '1 hour', a.id, a.id
FROM customers c JOIN addresses a ON a.customer_id = c.id, generate_series(1, 4) AS k;

INSERT INTO order_lines (order_id, product_id, quantity, unit_price_cents)
SELECT o.id, p.id, 1 + (o.id + l) % 3, p.price_cents
FROM orders o, generate_series(1, 3) AS l
JOIN products p ON p.id = 1 + (l * 97) % 400
WHERE o.id % 5 <> 0;

UPDATE orders o SET total_cents = s.total
FROM (SELECT order_id, sum(quantity * unit_price_cents) AS total FROM order_lines GROUP BY order_id) s
WHERE s.order_id = o.id;

-- +goose Down
SELECT 'down not supported';
