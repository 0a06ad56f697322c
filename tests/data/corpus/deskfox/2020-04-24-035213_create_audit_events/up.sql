-- Append-only log of who did what. Partitioned by month from day one: the old
-- events table (never shipped) hit 200M rows in the beta.
CREATE TABLE audit_events (
    id BIGSERIAL,
    account_id INTEGER NOT NULL,
    actor_agent_id INTEGER,
    action VARCHAR NOT NULL,
    subject_type VARCHAR NOT NULL,
    subject_id BIGINT NOT NULL,
    payload JSONB NOT NULL DEFAULT '{}',
    occurred_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (id, occurred_at)
) PARTITION BY RANGE (occurred_at);
CREATE INDEX audit_events_account_time ON audit_events (account_id, occurred_at);

CREATE TABLE audit_events_2019_07 PARTITION OF audit_events FOR VALUES FROM ('2019-07-01') TO ('2019-08-01');
CREATE TABLE audit_events_2019_08 PARTITION OF audit_events FOR VALUES FROM ('2019-08-01') TO ('2019-09-01');
CREATE TABLE audit_events_2019_09 PARTITION OF audit_events FOR VALUES FROM ('2019-09-01') TO ('2019-10-01');
