create table if not exists audit_events_2024_07 partition of audit_events for values from ('2024-07-01') to ('2024-08-01');
create table if not exists audit_events_2024_08 partition of audit_events for values from ('2024-08-01') to ('2024-09-01');
create table if not exists audit_events_2024_09 partition of audit_events for values from ('2024-09-01') to ('2024-10-01');
