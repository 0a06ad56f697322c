create table if not exists audit_events_2022_01 partition of audit_events for values from ('2022-01-01') to ('2022-02-01');
create table if not exists audit_events_2022_02 partition of audit_events for values from ('2022-02-01') to ('2022-03-01');
create table if not exists audit_events_2022_03 partition of audit_events for values from ('2022-03-01') to ('2022-04-01');
