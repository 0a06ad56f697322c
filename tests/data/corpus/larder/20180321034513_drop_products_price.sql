-- +goose Up
-- Prices live on variants since the variants release; the API v1 field is served from the first variant.
DROP VIEW IF EXISTS product_ratings;
ALTER TABLE products DROP COLUMN price_cents;
CREATE VIEW product_ratings AS
SELECT product_id, count(*) AS review_count, round(avg(rating), 2) AS average_rating
FROM reviews
WHERE approved
GROUP BY product_id;

-- +goose Down
SELECT 'down not supported';
