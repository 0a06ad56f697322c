CREATE TYPE tenant_plan AS ENUM ('pilot', 'standard', 'enterprise');
ALTER TABLE tenants ADD COLUMN plan tenant_plan NOT NULL DEFAULT 'pilot';
ALTER TABLE tenants ADD COLUMN device_limit INT NOT NULL DEFAULT 25;
UPDATE tenants SET plan = 'enterprise', device_limit = 100000 WHERE slug = 'demo';
