ALTER TYPE notification_channel ADD VALUE 'slack' AFTER 'sms';
