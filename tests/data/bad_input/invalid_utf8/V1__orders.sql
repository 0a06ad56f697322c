CREATE TABLE orders (id bigint PRIMARY KEY, name text DEFAULT 'café');
