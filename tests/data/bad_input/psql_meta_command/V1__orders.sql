\set ON_ERROR_STOP on
CREATE TABLE orders (id bigint PRIMARY KEY);
