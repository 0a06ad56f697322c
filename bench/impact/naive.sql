-- Migration 36 the naive way: one transaction, plain CREATE INDEX, one big UPDATE.
BEGIN;
ALTER TABLE leads ADD COLUMN last_call_direction text;
CREATE INDEX idx_call_log_lead_created ON call_log (lead_id, created_at);
CREATE INDEX idx_leads_backfill_pending ON leads (tenant_id, id) WHERE last_call_direction IS NULL;
UPDATE leads AS l
   SET last_call_direction = (SELECT c.direction FROM call_log AS c WHERE c.lead_id = l.id
                               ORDER BY c.created_at, c.id LIMIT 1)
 WHERE l.last_call_direction IS NULL;
CREATE INDEX idx_leads_last_call_direction ON leads (last_call_direction);
COMMIT;
