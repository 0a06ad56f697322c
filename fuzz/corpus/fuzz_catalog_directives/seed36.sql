-- Migration 36: remember the direction of each lead's FIRST call.
-- lockwise turns this file into five steps:
--   1. a DDL group: ADD COLUMN (metadata-only; ACCESS EXCLUSIVE for a moment,
--      taken with a short, growing lock_timeout so the app never queues long)
--   2-3. two concurrent index builds in autocommit (SHARE UPDATE EXCLUSIVE:
--      the application keeps reading and writing)
--   4. a backfill: batched per tenant, keyset-walked, SKIP LOCKED, resumable
--   5. a concurrent index on the new column
-- Rows whose calls arrive after the backfill started are the application's job:
-- the new release sets last_call_direction when it logs a lead's first call.

ALTER TABLE leads ADD COLUMN last_call_direction text;

-- Supports the backfill's "first call of this lead" lookup.
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_call_log_lead_created
    ON call_log (lead_id, created_at);

-- Lets each backfill batch find the rows still to do without scanning the tenant.
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_leads_backfill_pending
    ON leads (tenant_id, id) WHERE last_call_direction IS NULL;

-- lockwise:backfill key=id partition=tenant_id batch=auto target-ms=200
UPDATE leads AS l
   SET last_call_direction = (SELECT c.direction
                                FROM call_log AS c
                               WHERE c.lead_id = l.id
                               ORDER BY c.created_at, c.id
                               LIMIT 1)
 WHERE l.last_call_direction IS NULL;

-- lockwise:best-effort
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_leads_last_call_direction
    ON leads (last_call_direction);
