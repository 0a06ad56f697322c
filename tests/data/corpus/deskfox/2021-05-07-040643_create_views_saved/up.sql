CREATE TABLE saved_views (
    id SERIAL PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    owner_agent_id INTEGER REFERENCES agents (id) ON DELETE CASCADE,
    title VARCHAR NOT NULL,
    filters JSONB NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
INSERT INTO saved_views (account_id, owner_agent_id, title, filters, position, created_at) VALUES
    (1, NULL, 'Unassigned', '{"assignee": null, "status": ["new", "open"]}', 1, '2021-11-02'),
    (1, NULL, 'Urgent', '{"priority": ["urgent"]}', 2, '2021-11-02'),
    (1, NULL, 'Waiting on customer', '{"status": ["pending"]}', 3, '2021-11-02');
