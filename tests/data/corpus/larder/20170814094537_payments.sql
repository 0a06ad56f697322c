-- +goose Up
CREATE TYPE payment_state AS ENUM ('pending', 'authorized', 'captured', 'failed', 'refunded');

CREATE TABLE payments (
    id serial PRIMARY KEY,
    order_id integer NOT NULL REFERENCES orders (id),
    provider text NOT NULL,
    provider_ref text,
    state payment_state NOT NULL DEFAULT 'pending',
    amount_cents integer NOT NULL,
    created_at timestamp NOT NULL DEFAULT now()
);
CREATE INDEX payments_order_id_idx ON payments (order_id);

-- +goose Down
DROP TABLE payments;
DROP TYPE payment_state;
