INSERT INTO ticket_fields (account_id, key, label, kind, options, required) VALUES
    (1, 'order_number', 'Order number', 'text', NULL, false),
    (1, 'product_area', 'Product area', 'dropdown', '["billing", "mobile app", "web app", "integrations"]', true),
    (1, 'refund_requested', 'Refund requested', 'checkbox', NULL, false);
UPDATE tickets
SET custom_fields = jsonb_build_object('product_area', (ARRAY['billing', 'mobile app', 'web app', 'integrations'])[1 + id % 4])
WHERE account_id = 1;
