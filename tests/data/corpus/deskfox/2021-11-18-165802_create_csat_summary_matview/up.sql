CREATE MATERIALIZED VIEW csat_by_agent AS
SELECT t.account_id, t.assignee_id, date_trunc('month', r.created_at) AS month,
       count(*) AS ratings, avg(r.score)::numeric(3,2) AS average
FROM satisfaction_ratings r JOIN tickets t ON t.id = r.ticket_id
WHERE t.assignee_id IS NOT NULL
GROUP BY 1, 2, 3;
CREATE UNIQUE INDEX csat_by_agent_key ON csat_by_agent (account_id, assignee_id, month);
