-- +goose Up
CREATE SEQUENCE order_number_seq START 100000;
-- +goose StatementBegin
CREATE FUNCTION next_order_number() RETURNS text AS $$
    SELECT 'LC' || lpad(nextval('order_number_seq')::text, 7, '0');
$$ LANGUAGE sql;
-- +goose StatementEnd
ALTER TABLE orders ALTER COLUMN number SET DEFAULT next_order_number();

-- +goose Down
ALTER TABLE orders ALTER COLUMN number DROP DEFAULT;
DROP FUNCTION next_order_number();
DROP SEQUENCE order_number_seq;
