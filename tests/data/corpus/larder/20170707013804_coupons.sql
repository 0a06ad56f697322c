-- +goose Up
CREATE TABLE coupons (
    id serial PRIMARY KEY,
    code text NOT NULL,
    percent_off integer,
    amount_off_cents integer,
    starts_at timestamp,
    ends_at timestamp,
    CHECK ((percent_off IS NULL) <> (amount_off_cents IS NULL))
);
CREATE UNIQUE INDEX coupons_code_key ON coupons (upper(code));
ALTER TABLE orders ADD COLUMN coupon_id integer REFERENCES coupons (id);

-- +goose Down
ALTER TABLE orders DROP COLUMN coupon_id;
DROP TABLE coupons;
