-- next quarter's partitions
CREATE TABLE audit_events_2019_10 PARTITION OF audit_events
    FOR VALUES FROM ('2019-10-01') TO ('2019-11-01');
CREATE TABLE audit_events_2019_11 PARTITION OF audit_events
    FOR VALUES FROM ('2019-11-01') TO ('2019-12-01');
CREATE TABLE audit_events_2019_12 PARTITION OF audit_events
    FOR VALUES FROM ('2019-12-01') TO ('2020-01-01');
