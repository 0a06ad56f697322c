-- +goose Up
-- QA accounts used by the end-to-end suite on staging; harmless in prod (no password).
INSERT INTO customers (email, password_hash, first_name, last_name, created_at)
SELECT 'qa+' || g || '@larder.test', '!', 'QA', 'Customer ' || g, '2017-04-01'
FROM generate_series(1, 250) AS g;

INSERT INTO addresses (customer_id, line1, city, postcode, country)
SELECT id, id || ' Test Street', (ARRAY['London', 'Leeds', 'Bristol', 'Dublin', 'Lyon'])[1 + id % 5],
       'T' || id || ' 1AA', (ARRAY['GB', 'GB', 'GB', 'IE', 'FR'])[1 + id % 5]
FROM customers;

-- +goose Down
SELECT 'down not supported';
