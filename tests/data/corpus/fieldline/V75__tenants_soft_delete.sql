ALTER TABLE tenants ADD COLUMN deleted_at TIMESTAMPTZ;
CREATE VIEW active_tenants AS SELECT * FROM tenants WHERE deleted_at IS NULL;
