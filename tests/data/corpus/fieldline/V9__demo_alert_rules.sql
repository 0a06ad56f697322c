INSERT INTO alert_rules (tenant_id, device_id, sensor, comparison, threshold, created_at)
SELECT 1, id, 0, '>', 28, '2019-07-01T00:00:00Z' FROM devices WHERE tenant_id = 1 AND id % 4 = 0;
INSERT INTO alerts (rule_id, device_id, value, raised_at, cleared_at)
SELECT r.id, r.device_id, 28.5, timestamptz '2019-06-20 14:00+00', timestamptz '2019-06-20 17:00+00'
FROM alert_rules r;
