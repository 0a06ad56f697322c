-- Fault-injection scenario, migration 3: new columns, a partitioned backfill in
-- small batches (many checkpoints to interrupt), then an index on the result.
ALTER TABLE accounts ADD COLUMN tier text;

ALTER TABLE accounts ADD COLUMN event_count integer;

-- lockwise:backfill key=id partition=tenant_id batch=250 pending="tier IS NULL"
UPDATE accounts AS a
   SET tier = CASE WHEN a.balance >= 500 THEN 'gold' ELSE 'basic' END,
       event_count = (SELECT count(*) FROM events AS e WHERE e.account_id = a.id)
 WHERE a.tier IS NULL;

CREATE INDEX CONCURRENTLY accounts_tier_idx ON accounts (tier);
