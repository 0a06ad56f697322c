-- Custom fields per account (text, number, dropdown, checkbox).
CREATE TABLE ticket_fields (
    id SERIAL PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    key VARCHAR(64) NOT NULL,
    label VARCHAR NOT NULL,
    kind VARCHAR(16) NOT NULL,
    options JSONB,
    required BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE (account_id, key)
);
ALTER TABLE tickets ADD COLUMN custom_fields JSONB NOT NULL DEFAULT '{}';
