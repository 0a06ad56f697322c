create table if not exists audit_events_2020_01 partition of audit_events for values from ('2020-01-01') to ('2020-02-01');
create table if not exists audit_events_2020_02 partition of audit_events for values from ('2020-02-01') to ('2020-03-01');
create table if not exists audit_events_2020_03 partition of audit_events for values from ('2020-03-01') to ('2020-04-01');
