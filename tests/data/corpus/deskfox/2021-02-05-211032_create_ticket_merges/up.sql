CREATE TABLE ticket_merges (
    id SERIAL PRIMARY KEY,
    source_ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    target_ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    merged_by INTEGER NOT NULL REFERENCES agents (id),
    merged_at TIMESTAMP NOT NULL DEFAULT NOW(),
    CHECK (source_ticket_id <> target_ticket_id)
);
