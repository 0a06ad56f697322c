CREATE TABLE leads (id bigint PRIMARY KEY, status text, done boolean NOT NULL DEFAULT false);
-- lockwise:backfill key=id pending="done) OR (true"
UPDATE leads SET status = 'closed' WHERE NOT done;
-- lockwise:backfill key=id batch=0 speed=fast
UPDATE leads SET status = 'open' WHERE status IS NULL;
