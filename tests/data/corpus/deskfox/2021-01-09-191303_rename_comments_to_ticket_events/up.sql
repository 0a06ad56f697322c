-- Comments are about to carry status changes and merges too, so the table
-- gets the name the code already uses. The app reads both names for a release
-- through the compatibility view.
ALTER TABLE comments RENAME TO ticket_messages;
ALTER SEQUENCE comments_id_seq RENAME TO ticket_messages_id_seq;
ALTER INDEX comments_pkey RENAME TO ticket_messages_pkey;
ALTER INDEX comments_ticket_created RENAME TO ticket_messages_ticket_created;
CREATE VIEW comments AS SELECT * FROM ticket_messages;
