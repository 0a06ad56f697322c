-- the open-alerts query filters by severity first since the dashboard redesign
CREATE INDEX CONCURRENTLY alerts_open_by_severity ON alerts (severity, device_id) WHERE cleared_at IS NULL;
DROP INDEX CONCURRENTLY alerts_open;
