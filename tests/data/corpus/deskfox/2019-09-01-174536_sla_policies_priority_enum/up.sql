ALTER TABLE sla_policies ALTER COLUMN priority TYPE ticket_priority USING priority::ticket_priority;
