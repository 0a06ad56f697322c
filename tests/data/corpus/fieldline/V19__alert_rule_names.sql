ALTER TABLE alert_rules ADD COLUMN name TEXT;
UPDATE alert_rules SET name = 'Sensor ' || sensor || ' ' || comparison || ' ' || threshold;
ALTER TABLE alert_rules ALTER COLUMN name SET NOT NULL;
