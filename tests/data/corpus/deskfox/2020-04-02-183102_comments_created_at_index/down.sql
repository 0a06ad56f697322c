CREATE INDEX comments_ticket_id ON comments (ticket_id);
DROP INDEX comments_ticket_created;
