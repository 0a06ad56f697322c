-- +goose Up
ALTER TABLE coupons ADD COLUMN max_redemptions integer;
ALTER TABLE coupons ADD COLUMN redemptions integer NOT NULL DEFAULT 0;
UPDATE coupons c SET redemptions = (SELECT count(*) FROM orders o WHERE o.coupon_id = c.id);

-- +goose Down
SELECT 'down not supported';
