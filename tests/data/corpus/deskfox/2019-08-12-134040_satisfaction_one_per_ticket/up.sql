-- Customers could rate twice by double-clicking the link in the survey mail.
DELETE FROM satisfaction_ratings a USING satisfaction_ratings b
WHERE a.ticket_id = b.ticket_id AND a.id > b.id;
CREATE UNIQUE INDEX satisfaction_ratings_ticket ON satisfaction_ratings (ticket_id);
