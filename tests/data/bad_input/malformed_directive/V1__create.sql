-- lockwise:lock-timeout 5
CREATE TABLE orders (id bigint PRIMARY KEY);
-- lockwise:retries many
CREATE TABLE items (id bigint PRIMARY KEY);
