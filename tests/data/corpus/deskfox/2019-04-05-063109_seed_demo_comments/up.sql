INSERT INTO comments (ticket_id, author_agent_id, author_customer_id, body, public, created_at)
SELECT t.id,
       CASE WHEN k % 2 = 0 THEN 1 + (t.id + k) % 3 END,
       CASE WHEN k % 2 = 1 THEN t.customer_id END,
       'Reply ' || k || ' on ticket ' || t.id,
       k <> 3,
       t.created_at + k * interval '2 hours'
FROM tickets t, generate_series(1, 3) AS k
WHERE t.account_id = 1;
