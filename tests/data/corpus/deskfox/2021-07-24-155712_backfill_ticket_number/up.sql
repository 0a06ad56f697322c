UPDATE tickets t SET number = n.rn
FROM (SELECT id, row_number() OVER (PARTITION BY account_id ORDER BY id) AS rn FROM tickets) n
WHERE n.id = t.id;
UPDATE accounts a SET last_ticket_number = coalesce((SELECT max(number) FROM tickets t WHERE t.account_id = a.id), 0);
