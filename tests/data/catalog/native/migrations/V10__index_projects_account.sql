-- lockwise:no-transaction
-- lockwise:lock-timeout 2s
CREATE INDEX CONCURRENTLY projects_account_id_idx ON projects (account_id);
