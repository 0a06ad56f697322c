-- +goose Up
CREATE TABLE refunds (
    id serial PRIMARY KEY,
    payment_id integer NOT NULL REFERENCES payments (id),
    amount_cents integer NOT NULL CHECK (amount_cents > 0),
    reason text,
    created_at timestamp NOT NULL DEFAULT now()
);
CREATE INDEX refunds_payment_id_idx ON refunds (payment_id);

-- +goose Down
DROP TABLE refunds;
