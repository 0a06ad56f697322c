-- lockwise:statement-timeout off
-- lockwise:retries 5
ALTER TABLE projects ALTER COLUMN archived SET DEFAULT false;

-- lockwise:backfill key=id batch=auto target-ms=200 pending="archived IS NULL"
UPDATE projects SET archived = false WHERE archived IS NULL;
