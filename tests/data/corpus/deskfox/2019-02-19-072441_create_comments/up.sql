CREATE TABLE comments (
    id SERIAL PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    author_agent_id INTEGER REFERENCES agents (id),
    author_customer_id INTEGER REFERENCES customers (id),
    body TEXT NOT NULL,
    public BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL DEFAULT NOW()
);
CREATE INDEX comments_ticket_id ON comments (ticket_id);
