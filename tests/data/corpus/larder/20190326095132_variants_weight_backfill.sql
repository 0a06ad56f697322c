-- +goose Up
UPDATE variants SET weight_grams = 250 + (id * 17) % 1750 WHERE weight_grams IS NULL;

-- +goose Down
SELECT 'down not supported';
