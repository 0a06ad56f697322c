create table if not exists audit_events_2021_07 partition of audit_events for values from ('2021-07-01') to ('2021-08-01');
create table if not exists audit_events_2021_08 partition of audit_events for values from ('2021-08-01') to ('2021-09-01');
create table if not exists audit_events_2021_09 partition of audit_events for values from ('2021-09-01') to ('2021-10-01');
