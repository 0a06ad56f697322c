-- +goose Up
INSERT INTO carts (id, customer_id, token, created_at, updated_at)
SELECT id, customer_id, md5('cart' || id)::uuid, created_at, created_at FROM orders WHERE status = 'cart';
INSERT INTO cart_items (cart_id, variant_id, quantity)
SELECT order_id, variant_id, sum(quantity) FROM order_lines
WHERE order_id IN (SELECT id FROM orders WHERE status = 'cart')
GROUP BY order_id, variant_id;
SELECT setval('carts_id_seq', (SELECT max(id) FROM orders));
DELETE FROM order_lines WHERE order_id IN (SELECT id FROM orders WHERE status = 'cart');
DELETE FROM orders WHERE status = 'cart';

-- +goose Down
SELECT 'down not supported';
