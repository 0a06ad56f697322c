-- +goose Up
ALTER TABLE products ADD COLUMN active boolean NOT NULL DEFAULT true;

-- +goose Down
ALTER TABLE products DROP COLUMN active;
