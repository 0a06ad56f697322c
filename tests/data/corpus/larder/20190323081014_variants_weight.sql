-- +goose Up
ALTER TABLE variants ADD COLUMN weight_grams integer;
ALTER TABLE variants ADD COLUMN barcode text;

-- +goose Down
SELECT 'down not supported';
