-- The schema every classifier case runs against in the lock-truth test
-- (tests/db/test_sql_lock_truth.cpp): the seed CRM tables plus the objects
-- the cases alter (partitions, a view, a materialized view, a trigger, ...).
CREATE TYPE call_direction AS ENUM ('inbound', 'outbound');
CREATE TABLE leads (
    id bigserial PRIMARY KEY,
    tenant_id int NOT NULL,
    email text,
    name varchar(100),
    score int DEFAULT 0,
    status text,
    notes text,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_call_direction call_direction
);
CREATE INDEX leads_tenant_idx ON leads (tenant_id);
CREATE UNIQUE INDEX leads_email_idx ON leads (email);
ALTER TABLE leads ADD CONSTRAINT leads_score_check CHECK (score >= 0) NOT VALID;
CREATE TABLE call_log (
    id bigserial PRIMARY KEY,
    tenant_id int NOT NULL,
    lead_id bigint,
    direction call_direction,
    started_at timestamptz NOT NULL DEFAULT now(),
    duration_s int
);
CREATE INDEX call_log_lead_idx ON call_log (lead_id);
ALTER TABLE call_log ADD CONSTRAINT call_log_lead_fk FOREIGN KEY (lead_id) REFERENCES leads (id) NOT VALID;
CREATE TABLE events (id bigint NOT NULL, tenant_id int NOT NULL, payload jsonb) PARTITION BY LIST (tenant_id);
CREATE TABLE events_1 PARTITION OF events FOR VALUES IN (1);
CREATE TABLE events_3 PARTITION OF events FOR VALUES IN (3);
CREATE TABLE events_2 (LIKE events);
CREATE TABLE parent_log (id bigint, note text);
CREATE VIEW active_leads AS SELECT id, tenant_id, email FROM leads WHERE status = 'active';
CREATE MATERIALIZED VIEW lead_counts AS SELECT tenant_id, count(*) AS n FROM leads GROUP BY tenant_id;
CREATE UNIQUE INDEX lead_counts_tenant_idx ON lead_counts (tenant_id);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER leads_touch BEFORE UPDATE ON leads FOR EACH ROW EXECUTE FUNCTION touch();
CREATE TABLE archive (id bigint, lead_id bigint, note text);
INSERT INTO leads (tenant_id, email, status, score) VALUES (1, 'a@example.com', 'active', 1), (2, 'b@example.com', 'new', 2);
INSERT INTO call_log (tenant_id, lead_id, direction) VALUES (1, 1, 'inbound'), (2, NULL, 'outbound');
INSERT INTO events VALUES (1, 1, '{}');
