-- lockwise:no-transactions
CREATE TABLE orders (id bigint PRIMARY KEY);
