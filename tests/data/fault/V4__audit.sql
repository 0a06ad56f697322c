-- Fault-injection scenario, migration 4: a constraint added NOT VALID, then
-- validated in its own step, and a new table with a view over it.
ALTER TABLE events ADD CONSTRAINT events_kind_check CHECK (kind IN ('login', 'purchase')) NOT VALID;

ALTER TABLE events VALIDATE CONSTRAINT events_kind_check;

CREATE TABLE audit_log (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES accounts (id),
    note       text NOT NULL
);

INSERT INTO audit_log (account_id, note)
SELECT id, 'tier ' || tier FROM accounts WHERE id % 10 = 0 ORDER BY id;

CREATE VIEW gold_accounts AS SELECT id, email, event_count FROM accounts WHERE tier = 'gold';
