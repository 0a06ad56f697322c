CREATE TABLE ingest_errors (
    id          BIGSERIAL PRIMARY KEY,
    gateway_eui TEXT,
    payload     BYTEA,
    error       TEXT NOT NULL,
    received_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
