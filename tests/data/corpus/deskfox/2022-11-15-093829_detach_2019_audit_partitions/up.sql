-- Retention is five years: 2019 goes to cold storage (exported by the ops job first).
ALTER TABLE audit_events DETACH PARTITION audit_events_2019_early;
ALTER TABLE audit_events DETACH PARTITION audit_events_2019_07;
DROP TABLE audit_events_2019_early;
DROP TABLE audit_events_2019_07;
