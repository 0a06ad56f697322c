ALTER TYPE ticket_status ADD VALUE 'on_hold' AFTER 'pending';
