-- +goose Up
-- "Larder box": monthly subscription of a curated box.
CREATE TYPE subscription_status AS ENUM ('active', 'paused', 'cancelled');
CREATE TABLE subscriptions (
    id serial PRIMARY KEY,
    customer_id integer NOT NULL REFERENCES customers (id),
    variant_id integer NOT NULL REFERENCES variants (id),
    status subscription_status NOT NULL DEFAULT 'active',
    interval_weeks smallint NOT NULL DEFAULT 4,
    next_run_on date NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX subscriptions_next_run_idx ON subscriptions (next_run_on) WHERE status = 'active';

-- +goose Down
DROP TABLE subscriptions;
DROP TYPE subscription_status;
