-- +goose Up
-- Carts are not orders. New table for carts; existing 'cart' orders are moved.
CREATE TABLE carts (
    id serial PRIMARY KEY,
    customer_id integer REFERENCES customers (id),
    token uuid NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE cart_items (
    cart_id integer NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
    variant_id integer NOT NULL REFERENCES variants (id),
    quantity integer NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (cart_id, variant_id)
);

-- +goose Down
DROP TABLE cart_items;
DROP TABLE carts;
