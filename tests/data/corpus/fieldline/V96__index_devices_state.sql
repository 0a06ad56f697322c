CREATE INDEX devices_tenant_state ON devices (tenant_id, state);
