create table if not exists audit_events_2025_01 partition of audit_events for values from ('2025-01-01') to ('2025-02-01');
create table if not exists audit_events_2025_02 partition of audit_events for values from ('2025-02-01') to ('2025-03-01');
create table if not exists audit_events_2025_03 partition of audit_events for values from ('2025-03-01') to ('2025-04-01');
