-- +goose Up
UPDATE coupons SET ends_at = '2022-03-31 23:59:59' WHERE code IN ('WELCOME10', 'STAFF25') AND ends_at IS NULL;
INSERT INTO coupons (code, percent_off, starts_at) VALUES ('WELCOME15', 15, '2022-04-01');

-- +goose Down
SELECT 'down not supported';
