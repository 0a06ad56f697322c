DROP VIEW comments;
ALTER TABLE ticket_messages RENAME TO comments;
