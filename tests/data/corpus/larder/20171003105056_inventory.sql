-- +goose Up
CREATE TABLE stock_levels (
    product_id integer PRIMARY KEY REFERENCES products (id),
    on_hand integer NOT NULL DEFAULT 0,
    reserved integer NOT NULL DEFAULT 0,
    updated_at timestamp NOT NULL DEFAULT now()
);
INSERT INTO stock_levels (product_id, on_hand, reserved, updated_at)
SELECT id, (id * 13) % 90, 0, '2017-06-01' FROM products;

-- +goose Down
DROP TABLE stock_levels;
