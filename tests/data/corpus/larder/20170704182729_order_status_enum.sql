-- +goose Up
CREATE TYPE order_status AS ENUM ('cart', 'placed', 'paid', 'shipped', 'delivered', 'cancelled');
ALTER TABLE orders ALTER COLUMN status DROP DEFAULT;
ALTER TABLE orders ALTER COLUMN status TYPE order_status USING status::order_status;
ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'cart';

-- +goose Down
ALTER TABLE orders ALTER COLUMN status TYPE varchar(20) USING status::text;
DROP TYPE order_status;
