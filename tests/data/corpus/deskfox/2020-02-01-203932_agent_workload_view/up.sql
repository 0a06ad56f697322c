CREATE VIEW agent_workload AS
SELECT a.id AS agent_id, a.account_id, a.full_name, count(t.id) AS open_count
FROM agents a
LEFT JOIN tickets t ON t.assignee_id = a.id AND t.status IN ('open', 'pending')
GROUP BY a.id, a.account_id, a.full_name;
