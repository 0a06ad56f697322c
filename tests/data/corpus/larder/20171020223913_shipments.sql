-- +goose Up
CREATE TABLE shipments (
    id serial PRIMARY KEY,
    order_id integer NOT NULL REFERENCES orders (id),
    carrier text NOT NULL,
    tracking_number text,
    shipped_at timestamp,
    delivered_at timestamp
);
CREATE INDEX shipments_order_id_idx ON shipments (order_id);

-- +goose Down
DROP TABLE shipments;
