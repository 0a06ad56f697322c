-- +goose Up
-- Nobody looked at it; the auth service has the real numbers.
ALTER TABLE accounts DROP COLUMN login_count;

-- +goose Down
SELECT 'down not supported';
