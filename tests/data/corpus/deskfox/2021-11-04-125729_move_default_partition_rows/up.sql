-- The default partition caught a few thousand imported events from 2019-05.
-- Give them a real home so the default partition stays empty.
CREATE TABLE audit_events_2019_early (LIKE audit_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
INSERT INTO audit_events_2019_early SELECT * FROM audit_events_default WHERE occurred_at < '2019-07-01';
DELETE FROM audit_events_default WHERE occurred_at < '2019-07-01';
ALTER TABLE audit_events ATTACH PARTITION audit_events_2019_early FOR VALUES FROM (MINVALUE) TO ('2019-07-01');
