-- +goose Up
ALTER TABLE orders RENAME COLUMN customer_id TO account_id;
ALTER TABLE addresses RENAME COLUMN customer_id TO account_id;
ALTER TABLE reviews RENAME COLUMN customer_id TO account_id;
ALTER TABLE wishlist_items RENAME COLUMN customer_id TO account_id;
ALTER TABLE subscriptions RENAME COLUMN customer_id TO account_id;
ALTER TABLE carts RENAME COLUMN customer_id TO account_id;

-- +goose Down
SELECT 'down not supported';
