-- +goose Up
-- forgot this in the previous one: the widget allowed 0 stars for a day
UPDATE reviews SET rating = 1 WHERE rating < 1;
ALTER TABLE reviews ADD CONSTRAINT reviews_rating_check CHECK (rating BETWEEN 1 AND 5);

-- +goose Down
SELECT 'down not supported';
