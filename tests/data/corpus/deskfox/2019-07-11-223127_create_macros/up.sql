CREATE TABLE macros (
    id SERIAL PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    title VARCHAR NOT NULL,
    body TEXT NOT NULL,
    set_status VARCHAR,
    position INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX macros_account ON macros (account_id, position);
