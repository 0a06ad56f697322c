-- Finally: the workflow is stable. Views that read status must go first.
DROP VIEW open_tickets;

CREATE TYPE ticket_status AS ENUM ('new', 'open', 'pending', 'solved', 'closed');
ALTER TABLE tickets ALTER COLUMN status DROP DEFAULT;
ALTER TABLE tickets ALTER COLUMN status TYPE ticket_status USING status::ticket_status;
ALTER TABLE tickets ALTER COLUMN status SET DEFAULT 'new';

CREATE VIEW open_tickets AS
    SELECT t.id, t.account_id, t.subject, t.status, t.assignee_id, t.created_at
    FROM tickets t
    WHERE t.status IN ('new', 'open', 'pending');
