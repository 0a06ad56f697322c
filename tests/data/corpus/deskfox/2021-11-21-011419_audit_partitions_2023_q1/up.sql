create table if not exists audit_events_2023_01 partition of audit_events for values from ('2023-01-01') to ('2023-02-01');
create table if not exists audit_events_2023_02 partition of audit_events for values from ('2023-02-01') to ('2023-03-01');
create table if not exists audit_events_2023_03 partition of audit_events for values from ('2023-03-01') to ('2023-04-01');
