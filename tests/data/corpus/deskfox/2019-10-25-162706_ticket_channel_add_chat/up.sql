ALTER TYPE ticket_channel ADD VALUE 'chat';
