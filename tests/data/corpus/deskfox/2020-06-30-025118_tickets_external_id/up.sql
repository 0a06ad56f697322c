ALTER TABLE tickets ADD COLUMN external_id VARCHAR;
CREATE UNIQUE INDEX tickets_account_external_id ON tickets (account_id, external_id) WHERE external_id IS NOT NULL;
