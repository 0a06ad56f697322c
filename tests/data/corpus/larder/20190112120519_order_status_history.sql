-- +goose Up
CREATE TABLE order_status_changes (
    id bigserial PRIMARY KEY,
    order_id integer NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    from_status order_status,
    to_status order_status NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT now()
);

-- +goose StatementBegin
CREATE FUNCTION log_order_status() RETURNS trigger AS $$
BEGIN
    INSERT INTO order_status_changes (order_id, from_status, to_status)
    VALUES (NEW.id, CASE WHEN TG_OP = 'UPDATE' THEN OLD.status END, NEW.status);
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

CREATE TRIGGER orders_status_log AFTER INSERT OR UPDATE OF status ON orders
    FOR EACH ROW WHEN (pg_trigger_depth() = 0) EXECUTE FUNCTION log_order_status();

-- +goose Down
DROP TRIGGER orders_status_log ON orders;
DROP FUNCTION log_order_status();
DROP TABLE order_status_changes;
