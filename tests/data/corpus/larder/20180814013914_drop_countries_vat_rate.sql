-- +goose Up
ALTER TABLE countries DROP COLUMN vat_rate;

-- +goose Down
SELECT 'down not supported';
