-- +goose Up
CREATE TABLE categories (
    id serial PRIMARY KEY,
    parent_id integer REFERENCES categories (id),
    slug text NOT NULL UNIQUE,
    name text NOT NULL
);

CREATE TABLE products (
    id serial PRIMARY KEY,
    category_id integer REFERENCES categories (id),
    sku varchar(32) NOT NULL UNIQUE,
    name text NOT NULL,
    description text,
    price_cents integer NOT NULL,
    created_at timestamp NOT NULL DEFAULT now()
);

CREATE TABLE customers (
    id serial PRIMARY KEY,
    email text NOT NULL UNIQUE,
    password_hash text NOT NULL,
    first_name text,
    last_name text,
    created_at timestamp NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE customers;
DROP TABLE products;
DROP TABLE categories;
