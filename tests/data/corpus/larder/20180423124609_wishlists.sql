-- +goose Up
CREATE TABLE wishlist_items (
    customer_id integer NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    variant_id integer NOT NULL REFERENCES variants (id) ON DELETE CASCADE,
    added_at timestamp NOT NULL DEFAULT now(),
    PRIMARY KEY (customer_id, variant_id)
);

-- +goose Down
DROP TABLE wishlist_items;
