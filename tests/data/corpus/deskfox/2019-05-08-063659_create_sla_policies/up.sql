CREATE TABLE sla_policies (
    id SERIAL PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    name VARCHAR NOT NULL,
    priority VARCHAR NOT NULL,
    first_reply_minutes INTEGER NOT NULL,
    resolve_minutes INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT NOW()
);

INSERT INTO sla_policies (account_id, name, priority, first_reply_minutes, resolve_minutes, created_at) VALUES
    (1, 'Default low', 'low', 1440, 10080, '2019-01-01'),
    (1, 'Default normal', 'normal', 480, 4320, '2019-01-01'),
    (1, 'Default high', 'high', 120, 1440, '2019-01-01'),
    (1, 'Default urgent', 'urgent', 30, 480, '2019-01-01');
