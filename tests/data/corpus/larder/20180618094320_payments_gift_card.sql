-- +goose Up
ALTER TABLE payments ADD COLUMN gift_card_id integer REFERENCES gift_cards (id);

-- +goose Down
SELECT 'down not supported';
