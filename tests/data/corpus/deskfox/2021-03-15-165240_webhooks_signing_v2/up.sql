-- Secrets were stored as the raw key; v2 signs with a derived key and records which.
ALTER TABLE webhooks ADD COLUMN signing_version SMALLINT NOT NULL DEFAULT 1;
ALTER TABLE webhooks ADD COLUMN last_delivery_at TIMESTAMP, ADD COLUMN failure_count INTEGER NOT NULL DEFAULT 0;
