ALTER TABLE ticket_messages DROP COLUMN kind;
DROP TYPE message_kind;
