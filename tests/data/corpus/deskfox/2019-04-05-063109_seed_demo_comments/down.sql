DELETE FROM comments WHERE ticket_id IN (SELECT id FROM tickets WHERE account_id = 1);
