CREATE TABLE orders (id bigint PRIMARY KEY, total numeric NOT NULL);
CREAT INDEX orders_total_idx ON orders (total);
