ALTER TYPE ticket_channel ADD VALUE IF NOT EXISTS 'phone';
ALTER TYPE ticket_channel ADD VALUE IF NOT EXISTS 'social';
