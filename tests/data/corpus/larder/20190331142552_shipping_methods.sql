-- +goose Up
CREATE TABLE shipping_methods (
    id serial PRIMARY KEY,
    code text NOT NULL UNIQUE,
    name text NOT NULL,
    carrier text NOT NULL,
    price_cents integer NOT NULL,
    free_over_cents integer,
    countries char(2)[] NOT NULL
);
INSERT INTO shipping_methods (code, name, carrier, price_cents, free_over_cents, countries) VALUES
    ('uk-standard', 'UK standard (2-3 days)', 'royal_mail', 395, 5000, '{GB}'),
    ('uk-next-day', 'UK next day', 'dpd', 795, NULL, '{GB}'),
    ('eu-standard', 'EU standard', 'dpd', 1295, 15000, '{IE,FR,DE,NL,BE,ES,IT,PT,AT,DK,SE}');
ALTER TABLE orders ADD COLUMN shipping_method_id integer REFERENCES shipping_methods (id);

-- +goose Down
SELECT 'down not supported';
