-- +goose Up
CREATE TABLE gift_cards (
    id serial PRIMARY KEY,
    code text NOT NULL UNIQUE,
    initial_cents integer NOT NULL,
    balance_cents integer NOT NULL,
    expires_on date,
    created_at timestamp NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE gift_cards;
