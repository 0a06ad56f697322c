CREATE TYPE device_state AS ENUM ('provisioned', 'active', 'offline', 'retired');
ALTER TABLE devices ADD COLUMN state device_state NOT NULL DEFAULT 'provisioned';
UPDATE devices SET state = 'active' WHERE tenant_id = 1;
