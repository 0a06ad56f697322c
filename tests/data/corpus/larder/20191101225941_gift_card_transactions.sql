-- +goose Up
CREATE TABLE gift_card_transactions (
    id bigserial PRIMARY KEY,
    gift_card_id integer NOT NULL REFERENCES gift_cards (id),
    order_id integer REFERENCES orders (id),
    delta_cents integer NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
SELECT 'down not supported';
