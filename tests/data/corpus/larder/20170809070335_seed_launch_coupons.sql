-- +goose Up
INSERT INTO coupons (code, percent_off, amount_off_cents, starts_at, ends_at) VALUES
    ('WELCOME10', 10, NULL, '2017-05-01', NULL),
    ('SPRING5', NULL, 500, '2017-05-01', '2017-06-30'),
    ('STAFF25', 25, NULL, '2017-05-01', NULL);

-- +goose Down
SELECT 'down not supported';
