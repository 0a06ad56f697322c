create table if not exists audit_events_2024_01 partition of audit_events for values from ('2024-01-01') to ('2024-02-01');
create table if not exists audit_events_2024_02 partition of audit_events for values from ('2024-02-01') to ('2024-03-01');
create table if not exists audit_events_2024_03 partition of audit_events for values from ('2024-03-01') to ('2024-04-01');
