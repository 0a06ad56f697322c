-- +goose Up
DROP TRIGGER order_lines_recalc ON order_lines;
DROP FUNCTION order_lines_changed();
DROP FUNCTION recalc_order_total(integer);
-- +goose StatementBegin
CREATE FUNCTION recalc_order_total(p_order_id bigint) RETURNS integer AS $$
DECLARE
    v_total integer;
BEGIN
    SELECT coalesce(sum(quantity * unit_price_cents), 0) INTO v_total FROM order_lines WHERE order_id = p_order_id;
    UPDATE orders SET total_cents = v_total WHERE id = p_order_id;
    RETURN v_total;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION order_lines_changed() RETURNS trigger AS $$
BEGIN
    PERFORM recalc_order_total(coalesce(NEW.order_id, OLD.order_id));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER order_lines_recalc AFTER INSERT OR UPDATE OR DELETE ON order_lines
    FOR EACH ROW EXECUTE FUNCTION order_lines_changed();

-- +goose Down
SELECT 'down not supported';
