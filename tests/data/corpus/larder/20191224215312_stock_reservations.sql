-- +goose Up
CREATE TABLE stock_reservations (
    id bigserial PRIMARY KEY,
    variant_id integer NOT NULL REFERENCES variants (id),
    cart_id integer REFERENCES carts (id) ON DELETE CASCADE,
    quantity integer NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX stock_reservations_expires_idx ON stock_reservations (expires_at);

-- +goose StatementBegin
CREATE FUNCTION release_expired_reservations() RETURNS integer AS $$
DECLARE
    n integer;
BEGIN
    WITH gone AS (
        DELETE FROM stock_reservations WHERE expires_at < now() RETURNING variant_id, quantity
    ), sums AS (
        SELECT variant_id, sum(quantity) AS q FROM gone GROUP BY variant_id
    )
    UPDATE stock_levels s SET reserved = s.reserved - sums.q FROM sums WHERE s.variant_id = sums.variant_id;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

-- +goose Down
SELECT 'down not supported';
