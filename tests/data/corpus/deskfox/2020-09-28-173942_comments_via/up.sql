ALTER TABLE comments ADD COLUMN via ticket_channel;
