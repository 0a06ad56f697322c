-- +goose Up
CREATE INDEX reviews_product_id_idx ON reviews (product_id) WHERE approved;

-- +goose Down
SELECT 'down not supported';
