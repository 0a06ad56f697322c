-- +goose Up
ALTER TABLE subscriptions ADD COLUMN paused_until date;
ALTER TYPE subscription_status ADD VALUE 'payment_failed';

-- +goose Down
SELECT 'down not supported';
