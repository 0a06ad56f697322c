CREATE INDEX devices_tenant_id ON devices (tenant_id);
