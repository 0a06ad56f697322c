-- +goose Up
-- verified_purchase backfill used product_id from order_lines, gone now; re-run via variants.
UPDATE reviews r SET verified_purchase = EXISTS (
    SELECT 1 FROM orders o JOIN order_lines ol ON ol.order_id = o.id JOIN variants v ON v.id = ol.variant_id
    WHERE o.account_id = r.account_id AND v.product_id = r.product_id AND o.status = 'delivered');

-- +goose Down
SELECT 'down not supported';
