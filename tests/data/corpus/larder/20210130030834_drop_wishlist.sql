-- +goose Up
-- Wishlists were replaced by "save for later" on cart items (2024 redesign).
DROP TABLE wishlist_items;
ALTER TABLE cart_items ADD COLUMN saved_for_later boolean NOT NULL DEFAULT false;

-- +goose Down
SELECT 'down not supported';
