ALTER TABLE tenants DROP COLUMN device_limit CASCADE;
