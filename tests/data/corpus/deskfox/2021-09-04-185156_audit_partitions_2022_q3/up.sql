create table if not exists audit_events_2022_07 partition of audit_events for values from ('2022-07-01') to ('2022-08-01');
create table if not exists audit_events_2022_08 partition of audit_events for values from ('2022-08-01') to ('2022-09-01');
create table if not exists audit_events_2022_09 partition of audit_events for values from ('2022-09-01') to ('2022-10-01');
