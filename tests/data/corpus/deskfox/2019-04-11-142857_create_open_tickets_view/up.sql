CREATE VIEW open_tickets AS
    SELECT t.id, t.account_id, t.subject, t.status, t.assignee_id, t.created_at
    FROM tickets t
    WHERE t.status IN ('new', 'open', 'pending');
