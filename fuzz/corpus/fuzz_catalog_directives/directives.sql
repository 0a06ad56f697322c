-- lockwise:lock-timeout 2s
-- lockwise:allow add-index-non-concurrently new table
CREATE INDEX i ON t (a);
-- lockwise:backfill key=id pending="a = \"b\"" batch=auto
UPDATE t SET a = 1;
