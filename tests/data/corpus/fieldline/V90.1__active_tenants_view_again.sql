-- 90 took active_tenants with it (SELECT * view). Put it back, with the plan's limit.
CREATE VIEW active_tenants AS
SELECT t.*, p.device_limit FROM tenants t JOIN plans p ON p.plan = t.plan WHERE t.deleted_at IS NULL;
