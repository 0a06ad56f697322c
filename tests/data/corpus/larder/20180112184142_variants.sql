-- +goose Up
-- Sizes and pack counts: a product now has one or more variants, and
-- prices/stock move to the variant.
CREATE TABLE variants (
    id serial PRIMARY KEY,
    product_id integer NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    sku varchar(32) NOT NULL UNIQUE,
    label text NOT NULL DEFAULT 'Standard',
    price_cents integer NOT NULL,
    position integer NOT NULL DEFAULT 0
);

-- +goose Down
DROP TABLE variants;
