INSERT INTO satisfaction_ratings (ticket_id, score, comment, reason, created_at)
SELECT id, 1 + (id % 5), CASE WHEN id % 5 = 0 THEN 'Slow to answer' END,
       CASE WHEN id % 5 = 0 THEN 'slow'::satisfaction_reason END,
       created_at + interval '3 days'
FROM tickets WHERE account_id = 1 AND status IN ('solved', 'closed', 'archived');
