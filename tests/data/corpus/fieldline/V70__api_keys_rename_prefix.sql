ALTER TABLE api_keys RENAME COLUMN prefix TO key_prefix;
ALTER TABLE api_keys ADD COLUMN scopes TEXT[] NOT NULL DEFAULT '{ingest}';
