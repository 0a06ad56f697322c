CREATE TABLE reply_suggestions (
    id BIGSERIAL PRIMARY KEY,
    ticket_id BIGINT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    model VARCHAR NOT NULL,
    suggestion TEXT NOT NULL,
    accepted BOOLEAN,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX reply_suggestions_ticket ON reply_suggestions (ticket_id);
