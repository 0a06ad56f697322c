-- +goose Up
CREATE TABLE addresses (
    id serial PRIMARY KEY,
    customer_id integer NOT NULL REFERENCES customers (id),
    line1 text NOT NULL,
    line2 text,
    city text NOT NULL,
    postcode text NOT NULL,
    country char(2) NOT NULL DEFAULT 'GB'
);
ALTER TABLE orders ADD COLUMN shipping_address_id integer REFERENCES addresses (id);
ALTER TABLE orders ADD COLUMN billing_address_id integer REFERENCES addresses (id);

-- +goose Down
ALTER TABLE orders DROP COLUMN shipping_address_id, DROP COLUMN billing_address_id;
DROP TABLE addresses;
