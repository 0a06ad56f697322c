-- status is free text for now; we'll tighten it once the workflow settles.
CREATE TABLE tickets (
    id SERIAL PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    assignee_id INTEGER REFERENCES agents (id),
    subject VARCHAR NOT NULL,
    status VARCHAR NOT NULL DEFAULT 'new',
    created_at TIMESTAMP NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP NOT NULL DEFAULT NOW()
);
CREATE INDEX tickets_account_status ON tickets (account_id, status);
CREATE TRIGGER tickets_touch BEFORE UPDATE ON tickets FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
