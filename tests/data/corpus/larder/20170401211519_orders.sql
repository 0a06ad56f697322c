-- +goose Up
CREATE TABLE orders (
    id serial PRIMARY KEY,
    customer_id integer NOT NULL REFERENCES customers (id),
    status varchar(20) NOT NULL DEFAULT 'cart',
    total_cents integer NOT NULL DEFAULT 0,
    placed_at timestamp,
    created_at timestamp NOT NULL DEFAULT now()
);

CREATE TABLE order_lines (
    id serial PRIMARY KEY,
    order_id integer NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    product_id integer NOT NULL REFERENCES products (id),
    quantity integer NOT NULL CHECK (quantity > 0),
    unit_price_cents integer NOT NULL
);
CREATE INDEX order_lines_order_id_idx ON order_lines (order_id);

-- +goose Down
DROP TABLE order_lines;
DROP TABLE orders;
