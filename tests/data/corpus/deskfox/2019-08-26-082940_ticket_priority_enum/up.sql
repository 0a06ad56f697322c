CREATE TYPE ticket_priority AS ENUM ('low', 'normal', 'high', 'urgent');
UPDATE tickets SET priority = 'normal' WHERE priority IS NULL OR priority NOT IN ('low', 'normal', 'high', 'urgent');
ALTER TABLE tickets ALTER COLUMN priority TYPE ticket_priority USING priority::ticket_priority;
ALTER TABLE tickets ALTER COLUMN priority SET DEFAULT 'normal';
ALTER TABLE tickets ALTER COLUMN priority SET NOT NULL;
