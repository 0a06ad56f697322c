ALTER TABLE alerts ALTER COLUMN value TYPE NUMERIC(12,3) USING round(value::numeric, 3);
