-- +goose Up
-- "customer" means the B2B buyer in the wholesale project; shoppers are accounts now.
ALTER TABLE customers RENAME TO accounts;
ALTER SEQUENCE customers_id_seq RENAME TO accounts_id_seq;

-- +goose Down
ALTER TABLE accounts RENAME TO customers;
ALTER SEQUENCE accounts_id_seq RENAME TO customers_id_seq;
