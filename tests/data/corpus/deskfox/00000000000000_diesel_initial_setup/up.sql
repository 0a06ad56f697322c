-- diesel setup left its helper functions here; we never used them and keep
-- our own updated_at trigger in a later migration. pgcrypto is for API tokens.
CREATE EXTENSION IF NOT EXISTS pgcrypto;
