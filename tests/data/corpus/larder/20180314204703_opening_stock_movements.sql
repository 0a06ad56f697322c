-- +goose Up
INSERT INTO inventory_movements (variant_id, delta, reason, note, created_at)
SELECT variant_id, on_hand, 'receipt', 'opening balance', '2018-01-01'
FROM stock_levels WHERE on_hand > 0;

-- +goose Down
SELECT 'down not supported';
