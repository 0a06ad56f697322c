-- Customers quote "ticket #1234"; that must be per account, not the global id.
ALTER TABLE tickets ADD COLUMN number INTEGER;
ALTER TABLE accounts ADD COLUMN last_ticket_number INTEGER NOT NULL DEFAULT 0;
