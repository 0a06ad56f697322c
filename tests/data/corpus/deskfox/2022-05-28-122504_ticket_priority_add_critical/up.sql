ALTER TYPE ticket_priority ADD VALUE 'critical' AFTER 'urgent';
