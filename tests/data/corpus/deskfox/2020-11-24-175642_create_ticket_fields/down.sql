ALTER TABLE tickets DROP COLUMN custom_fields;
DROP TABLE ticket_fields;
