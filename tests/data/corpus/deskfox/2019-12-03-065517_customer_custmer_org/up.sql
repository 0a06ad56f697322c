-- B2B customers belong to an organisation on the customer side.
CREATE TABLE organizations (
    id SERIAL PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    name VARCHAR NOT NULL,
    domain VARCHAR
);
ALTER TABLE customers ADD COLUMN custmer_org_id INTEGER REFERENCES organizations (id);
