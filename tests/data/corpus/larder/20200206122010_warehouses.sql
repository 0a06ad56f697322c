-- +goose Up
CREATE TABLE warehouses (
    id serial PRIMARY KEY,
    code text NOT NULL UNIQUE,
    name text NOT NULL,
    country char(2) NOT NULL REFERENCES countries (code)
);
INSERT INTO warehouses (code, name, country) VALUES ('BRS', 'Bristol', 'GB'), ('DUB', 'Dublin', 'IE');
ALTER TABLE stock_levels ADD COLUMN warehouse_id integer REFERENCES warehouses (id);
ALTER TABLE inventory_movements ADD COLUMN warehouse_id integer REFERENCES warehouses (id);

-- +goose Down
SELECT 'down not supported';
