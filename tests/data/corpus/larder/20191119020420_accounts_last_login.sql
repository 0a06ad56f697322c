-- +goose Up
ALTER TABLE accounts ADD COLUMN last_login_at timestamptz;
ALTER TABLE accounts ADD COLUMN login_count integer NOT NULL DEFAULT 0;

-- +goose Down
SELECT 'down not supported';
