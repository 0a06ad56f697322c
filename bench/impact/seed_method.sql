-- Migration 36 as the seed guide does it (seed-guide-migration-36.md): DDL with a 5 s
-- lock_timeout, CONCURRENTLY indexes and DML with 60 s, then per business "the next 1000
-- leads still NULL" updated from their first call, a commit and a 0.1 s sleep per batch,
-- until a batch updates nothing (leads without calls stay NULL and end a tenant's loop).
\set ON_ERROR_STOP 1
SET lock_timeout = '5s'; SET statement_timeout = '120s'; SET idle_in_transaction_session_timeout = '60s';
ALTER TABLE leads ADD COLUMN last_call_direction text;
SET lock_timeout = '60s'; SET statement_timeout = 0;
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_call_log_lead_created ON call_log (lead_id, created_at);
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_leads_backfill_pending ON leads (tenant_id, id) WHERE last_call_direction IS NULL;
CREATE PROCEDURE pg_temp.seed_backfill() LANGUAGE plpgsql AS $$
DECLARE
    tenant bigint;
    updated bigint;
BEGIN
    FOR tenant IN SELECT DISTINCT tenant_id FROM leads WHERE last_call_direction IS NULL ORDER BY 1 LOOP
        LOOP
            UPDATE leads AS l SET last_call_direction = sub.direction FROM (
                SELECT DISTINCT ON (c.lead_id) c.lead_id, c.direction FROM call_log AS c
                 WHERE c.lead_id IN (SELECT id FROM leads WHERE tenant_id = tenant AND last_call_direction IS NULL
                                      ORDER BY id LIMIT 1000)
                 ORDER BY c.lead_id, c.created_at, c.id) AS sub
             WHERE l.id = sub.lead_id;
            GET DIAGNOSTICS updated = ROW_COUNT;
            COMMIT;
            EXIT WHEN updated = 0;
            PERFORM pg_sleep(0.1);
        END LOOP;
    END LOOP;
END $$;
CALL pg_temp.seed_backfill();
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_leads_last_call_direction ON leads (last_call_direction);
