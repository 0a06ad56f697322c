CREATE TYPE alert_severity AS ENUM ('info', 'warning', 'critical');
ALTER TABLE alert_rules ADD COLUMN severity alert_severity NOT NULL DEFAULT 'warning';
ALTER TABLE alerts ADD COLUMN severity alert_severity;
UPDATE alerts a SET severity = r.severity FROM alert_rules r WHERE r.id = a.rule_id;
