-- +goose Up
ALTER TABLE payments ADD COLUMN idempotency_key uuid DEFAULT gen_random_uuid();

-- +goose Down
SELECT 'down not supported';
