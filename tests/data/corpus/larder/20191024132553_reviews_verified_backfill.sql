-- +goose Up
UPDATE reviews r SET verified_purchase = true
WHERE EXISTS (SELECT 1 FROM orders o JOIN order_lines ol ON ol.order_id = o.id
              WHERE o.account_id = r.account_id AND ol.product_id = r.product_id AND o.status = 'delivered');

-- +goose Down
SELECT 'down not supported';
