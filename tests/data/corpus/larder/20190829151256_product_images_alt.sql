-- +goose Up
ALTER TABLE product_images ADD COLUMN alt_text text;
ALTER TABLE product_images ADD COLUMN width integer, ADD COLUMN height integer;

-- +goose Down
SELECT 'down not supported';
