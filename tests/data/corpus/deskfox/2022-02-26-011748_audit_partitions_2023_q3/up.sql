create table if not exists audit_events_2023_07 partition of audit_events for values from ('2023-07-01') to ('2023-08-01');
create table if not exists audit_events_2023_08 partition of audit_events for values from ('2023-08-01') to ('2023-09-01');
create table if not exists audit_events_2023_09 partition of audit_events for values from ('2023-09-01') to ('2023-10-01');
