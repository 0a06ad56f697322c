-- +goose Up
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION recalc_order_total(p_order_id integer) RETURNS integer AS $$
DECLARE
    v_total integer;
BEGIN
    SELECT coalesce(sum(quantity * unit_price_cents), 0) INTO v_total
    FROM order_lines WHERE order_id = p_order_id;
    UPDATE orders SET total_cents = v_total WHERE id = p_order_id;
    RETURN v_total;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION recalc_order_total(integer);
