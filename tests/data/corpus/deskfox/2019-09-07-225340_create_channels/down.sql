ALTER TABLE tickets DROP COLUMN channel;
DROP TYPE ticket_channel;
