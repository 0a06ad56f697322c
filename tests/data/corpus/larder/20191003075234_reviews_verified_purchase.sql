-- +goose Up
ALTER TABLE reviews ADD COLUMN verified_purchase boolean NOT NULL DEFAULT false;

-- +goose Down
SELECT 'down not supported';
