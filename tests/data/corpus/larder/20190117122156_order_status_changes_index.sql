-- +goose Up
CREATE INDEX order_status_changes_order_idx ON order_status_changes (order_id);

-- +goose Down
SELECT 'down not supported';
