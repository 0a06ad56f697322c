-- +goose NO TRANSACTION
-- +goose Up
CREATE INDEX CONCURRENTLY product_images_product_id_idx ON product_images (product_id, position);

-- +goose Down
DROP INDEX product_images_product_id_idx;
