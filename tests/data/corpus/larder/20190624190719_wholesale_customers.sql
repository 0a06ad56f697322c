-- +goose Up
CREATE TABLE wholesale_customers (
    id serial PRIMARY KEY,
    company_name text NOT NULL,
    vat_number text,
    credit_limit_cents integer NOT NULL DEFAULT 0,
    payment_terms_days smallint NOT NULL DEFAULT 30,
    created_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE accounts ADD COLUMN wholesale_customer_id integer REFERENCES wholesale_customers (id);

-- +goose Down
SELECT 'down not supported';
