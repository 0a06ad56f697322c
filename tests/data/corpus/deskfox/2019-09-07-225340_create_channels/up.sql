CREATE TYPE ticket_channel AS ENUM ('email', 'web', 'api');
ALTER TABLE tickets ADD COLUMN channel ticket_channel NOT NULL DEFAULT 'email';
