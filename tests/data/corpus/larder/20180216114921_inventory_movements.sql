-- +goose Up
CREATE TYPE movement_reason AS ENUM ('receipt', 'sale', 'return', 'adjustment', 'damage');
CREATE TABLE inventory_movements (
    id bigserial PRIMARY KEY,
    variant_id integer NOT NULL REFERENCES variants (id),
    delta integer NOT NULL,
    reason movement_reason NOT NULL,
    note text,
    created_at timestamp NOT NULL DEFAULT now()
);
CREATE INDEX inventory_movements_variant_idx ON inventory_movements (variant_id, created_at);

-- +goose Down
DROP TABLE inventory_movements;
DROP TYPE movement_reason;
