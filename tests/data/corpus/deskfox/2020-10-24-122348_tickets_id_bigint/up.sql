-- We are at 1.4 billion... no, we are not, but the import API lets accounts
-- bring their own ids and one enterprise account starts at 2^31 - 10000.
-- Done during the maintenance window of 2020-08-15.
DROP VIEW open_tickets;
DROP VIEW agent_workload;

ALTER TABLE ticket_tags ALTER COLUMN ticket_id TYPE BIGINT;
ALTER TABLE comments ALTER COLUMN ticket_id TYPE BIGINT;
ALTER TABLE satisfaction_ratings ALTER COLUMN ticket_id TYPE BIGINT;
ALTER TABLE tickets ALTER COLUMN id TYPE BIGINT;
ALTER SEQUENCE tickets_id_seq AS BIGINT;

CREATE VIEW open_tickets AS
    SELECT t.id, t.account_id, t.subject, t.status, t.priority, t.assignee_id, t.group_id, t.created_at
    FROM tickets t
    WHERE t.status IN ('new', 'open', 'pending', 'on_hold');
CREATE VIEW agent_workload AS
SELECT a.id AS agent_id, a.account_id, a.full_name, count(t.id) AS open_count
FROM agents a
LEFT JOIN tickets t ON t.assignee_id = a.id AND t.status IN ('open', 'pending', 'on_hold')
GROUP BY a.id, a.account_id, a.full_name;
