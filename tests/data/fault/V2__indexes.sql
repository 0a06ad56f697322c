-- Fault-injection scenario, migration 2: three concurrent index builds, each an
-- autocommit step (a fault mid-build leaves an INVALID index the rerun must rebuild).
CREATE INDEX CONCURRENTLY accounts_email_idx ON accounts (email);

CREATE INDEX CONCURRENTLY events_account_at_idx ON events (account_id, at);

CREATE UNIQUE INDEX CONCURRENTLY accounts_tenant_email_key ON accounts (tenant_id, email);
