-- +goose Up
-- inventory_movements is 80% of the database; new rows go to a partitioned table
-- by month, the old table becomes its first partition.
ALTER TABLE inventory_movements RENAME TO inventory_movements_legacy;
ALTER TABLE inventory_movements_legacy DROP CONSTRAINT inventory_movements_pkey;
ALTER TABLE inventory_movements_legacy ADD PRIMARY KEY (id, created_at);

CREATE TABLE inventory_movements (
    id bigint NOT NULL DEFAULT nextval('inventory_movements_id_seq'),
    variant_id integer NOT NULL REFERENCES variants (id),
    delta integer NOT NULL,
    reason movement_reason NOT NULL,
    note text,
    created_at timestamp NOT NULL DEFAULT now(),
    warehouse_id integer REFERENCES warehouses (id),
    PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);
ALTER SEQUENCE inventory_movements_id_seq OWNED BY inventory_movements.id;

ALTER TABLE inventory_movements ATTACH PARTITION inventory_movements_legacy FOR VALUES FROM (MINVALUE) TO ('2021-01-01');

-- +goose Down
SELECT 'down not supported';
