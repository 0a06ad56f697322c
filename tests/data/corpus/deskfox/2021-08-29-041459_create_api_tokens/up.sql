CREATE TABLE api_tokens (
    id BIGSERIAL PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    agent_id INTEGER REFERENCES agents (id),
    token_digest BYTEA NOT NULL UNIQUE,
    scopes TEXT[] NOT NULL DEFAULT '{read}',
    last_used_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    revoked_at TIMESTAMPTZ
);
