-- covered by devices_tenant_state
DROP INDEX CONCURRENTLY IF EXISTS devices_tenant_id;
