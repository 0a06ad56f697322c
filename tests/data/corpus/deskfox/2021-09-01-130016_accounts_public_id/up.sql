-- Public ids for the API so we stop leaking how many accounts we have.
CREATE EXTENSION IF NOT EXISTS pgcrypto;
ALTER TABLE accounts ADD COLUMN public_id UUID NOT NULL DEFAULT gen_random_uuid();
CREATE UNIQUE INDEX accounts_public_id ON accounts (public_id);
