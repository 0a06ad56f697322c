ALTER TABLE tickets ADD COLUMN solved_at TIMESTAMP;
-- Best guess for tickets solved before this column: the time of their last reply
-- (updated_at moves with every edit, so it is not the solve time).
UPDATE tickets t SET solved_at = (SELECT max(c.created_at) FROM comments c WHERE c.ticket_id = t.id)
WHERE t.status IN ('solved', 'closed');
