CREATE TYPE message_kind AS ENUM ('reply', 'note', 'status_change', 'merge');
ALTER TABLE ticket_messages ADD COLUMN kind message_kind NOT NULL DEFAULT 'reply';
UPDATE ticket_messages SET kind = 'note' WHERE NOT public;
