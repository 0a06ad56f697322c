create table if not exists audit_events_2020_07 partition of audit_events for values from ('2020-07-01') to ('2020-08-01');
create table if not exists audit_events_2020_08 partition of audit_events for values from ('2020-08-01') to ('2020-09-01');
create table if not exists audit_events_2020_09 partition of audit_events for values from ('2020-09-01') to ('2020-10-01');
