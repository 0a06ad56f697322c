-- +goose Up
CREATE TABLE price_lists (
    id serial PRIMARY KEY,
    wholesale_customer_id integer REFERENCES wholesale_customers (id),
    name text NOT NULL,
    discount_percent numeric(5,2) NOT NULL DEFAULT 0
);
CREATE TABLE price_list_entries (
    price_list_id integer NOT NULL REFERENCES price_lists (id) ON DELETE CASCADE,
    variant_id integer NOT NULL REFERENCES variants (id),
    price_cents integer NOT NULL,
    PRIMARY KEY (price_list_id, variant_id)
);
INSERT INTO price_lists (name, discount_percent) VALUES ('Trade standard', 15), ('Trade gold', 25);
INSERT INTO price_list_entries (price_list_id, variant_id, price_cents)
SELECT pl.id, v.id, round(v.price_cents * (100 - pl.discount_percent) / 100)
FROM price_lists pl, variants v;

-- +goose Down
SELECT 'down not supported';
