-- +goose Up
CREATE VIEW product_ratings AS
SELECT product_id, count(*) AS review_count, round(avg(rating), 2) AS average_rating
FROM reviews
WHERE approved
GROUP BY product_id;

-- +goose Down
DROP VIEW product_ratings;
