-- +goose Up
CREATE TABLE product_images (
    id serial PRIMARY KEY,
    product_id integer NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    url text NOT NULL,
    position integer NOT NULL DEFAULT 0
);

-- +goose Down
DROP TABLE product_images;
