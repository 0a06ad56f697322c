-- +goose Up
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION order_lines_changed() RETURNS trigger AS $$
BEGIN
    PERFORM recalc_order_total(coalesce(NEW.order_id, OLD.order_id));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

CREATE TRIGGER order_lines_recalc
    AFTER INSERT OR UPDATE OR DELETE ON order_lines
    FOR EACH ROW EXECUTE PROCEDURE order_lines_changed();

-- +goose Down
DROP TRIGGER order_lines_recalc ON order_lines;
DROP FUNCTION order_lines_changed();
