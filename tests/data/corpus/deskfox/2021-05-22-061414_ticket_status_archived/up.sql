ALTER TYPE ticket_status ADD VALUE 'archived';
