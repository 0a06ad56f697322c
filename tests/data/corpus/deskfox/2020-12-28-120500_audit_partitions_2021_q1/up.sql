create table if not exists audit_events_2021_01 partition of audit_events for values from ('2021-01-01') to ('2021-02-01');
create table if not exists audit_events_2021_02 partition of audit_events for values from ('2021-02-01') to ('2021-03-01');
create table if not exists audit_events_2021_03 partition of audit_events for values from ('2021-03-01') to ('2021-04-01');
