DROP VIEW open_tickets;
ALTER TABLE tickets ALTER COLUMN status TYPE VARCHAR USING status::text;
DROP TYPE ticket_status;
CREATE VIEW open_tickets AS SELECT id, account_id, subject, status, assignee_id, created_at FROM tickets
    WHERE status IN ('new', 'open', 'pending');
