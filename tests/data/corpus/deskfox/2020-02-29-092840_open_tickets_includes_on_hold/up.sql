DROP VIEW open_tickets;
CREATE VIEW open_tickets AS
    SELECT t.id, t.account_id, t.subject, t.status, t.priority, t.assignee_id, t.group_id, t.created_at
    FROM tickets t
    WHERE t.status IN ('new', 'open', 'pending', 'on_hold');

DROP VIEW agent_workload;
CREATE VIEW agent_workload AS
SELECT a.id AS agent_id, a.account_id, a.full_name, count(t.id) AS open_count
FROM agents a
LEFT JOIN tickets t ON t.assignee_id = a.id AND t.status IN ('open', 'pending', 'on_hold')
GROUP BY a.id, a.account_id, a.full_name;
